import { describe, expect, it } from "vitest";
import { inKind, kube, lineOf, run } from "./harness.js";

/** Pod-level values apply to containers that do not set their own; container values win. */
describe("pod-level vs container-level securityContext", () => {
  const pod = (podSc: string, containerSc: string) =>
    inKind(
      "Deployment",
      `securityContext:\n${podSc}\ncontainers:\n  - name: app\n    image: ghcr.io/acme/app:1.0\n    securityContext:\n  ${containerSc}\n  - name: side\n    image: ghcr.io/acme/side:1.0`,
    );

  it("user/may-run-as-root: the pod's runAsNonRoot covers containers; a container's runAsUser: 0 is still root", () => {
    const text = pod("  runAsNonRoot: true", "    allowPrivilegeEscalation: false");
    expect(run("user/may-run-as-root", text)).toEqual([]);
    const root = pod("  runAsUser: 10001", "    runAsUser: 0 # <-");
    const f = run("user/may-run-as-root", root);
    expect(f.map((x) => x.container)).toEqual(["app"]);
    expect(f[0]!.line).toBe(lineOf(root));
    expect(f[0]!.message).toContain("set on the container");
  });

  it("user/non-root-conflict: runAsNonRoot on the pod and runAsUser: 0 on the container, pointed at the uid", () => {
    const text = pod("  runAsNonRoot: true", "    runAsUser: 0 # <-");
    const f = run("user/non-root-conflict", text);
    expect(f.map((x) => x.container)).toEqual(["app"]);
    expect(f[0]!.line).toBe(lineOf(text));
    expect(run("user/may-run-as-root", text)).toEqual([]); // one root cause, one rule
  });

  it("user/group-root: a pod-level runAsGroup covers a container-level runAsUser", () => {
    expect(run("user/group-root", pod("  runAsGroup: 10001", "    runAsUser: 10001"))).toEqual([]);
    const f = run("user/group-root", pod("  runAsGroup: 0 # <-", "    runAsUser: 10001"));
    expect(f.map((x) => x.container)).toEqual(["app"]);
    expect(f[0]!.fix).toMatchObject({ on: "pod", value: 10001 });
  });

  it("seccomp: a container's profile overrides the pod's", () => {
    const text = pod("  seccompProfile: { type: Unconfined } # <-", "    seccompProfile: { type: RuntimeDefault }");
    const f = run("seccomp/unconfined", text);
    expect(f.map((x) => x.container)).toEqual(["side"]);
    expect(f[0]!.line).toBe(lineOf(text));
    expect(f[0]!.fix).toMatchObject({ on: "pod" });
    expect(run("seccomp/missing", text)).toEqual([]);
  });

  it("seccomp/missing points at the pod's securityContext when there is one, per container", () => {
    const text = pod("  runAsNonRoot: true", "    runAsUser: 10001");
    const f = run("seccomp/missing", text);
    expect(f.map((x) => x.container)).toEqual(["app", "side"]);
    expect(new Set(f.map((x) => x.line))).toEqual(new Set([lineOf(text, "securityContext:")]));
    expect(f[0]!.fix).toEqual({ set: ["securityContext", "seccompProfile"], value: { type: "RuntimeDefault" }, on: "pod" });
  });

  it("apparmor: a container's field overrides the pod's", () => {
    const text = pod("  appArmorProfile: { type: Unconfined }", "    appArmorProfile: { type: RuntimeDefault }");
    expect(run("apparmor/unconfined", text).map((x) => x.container)).toEqual(["side"]);
  });

  it("selinux: a container's seLinuxOptions replace the pod's", () => {
    const text = pod("  seLinuxOptions: { type: spc_t }", "    seLinuxOptions: { type: container_t }");
    expect(run("selinux/type", text).map((x) => x.container)).toEqual(["side"]);
  });

  it("windows hostProcess merges field by field: the pod's hostProcess reaches every container", () => {
    const text = pod("  windowsOptions: { hostProcess: true }", "    windowsOptions: { runAsUserName: ContainerUser }");
    const f = run("host/windows-host-process", text);
    expect(f.map((x) => x.container)).toEqual(["app", "side"]);
  });
});

describe("one finding per root cause", () => {
  const c = (sc: string) => inKind("Pod", `containers:\n  - name: app\n    image: ghcr.io/acme/app:1.0\n    securityContext:\n${sc}`);

  it("privileged containers are not also told to set allowPrivilegeEscalation: false (the API would reject it)", () => {
    expect(run("privilege/allow-escalation", c("      privileged: true"))).toEqual([]);
    expect(run("privileged/privileged", c("      privileged: true"))).toHaveLength(1);
  });

  it("a dangerous capability is reported by dangerous-add only, in any spelling, quoted as written", () => {
    const text = c("      capabilities:\n        drop: [ALL]\n        add: [sys_admin, CAP_NET_ADMIN, NET_BIND_SERVICE]");
    const f = run("capabilities/dangerous-add", text);
    expect(f.map((x) => x.message.match(/adds '([^']+)'/)?.[1])).toEqual(["sys_admin", "CAP_NET_ADMIN"]);
    expect(run("capabilities/add-not-allowed", text)).toEqual([]);
    expect(run("privilege/allow-escalation", text)).toEqual([]);
  });

  it("escalation-conflict: CAP_SYS_ADMIN is rejected by the API server (error); SYS_ADMIN only defeats the setting (warning)", () => {
    const exact = run("privileged/escalation-conflict", c("      allowPrivilegeEscalation: false\n      capabilities: { add: [CAP_SYS_ADMIN] }"));
    expect(exact.map((f) => f.severity)).toEqual(["error"]);
    const other = run("privileged/escalation-conflict", c("      allowPrivilegeEscalation: false\n      capabilities: { add: [SYS_ADMIN] }"));
    expect(other.map((f) => f.severity)).toEqual(["warning"]);
  });

  it("an invalid quantity is not also compared with its request or limit", () => {
    const text = inKind("Pod", "containers:\n  - name: app\n    image: a:1.0\n    resources:\n      requests: { memory: 2Gb }\n      limits: { memory: 1Gi }");
    expect(run("resources/limit-below-request", text)).toEqual([]);
    expect(run("resources/invalid-quantity", text)[0]!.message).toContain("write '2G' (or '2Gi'");
  });

  it("hostPort under hostNetwork is left to host/namespaces; hostPath is not a restricted-type finding", () => {
    const text = inKind(
      "Pod",
      "hostNetwork: true\ncontainers:\n  - name: app\n    image: a:1.0\n    ports: [{ containerPort: 80, hostPort: 80 }]\nvolumes:\n  - { name: h, hostPath: { path: /x } }",
    );
    expect(run("host/host-port", text)).toEqual([]);
    expect(run("volumes/restricted-type", text)).toEqual([]);
    expect(run("host/namespaces", text)).toHaveLength(1);
  });

  it("image: a moving tag is mutable-tag's, a release tag not-pinned's, a digest neither", () => {
    const img = (ref: string) => inKind("Pod", `containers:\n  - name: app\n    image: ${ref}`);
    expect(run("image/not-pinned", img("nginx:latest"))).toEqual([]);
    expect(run("image/mutable-tag", img("nginx:1.27"))).toEqual([]);
    expect(run("image/mutable-tag", img("localhost:5000/app"))[0]!.message).toContain("has no tag");
    expect(run("image/not-pinned", img(`nginx:1.27@sha256:${"0".repeat(64)}`))).toEqual([]);
    expect(run("image/invalid-digest", img(`nginx@sha256:${"A".repeat(64)}`))).toHaveLength(1);
    expect(run("image/mutable-tag", img("${IMAGE}"))).toEqual([]);
  });

  it("Windows pods are not told about Linux-only fields", () => {
    const text = inKind("Pod", "os: { name: windows }\ncontainers:\n  - name: app\n    image: a:1.0");
    for (const id of ["user/may-run-as-root", "capabilities/not-dropped", "privilege/allow-escalation", "seccomp/missing", "filesystem/writable-root"]) {
      expect(run(id, text), id).toEqual([]);
    }
  });
});

describe("version-dependent behaviour", () => {
  const annotated = (annotations: Record<string, string>, sc = "") =>
    inKind("Deployment", `${sc}containers:\n  - name: app\n    image: a:1.0`, annotations);
  const seccompPod = { "seccomp.security.alpha.kubernetes.io/pod": "runtime/default" };

  it("seccomp annotation: honoured before 1.19, deprecated 1.19–1.26 (note), ignored from 1.27 (warning)", () => {
    const text = annotated(seccompPod);
    expect(run("seccomp/annotation", text, kube(18))).toEqual([]);
    expect(run("seccomp/missing", text, kube(18))).toEqual([]);
    expect(run("seccomp/annotation", text, kube(19)).map((f) => f.severity)).toEqual(["note"]);
    expect(run("seccomp/annotation", text, kube(26)).map((f) => f.severity)).toEqual(["note"]);
    const ignored = run("seccomp/annotation", text, kube(27));
    expect(ignored.map((f) => f.severity)).toEqual(["warning"]);
    expect(ignored[0]!.line).toBe(lineOf(text, "seccomp.security.alpha.kubernetes.io/pod"));
    expect(run("seccomp/missing", text, kube(27))).toEqual([]); // the annotation rule says it, once
  });

  it("seccomp field: unknown before 1.19, where missing asks for the annotation instead", () => {
    const field = inKind("Pod", "securityContext:\n  seccompProfile: { type: RuntimeDefault }\ncontainers:\n  - name: app\n    image: a:1.0");
    expect(run("seccomp/annotation", field, kube(18))[0]!.message).toContain("does not know");
    expect(run("seccomp/annotation", field, kube(19))).toEqual([]);
    const none = inKind("Pod", "containers:\n  - name: app\n    image: a:1.0");
    expect(run("seccomp/missing", none, kube(18))[0]!.fix).toMatchObject({ on: "podMetadata" });
    expect(run("seccomp/missing", none, kube(19))[0]!.fix).toMatchObject({ on: "pod" });
  });

  it("seccomp 'unconfined' annotation counts until 1.27; the field counts from 1.19", () => {
    const text = annotated({ "seccomp.security.alpha.kubernetes.io/pod": "unconfined" });
    expect(run("seccomp/unconfined", text, kube(26))).toHaveLength(1);
    expect(run("seccomp/unconfined", text, kube(27))).toEqual([]);
    expect(run("seccomp/annotation-mismatch", annotated({ "seccomp.security.alpha.kubernetes.io/pod": "unconfined" }, "securityContext:\n  seccompProfile: { type: RuntimeDefault }\n"), kube(18))).toEqual([]);
  });

  it("a container seccomp annotation must match the container field; the pod annotation the pod field", () => {
    const text = inKind(
      "Pod",
      "securityContext:\n  seccompProfile: { type: RuntimeDefault }\ncontainers:\n  - name: app\n    image: a:1.0\n    securityContext:\n      seccompProfile: { type: Localhost, localhostProfile: p.json } # <-",
      { "seccomp.security.alpha.kubernetes.io/pod": "runtime/default", "container.seccomp.security.alpha.kubernetes.io/app": "localhost/other.json" },
    );
    const f = run("seccomp/annotation-mismatch", text);
    expect(f).toHaveLength(1);
    expect(f[0]!.line).toBe(lineOf(text));
    expect(f[0]!.related?.[0]!.line).toBe(lineOf(text, "container.seccomp"));
  });

  it("AppArmor: field unknown before 1.30; annotation deprecated 1.30–1.35 (note); not copied to the field from 1.36", () => {
    const text = annotated({ "container.apparmor.security.beta.kubernetes.io/app": "localhost/p" });
    expect(run("apparmor/annotation", text, kube(29))).toEqual([]);
    const note = run("apparmor/annotation", text, kube(30));
    expect(note.map((f) => f.severity)).toEqual(["note"]);
    expect(note[0]!.fix).toEqual({ set: ["securityContext", "appArmorProfile"], value: { type: "Localhost", localhostProfile: "p" } });
    expect(run("apparmor/annotation", text, kube(36)).map((f) => f.severity)).toEqual(["warning"]);
    const field = inKind("Pod", "containers:\n  - name: app\n    image: a:1.0\n    securityContext:\n      appArmorProfile: { type: RuntimeDefault }");
    expect(run("apparmor/annotation", field, kube(29))[0]!.fix).toMatchObject({ on: "podMetadata", value: "runtime/default" });
    expect(run("apparmor/annotation", field, kube(30))).toEqual([]);
    expect(run("apparmor/annotation-mismatch", field, kube(29))).toEqual([]);
  });

  it("AppArmor 'unconfined' annotation counts until 1.36", () => {
    const text = annotated({ "container.apparmor.security.beta.kubernetes.io/app": "unconfined" });
    expect(run("apparmor/unconfined", text, kube(29))).toHaveLength(1);
    expect(run("apparmor/unconfined", text, kube(35))).toHaveLength(1);
    expect(run("apparmor/unconfined", text, kube(36))).toEqual([]);
  });

  it("SELinux container_engine_t is allowed from 1.31", () => {
    const text = inKind("Pod", "securityContext:\n  seLinuxOptions: { type: container_engine_t }\ncontainers:\n  - name: app\n    image: a:1.0");
    expect(run("selinux/type", text, kube(30))).toHaveLength(1);
    expect(run("selinux/type", text, kube(31))).toEqual([]);
  });

  it("safe sysctls grow with the version (1.27, 1.29, 1.32)", () => {
    const sysctl = (name: string) => inKind("Pod", `securityContext:\n  sysctls: [{ name: ${name}, value: "1" }]\ncontainers:\n  - name: app\n    image: a:1.0`);
    const cases: Array<[string, number]> = [["net.ipv4.ip_local_reserved_ports", 27], ["net.ipv4.tcp_fin_timeout", 29], ["net.ipv4.tcp_wmem", 32]];
    for (const [name, since] of cases) {
      expect(run("sysctls/unsafe", sysctl(name), kube(since - 1)), name).toHaveLength(1);
      expect(run("sysctls/unsafe", sysctl(name), kube(since)), name).toEqual([]);
    }
  });
});
