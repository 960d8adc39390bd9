/**
 * Pass/fail pods transcribed from k8s.io/pod-security-admission/test/fixtures_*.go: each
 * case tweaks the minimal valid pod for its level and version, as upstream's generators do.
 * `since`/`until` bound the versions a generator applies to (upstream registers one per
 * version where the check changed). Cases marked `ours` are not upstream's; they pin
 * details upstream covers only in unit tests or not at all.
 */
export type Pod = { metadata: { name?: string; annotations?: Record<string, string> }; spec: Record<string, any> };

export interface FixtureCase {
  check: string;
  level: "baseline" | "restricted";
  since: number;
  until?: number;
  pass: Array<(p: Pod) => void>;
  fail: Array<(p: Pod) => void>;
  ours?: boolean;
}

const sc = (c: any) => (c.securityContext ??= {});
const podSc = (p: Pod) => (p.spec.securityContext ??= {});
const c0 = (p: Pod) => p.spec.containers[0];
const i0 = (p: Pod) => p.spec.initContainers[0];

/** minimal valid pods, per fixtures.go */
export function minimalValidPod(level: "baseline" | "restricted", minor: number): Pod {
  const pod: Pod = {
    metadata: {},
    spec: {
      initContainers: [{ name: "initcontainer1", image: "registry.k8s.io/pause" }],
      containers: [{ name: "container1", image: "registry.k8s.io/pause" }],
    },
  };
  if (level === "baseline") return pod;
  pod.spec.securityContext = { runAsNonRoot: true };
  if (minor >= 8) for (const c of [c0(pod), i0(pod)]) sc(c).allowPrivilegeEscalation = false;
  if (minor >= 19) pod.spec.securityContext.seccompProfile = { type: "RuntimeDefault" };
  if (minor >= 22) for (const c of [c0(pod), i0(pod)]) sc(c).capabilities = { drop: ["ALL"] };
  return pod;
}

const allowedSysctls10 = ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"];
const sysctl = (...names: string[]) => (p: Pod) => {
  podSc(p).sysctls = names.map((name) => ({ name, value: "0" }));
};
const volume = (v: Record<string, unknown>) => (p: Pod) => {
  p.spec.volumes = [{ name: "volume1", ...v }];
};
const seLinux = (where: "pod" | "c" | "i", opts: Record<string, string>) => (p: Pod) => {
  const target = where === "pod" ? podSc(p) : sc(where === "c" ? c0(p) : i0(p));
  target.seLinuxOptions = opts;
};
const windows = (p: Pod) => {
  p.spec.os = { name: "windows" };
};

export const FIXTURES: FixtureCase[] = [
  {
    check: "hostNamespaces",
    level: "baseline",
    since: 0,
    pass: [(p) => { p.spec.hostNetwork = false; p.spec.hostPID = false; p.spec.hostIPC = false; }],
    fail: [(p) => { p.spec.hostNetwork = true; }, (p) => { p.spec.hostPID = true; }, (p) => { p.spec.hostIPC = true; }],
  },
  {
    check: "privileged",
    level: "baseline",
    since: 0,
    pass: [(p) => { sc(c0(p)).privileged = false; sc(i0(p)).privileged = false; }],
    fail: [(p) => { sc(c0(p)).privileged = true; }, (p) => { sc(i0(p)).privileged = true; }],
  },
  {
    check: "capabilities_baseline",
    level: "baseline",
    since: 0,
    pass: [
      (p) => {
        sc(c0(p)).capabilities = { add: ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"] };
      },
    ],
    fail: [
      (p) => { sc(c0(p)).capabilities = { add: ["NET_RAW"] }; },
      (p) => { sc(i0(p)).capabilities = { add: ["NET_RAW"] }; },
      (p) => { sc(c0(p)).capabilities = { add: ["chown"] }; }, // ours: compared exactly as written
    ],
  },
  {
    check: "hostPathVolumes",
    level: "baseline",
    since: 0,
    pass: [volume({ emptyDir: {} })],
    fail: [volume({ hostPath: { path: "/a" } })],
  },
  {
    check: "hostPorts",
    level: "baseline",
    since: 0,
    pass: [(p) => { c0(p).ports = [{ containerPort: 12345 }]; i0(p).ports = [{ containerPort: 12346, hostPort: 0 }]; }],
    fail: [
      (p) => { c0(p).ports = [{ containerPort: 12345, hostPort: 12345 }]; },
      (p) => { i0(p).ports = [{ containerPort: 12346, hostPort: 12346 }]; },
      (p) => { p.spec.ephemeralContainers = [{ name: "ephemeral1", image: "busybox", ports: [{ hostPort: 9 }] }]; }, // ours
    ],
  },
  {
    check: "appArmorProfile",
    level: "baseline",
    since: 0,
    pass: [
      (p) => {
        p.metadata.annotations = {
          "container.apparmor.security.beta.kubernetes.io/container1": "runtime/default",
          "container.apparmor.security.beta.kubernetes.io/initcontainer1": "localhost/foo",
        };
      },
    ],
    fail: [
      (p) => { p.metadata.annotations = { "container.apparmor.security.beta.kubernetes.io/container1": "unconfined" }; },
      (p) => { p.metadata.annotations = { "container.apparmor.security.beta.kubernetes.io/initcontainer1": "somevalue" }; },
    ],
  },
  {
    check: "appArmorProfile",
    level: "baseline",
    since: 30,
    pass: [
      (p) => {
        podSc(p).appArmorProfile = { type: "RuntimeDefault" };
        sc(c0(p)).appArmorProfile = { type: "Localhost", localhostProfile: "foo" };
      },
    ],
    fail: [
      (p) => { podSc(p).appArmorProfile = { type: "Unconfined" }; },
      (p) => { sc(c0(p)).appArmorProfile = { type: "Unconfined" }; },
      (p) => { sc(i0(p)).appArmorProfile = { type: "Unconfined" }; },
    ],
  },
  {
    check: "seLinuxOptions",
    level: "baseline",
    since: 0,
    pass: [
      (p) => { seLinux("i", {})(p); },
      (p) => { seLinux("pod", { type: "container_t", level: "" })(p); seLinux("c", { type: "container_init_t", level: "somevalue" })(p); seLinux("i", { type: "container_kvm_t" })(p); },
    ],
    fail: [
      seLinux("pod", { type: "somevalue" }),
      seLinux("c", { type: "somevalue" }),
      seLinux("i", { type: "somevalue" }),
      seLinux("pod", { user: "somevalue" }),
      seLinux("pod", { role: "somevalue" }),
    ],
  },
  {
    check: "seLinuxOptions",
    level: "baseline",
    since: 0,
    until: 31,
    ours: true,
    pass: [],
    fail: [seLinux("c", { type: "container_engine_t" })],
  },
  {
    check: "seLinuxOptions",
    level: "baseline",
    since: 31,
    pass: [(p) => { seLinux("pod", { type: "container_engine_t" })(p); seLinux("c", { type: "container_t" })(p); }],
    fail: [seLinux("c", { type: "spc_t" })],
  },
  {
    check: "procMount",
    level: "baseline",
    since: 0,
    pass: [(p) => { sc(c0(p)).procMount = "Default"; }],
    fail: [(p) => { sc(c0(p)).procMount = "Unmasked"; }, (p) => { sc(i0(p)).procMount = "Unmasked"; }],
  },
  {
    check: "procMount",
    level: "baseline",
    since: 0,
    until: 35,
    pass: [],
    fail: [(p) => { p.spec.hostUsers = false; sc(c0(p)).procMount = "Unmasked"; }],
  },
  {
    // 1.35: baseline relaxes for user-namespaced pods; restricted (procMount_restricted) does not
    check: "procMount",
    level: "baseline",
    since: 35,
    pass: [(p) => { p.spec.hostUsers = false; sc(c0(p)).procMount = "Unmasked"; }],
    fail: [(p) => { p.spec.hostUsers = true; sc(i0(p)).procMount = "Unmasked"; }],
  },
  {
    check: "seccompProfile_baseline",
    level: "baseline",
    since: 0,
    until: 19,
    pass: [
      (p) => {
        p.metadata.annotations = {
          "seccomp.security.alpha.kubernetes.io/pod": "runtime/default",
          "container.seccomp.security.alpha.kubernetes.io/container1": "docker/default",
          "container.seccomp.security.alpha.kubernetes.io/initcontainer1": "localhost/foo",
        };
      },
    ],
    fail: [
      (p) => { p.metadata.annotations = { "seccomp.security.alpha.kubernetes.io/pod": "unconfined" }; },
      (p) => { p.metadata.annotations = { "container.seccomp.security.alpha.kubernetes.io/container1": "unconfined" }; },
      (p) => { p.metadata.annotations = { "container.seccomp.security.alpha.kubernetes.io/initcontainer1": "unconfined" }; },
    ],
  },
  {
    check: "seccompProfile_baseline",
    level: "baseline",
    since: 19,
    pass: [
      (p) => { podSc(p).seccompProfile = { type: "RuntimeDefault" }; },
      (p) => { sc(c0(p)).seccompProfile = { type: "Localhost", localhostProfile: "testprofile" }; },
    ],
    fail: [
      (p) => { podSc(p).seccompProfile = { type: "Unconfined" }; },
      (p) => { sc(c0(p)).seccompProfile = { type: "Unconfined" }; },
      (p) => { sc(i0(p)).seccompProfile = { type: "Unconfined" }; },
    ],
  },
  { check: "sysctls", level: "baseline", since: 0, pass: [(p) => { podSc(p).sysctls = []; }, sysctl(...allowedSysctls10)], fail: [sysctl("othersysctl")] },
  { check: "sysctls", level: "baseline", since: 0, until: 27, pass: [], fail: [sysctl("net.ipv4.ip_local_reserved_ports")] },
  { check: "sysctls", level: "baseline", since: 27, pass: [sysctl(...allowedSysctls10, "net.ipv4.ip_local_reserved_ports")], fail: [sysctl("othersysctl")] },
  { check: "sysctls", level: "baseline", since: 27, until: 29, pass: [], fail: [sysctl("net.ipv4.tcp_keepalive_time")] },
  {
    check: "sysctls",
    level: "baseline",
    since: 29,
    pass: [sysctl(...allowedSysctls10, "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes")],
    fail: [sysctl("othersysctl")],
  },
  { check: "sysctls", level: "baseline", since: 29, until: 32, pass: [], fail: [sysctl("net.ipv4.tcp_rmem")] },
  { check: "sysctls", level: "baseline", since: 32, pass: [sysctl("net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem")], fail: [sysctl("othersysctl"), sysctl("net.ipv4.tcp_slow_start_after_idle")] },
  {
    check: "windowsHostProcess",
    level: "baseline",
    since: 0,
    pass: [(p) => { podSc(p).windowsOptions = { hostProcess: false }; }],
    fail: [
      (p) => { windows(p); p.spec.hostNetwork = false; podSc(p).windowsOptions = { hostProcess: true }; },
      (p) => { windows(p); sc(c0(p)).windowsOptions = { hostProcess: true }; },
      (p) => { windows(p); sc(i0(p)).windowsOptions = { hostProcess: true }; },
    ],
  },
  {
    check: "hostProbesAndHostLifecycle",
    level: "baseline",
    since: 34,
    pass: [
      (p) => { c0(p).livenessProbe = { httpGet: { port: 80 } }; },
      (p) => { c0(p).readinessProbe = { tcpSocket: { host: "", port: 80 } }; },
    ],
    fail: [
      (p) => { c0(p).livenessProbe = { httpGet: { host: "8.8.8.8", port: 80 } }; },
      (p) => { i0(p).readinessProbe = { tcpSocket: { host: "8.8.8.8", port: 80 } }; },
      (p) => { c0(p).startupProbe = { httpGet: { host: "example.com", port: 80 } }; },
      (p) => { c0(p).lifecycle = { postStart: { httpGet: { host: "example.com", port: 80 } } }; },
      (p) => { c0(p).lifecycle = { preStop: { tcpSocket: { host: "example.com", port: 80 } } }; },
    ],
  },
  {
    check: "hostProbesAndHostLifecycle",
    level: "baseline",
    since: 0,
    until: 34,
    ours: true,
    pass: [(p) => { c0(p).livenessProbe = { httpGet: { host: "8.8.8.8", port: 80 } }; }],
    fail: [],
  },
  {
    check: "restrictedVolumes",
    level: "restricted",
    since: 0,
    pass: [
      (p) => {
        p.spec.volumes = [
          { name: "a", configMap: {} },
          { name: "b", csi: { driver: "x" } },
          { name: "c", downwardAPI: {} },
          { name: "d", emptyDir: {} },
          { name: "e", ephemeral: { volumeClaimTemplate: {} } },
          { name: "f", persistentVolumeClaim: { claimName: "x" } },
          { name: "g", projected: {} },
          { name: "h", secret: {} },
        ];
      },
    ],
    fail: [
      "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs", "rbd", "flexVolume", "cinder", "cephfs",
      "flocker", "fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "portworxVolume", "photonPersistentDisk", "scaleIO", "storageos", "hostPath",
    ].map((t) => volume({ [t]: {} })),
  },
  { check: "restrictedVolumes", level: "restricted", since: 0, until: 33, ours: true, pass: [], fail: [volume({ image: { reference: "x" } })] },
  { check: "restrictedVolumes", level: "restricted", since: 33, pass: [volume({ image: { reference: "x" } })], fail: [] },
  {
    check: "allowPrivilegeEscalation",
    level: "restricted",
    since: 8,
    pass: [],
    fail: [
      (p) => { delete sc(c0(p)).allowPrivilegeEscalation; },
      (p) => { sc(c0(p)).allowPrivilegeEscalation = true; },
      (p) => { sc(i0(p)).allowPrivilegeEscalation = true; },
    ],
  },
  {
    check: "allowPrivilegeEscalation",
    level: "restricted",
    since: 25,
    pass: [(p) => { windows(p); delete sc(c0(p)).allowPrivilegeEscalation; delete sc(i0(p)).allowPrivilegeEscalation; }],
    fail: [],
  },
  {
    check: "runAsNonRoot",
    level: "restricted",
    since: 0,
    pass: [
      (p) => { podSc(p).runAsNonRoot = true; },
      (p) => { delete podSc(p).runAsNonRoot; sc(c0(p)).runAsNonRoot = true; sc(i0(p)).runAsNonRoot = true; },
    ],
    fail: [
      (p) => { delete podSc(p).runAsNonRoot; },
      (p) => { podSc(p).runAsNonRoot = false; },
      (p) => { sc(c0(p)).runAsNonRoot = false; },
      (p) => { sc(i0(p)).runAsNonRoot = false; },
      (p) => { delete podSc(p).runAsNonRoot; podSc(p).runAsUser = 1000; }, // ours: a non-zero uid does not stand in
    ],
  },
  { check: "runAsNonRoot", level: "restricted", since: 0, until: 35, pass: [], fail: [(p) => { p.spec.hostUsers = false; delete podSc(p).runAsNonRoot; }] },
  { check: "runAsNonRoot", level: "restricted", since: 35, pass: [(p) => { p.spec.hostUsers = false; podSc(p).runAsNonRoot = false; }], fail: [] },
  {
    check: "runAsUser",
    level: "restricted",
    since: 23,
    pass: [(p) => { podSc(p).runAsUser = 1000; sc(c0(p)).runAsUser = 1000; }],
    fail: [(p) => { podSc(p).runAsUser = 0; }, (p) => { sc(c0(p)).runAsUser = 0; }, (p) => { sc(i0(p)).runAsUser = 0; }],
  },
  { check: "runAsUser", level: "restricted", since: 0, until: 23, ours: true, pass: [(p) => { podSc(p).runAsUser = 0; }], fail: [] },
  { check: "runAsUser", level: "restricted", since: 23, until: 35, pass: [], fail: [(p) => { p.spec.hostUsers = false; podSc(p).runAsUser = 0; }] },
  { check: "runAsUser", level: "restricted", since: 35, pass: [(p) => { p.spec.hostUsers = false; podSc(p).runAsUser = 0; }], fail: [] },
  {
    check: "seccompProfile_restricted",
    level: "restricted",
    since: 19,
    pass: [
      (p) => {
        delete podSc(p).seccompProfile;
        sc(c0(p)).seccompProfile = { type: "RuntimeDefault" };
        sc(i0(p)).seccompProfile = { type: "Localhost", localhostProfile: "testprofile" };
      },
    ],
    fail: [
      (p) => { delete podSc(p).seccompProfile; },
      (p) => { delete podSc(p).seccompProfile; sc(c0(p)).seccompProfile = { type: "RuntimeDefault" }; },
      (p) => { podSc(p).seccompProfile = { type: "Unconfined" }; },
      (p) => { sc(i0(p)).seccompProfile = { type: "Unconfined" }; },
    ],
  },
  { check: "seccompProfile_restricted", level: "restricted", since: 25, pass: [(p) => { windows(p); delete podSc(p).seccompProfile; }], fail: [] },
  {
    check: "capabilities_restricted",
    level: "restricted",
    since: 22,
    pass: [(p) => { sc(c0(p)).capabilities = { drop: ["ALL"], add: ["NET_BIND_SERVICE"] }; }],
    fail: [
      (p) => { delete sc(c0(p)).capabilities; },
      (p) => { sc(c0(p)).capabilities = { drop: ["NET_RAW"] }; },
      (p) => { sc(i0(p)).capabilities = { drop: ["ALL"], add: ["NET_RAW"] }; },
      (p) => { sc(c0(p)).capabilities = { drop: ["all"] }; }, // ours: names are compared exactly
      (p) => { sc(c0(p)).capabilities = { drop: ["ALL"], add: ["CAP_NET_BIND_SERVICE"] }; }, // ours
    ],
  },
  { check: "capabilities_restricted", level: "restricted", since: 25, pass: [(p) => { windows(p); delete sc(c0(p)).capabilities; delete sc(i0(p)).capabilities; }], fail: [] },
  {
    check: "procMount_restricted",
    level: "restricted",
    since: 35,
    pass: [(p) => { p.spec.hostUsers = false; sc(c0(p)).procMount = "Default"; }],
    fail: [(p) => { p.spec.hostUsers = false; sc(c0(p)).procMount = "Unmasked"; }],
  },
];
