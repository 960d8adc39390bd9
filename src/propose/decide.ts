import type { KubeVersion } from "../kube/version.js";
import { atLeast } from "../kube/version.js";
import type { Container, Workload } from "../manifest/workload.js";
import { isObj } from "../manifest/yaml-value.js";
import type { FieldEvidence } from "./proposal.js";
import type { StaticImageFacts } from "./image-facts.js";

/** A decided value and why. */
export interface Decided<T> {
  value: T;
  evidence: string;
  source: FieldEvidence["source"];
}

export type Profile = { type: "RuntimeDefault" | "Localhost" | "Unconfined"; localhostProfile?: string };

/** What a probe found for one container (reduced from its ProbeReport). */
export interface ProbeFacts {
  /** the user the verified configuration runs as; uid 0 means the image needs root */
  user: { uid: number; gid: number };
  userEvidence: string;
  capabilities: string[];
  capabilityEvidence: Record<string, string>;
  mounts: Array<{ path: string; evidence: string }>;
  unmountable: Array<{ path: string; reason: string }>;
  /** the image pinned by a registry digest the engine knows */
  pinnedImage?: string;
}

/** The desired effective settings of one container, before they are placed on the pod or the container. */
export interface ContainerDecision {
  container: Container;
  list: "containers" | "initContainers";
  shared: {
    runAsNonRoot?: Decided<boolean>;
    runAsUser?: Decided<number>;
    runAsGroup?: Decided<number>;
    seccompProfile?: Decided<Profile>;
    appArmorProfile?: Decided<Profile>;
  };
  allowPrivilegeEscalation?: Decided<boolean>;
  privileged?: Decided<boolean>;
  readOnlyRootFilesystem?: Decided<boolean>;
  drop?: Decided<string[]>;
  add?: Decided<string[]>;
  /** the gid fsGroup should be when the pod has writable volumes */
  fsGroup?: Decided<number>;
  /** emptyDirs the container needs; `existing` names the volume already mounted exactly there */
  mounts: Array<{ path: string; evidence: string; source: FieldEvidence["source"]; existing?: string }>;
  annotations: Record<string, Decided<string>>;
  image?: Decided<string>;
  /** decisions that set no field ("kept your stricter …", "no emptyDir at /app …") */
  notes: string[];
  /** why this container cannot reach PSS restricted, by admission check id */
  blockers: Array<{ check: string; reason: string }>;
}

export interface DecideInput {
  workload: Workload;
  container: Container;
  image?: StaticImageFacts;
  probe?: ProbeFacts;
  kube: KubeVersion;
}

/** Used only when nothing tells us a uid the image runs as (the documented example uid). */
export const DEFAULT_NON_ROOT = 10001;
const SECCOMP_FIELD_SINCE = 19;
const APPARMOR_FIELD_SINCE = 30;
export const SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
export const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

const num = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? v : undefined);

export function decideContainer(input: DecideInput): ContainerDecision {
  const { container, image, probe, kube, workload } = input;
  const sc = container.securityContext;
  const d: ContainerDecision = {
    container,
    list: container.kind === "initContainer" ? "initContainers" : "containers",
    shared: {},
    mounts: [],
    annotations: {},
    notes: [],
    blockers: [],
  };
  const name = container.name;
  const src = (probe ? "probe" : "static") as FieldEvidence["source"];

  // ── user ──
  const ownUid = num(sc.runAsUser?.value);
  const ownGid = num(sc.runAsGroup?.value);
  const ports = privilegedPorts(container, image);
  let uid: number | undefined;
  let gid: number | undefined;
  let userWhy = "";
  let gidWhy = "";
  if (probe) {
    uid = probe.user.uid;
    gid = probe.user.gid;
    userWhy = probe.userEvidence;
    gidWhy = userWhy;
  } else if (ownUid !== undefined && ownUid > 0) {
    uid = ownUid;
    userWhy = `kept: set on the ${sc.runAsUser!.from} in the manifest`;
    if (ownGid !== undefined && ownGid > 0) {
      gid = ownGid;
      gidWhy = `kept: set on the ${sc.runAsGroup!.from} in the manifest`;
    } else if (image?.user.kind === "non-root" && image.user.uid === ownUid && image.user.gid !== undefined) {
      gid = image.user.gid;
      gidWhy = image.user.how;
    }
  } else if (image?.user.kind === "non-root") {
    uid = image.user.uid;
    gid = image.user.gid ?? image.user.uid;
    userWhy = image.user.how;
    gidWhy = image.user.gid !== undefined ? image.user.how : `${image.user.how} names no group; ${uid} assumed, as most images create a same-numbered group`;
  } else if (image?.user.kind === "root" && ports.length > 0) {
    uid = 0;
    userWhy = `the image runs as root (${image.user.how}) and listens on port ${ports[0]!.port} (${ports[0]!.where}); a non-root uid cannot bind it unless the cluster lowers net.ipv4.ip_unprivileged_port_start`;
  } else if (sc.runAsNonRoot?.value === true && image?.user.kind !== "root") {
    userWhy = "";
    d.notes.push(`runAsUser: not set; runAsNonRoot: true is already set and ${image ? image.user.how : "the image's USER is unknown"}, so the image decides the uid`);
  } else {
    uid = DEFAULT_NON_ROOT;
    gid = DEFAULT_NON_ROOT;
    userWhy = !image
      ? `nothing is known about the image's user (no Dockerfile is paired with '${name}'); ${DEFAULT_NON_ROOT} is a default, unverified: check the image can run as it, or run propose --probe`
      : image.user.kind === "root"
        ? `the image runs as root (${image.user.how}); ${DEFAULT_NON_ROOT} is proposed without proof the image works as non-root: run propose --probe`
        : `${image.user.how}; runAsNonRoot needs a numeric uid the kubelet can check, and ${DEFAULT_NON_ROOT} is a default: set the image's own uid if it differs, or run propose --probe`;
    gidWhy = userWhy;
  }
  if (ownGid === 0 && gid === undefined && uid !== undefined && uid > 0) {
    gid = uid;
    gidWhy = "the manifest sets group 0, which gives root-group file access; the uid's number is used instead";
  }
  if (uid !== undefined && uid > 0) {
    d.shared.runAsNonRoot = { value: true, evidence: `runs as uid ${uid}`, source: src };
    d.shared.runAsUser = { value: uid, evidence: userWhy, source: userWhy.startsWith("kept") ? "manifest" : src };
    if (gid !== undefined) d.shared.runAsGroup = { value: gid, evidence: gidWhy, source: gidWhy.startsWith("kept") ? "manifest" : src };
  } else if (uid === 0) {
    d.blockers.push({ check: "runAsNonRoot", reason: `'${name}' needs root: ${userWhy}` });
    d.notes.push(`runAsNonRoot: not set: ${userWhy}`);
  } else if (sc.runAsNonRoot?.value === true) {
    d.shared.runAsNonRoot = { value: true, evidence: "kept: set in the manifest", source: "manifest" };
  }
  const runsAs = uid ?? (image?.user.kind === "non-root" ? image.user.uid : undefined);
  const asRoot = uid === 0;

  // ── privilege ──
  const setuid = image?.setuid ?? [];
  const fileCaps = image?.fileCapabilities ?? [];
  const ownApe = sc.allowPrivilegeEscalation?.value;
  if (probe || (setuid.length === 0 && fileCaps.length === 0)) {
    d.allowPrivilegeEscalation = {
      value: false,
      evidence: probe ? "the verified trial ran with no-new-privileges" : `nothing in ${image ? image.dockerfile : "the manifest"} needs setuid binaries or file capabilities`,
      source: src,
    };
  } else if (ownApe === false) {
    d.allowPrivilegeEscalation = { value: false, evidence: "kept: set in the manifest", source: "manifest" };
    d.notes.push(`allowPrivilegeEscalation: false kept as written, although ${describeRaisers(setuid, fileCaps)} may need it`);
  } else {
    const why = describeRaisers(setuid, fileCaps);
    d.notes.push(`allowPrivilegeEscalation: not set to false: ${why}, which no_new_privs would disable`);
    d.blockers.push({ check: "allowPrivilegeEscalation", reason: `'${name}' needs privilege escalation: ${why}` });
  }
  d.privileged = {
    value: false,
    evidence: sc.privileged?.value === true ? "the manifest sets privileged: true, and nothing in the image shows it needs the host's devices or all capabilities (run propose --probe to check)" : "a container never needs all host devices and capabilities to serve",
    source: src,
  };

  // ── capabilities ──
  const ownDrop = sc.capabilities?.drop?.value;
  const ownAdd = sc.capabilities?.add?.value.map((c) => c.toUpperCase().replace(/^CAP_/, ""));
  d.drop = ownDrop?.some((c) => c.toUpperCase() === "ALL")
    ? { value: ownDrop, evidence: "kept: the manifest drops ALL", source: "manifest" }
    : { value: ["ALL"], evidence: "start from no capabilities and add back only what is needed", source: src };
  const add = new Map<string, string>();
  if (probe) {
    for (const c of probe.capabilities) add.set(c, probe.capabilityEvidence[c] ?? "the probe needed it");
  } else {
    for (const f of fileCaps) for (const c of f.capabilities) if (c !== "ALL") add.set(c, `file capability: ${f.where}`);
    if (asRoot && ports.length) {
      const p = ports[0]!;
      const why = `listens on port ${p.port} as uid 0 (${p.where}); needed unless the cluster lowers net.ipv4.ip_unprivileged_port_start`;
      if (ownDrop?.some((c) => c.toUpperCase() === "ALL") && !ownAdd?.includes("NET_BIND_SERVICE")) {
        d.notes.push(`NET_BIND_SERVICE: not added, the manifest's stricter setting is kept, though the container ${why}`);
      } else add.set("NET_BIND_SERVICE", why);
    } else if (ports.length && runsAs !== undefined && !add.has("NET_BIND_SERVICE")) {
      d.notes.push(
        `port ${ports[0]!.port} (${ports[0]!.where}) is below 1024 and the container runs as uid ${runsAs}: NET_BIND_SERVICE would not reach a non-root process; the bind needs net.ipv4.ip_unprivileged_port_start ≤ ${ports[0]!.port} on the nodes (containerd 2.x sets 0) or a port ≥ 1024`,
      );
    }
    for (const c of ownAdd ?? []) {
      if (!add.has(c)) add.set(c, "kept: added in the manifest; static analysis cannot tell whether it is needed (propose --probe can)");
    }
  }
  const addList = [...add.keys()].sort();
  if (addList.length || (ownAdd && ownAdd.length)) {
    d.add = { value: addList, evidence: addList.map((c) => `${c}: ${add.get(c)}`).join("; ") || "nothing needs a capability", source: src };
    if (ownAdd && probe) {
      const removed = ownAdd.filter((c) => !add.has(c));
      if (removed.length) d.notes.push(`capabilities removed from add: ${removed.join(", ")}: the verified trial did not need them`);
    }
  }
  const beyond = addList.filter((c) => c !== "NET_BIND_SERVICE");
  if (beyond.length) d.blockers.push({ check: "capabilities_restricted", reason: `'${name}' needs ${beyond.join(", ")}: ${beyond.map((c) => add.get(c)).join("; ")}` });

  // ── filesystem ──
  const mountedAt = existingMountPaths(container);
  const workdir = normalize(typeof container.spec.workingDir === "string" ? container.spec.workingDir : image?.workdir ?? "");
  const wanted: Array<{ path: string; evidence: string; source: FieldEvidence["source"] }> = [];
  wanted.push({ path: "/tmp", evidence: "most programs write temporary files there; a read-only root filesystem would fail them", source: "static" });
  for (const v of image?.volumes ?? []) wanted.push({ path: normalize(v.path), evidence: `${v.where}: a pod gives an image VOLUME no storage of its own`, source: "static" });
  for (const m of probe?.mounts ?? []) wanted.push({ path: normalize(m.path), evidence: m.evidence, source: "probe" });
  const seen = new Set<string>();
  for (const w of wanted) {
    if (seen.has(w.path)) continue;
    seen.add(w.path);
    const exact = mountedAt.find((m) => m.path === w.path);
    if (exact) {
      d.mounts.push({ ...w, existing: exact.name, evidence: `${w.evidence} (already mounted)` });
      continue;
    }
    const covering = mountedAt.find((m) => w.path.startsWith(m.path === "/" ? "/" : m.path + "/"));
    if (covering) {
      d.notes.push(`emptyDir at ${w.path}: not needed, the manifest already mounts ${covering.path}`);
      continue;
    }
    if (workdir && workdir !== "/" && (workdir === w.path || workdir.startsWith(w.path + "/"))) {
      d.notes.push(`no emptyDir at ${w.path}: it would hide the application in its working directory ${workdir}; if the application writes there, it needs a persistentVolumeClaim or a write path elsewhere`);
      continue;
    }
    d.mounts.push(w);
  }
  const unmountable = probe?.unmountable ?? [];
  if (unmountable.length) {
    d.notes.push(`readOnlyRootFilesystem: not set: ${unmountable.map((u) => u.reason).join("; ")}`);
  } else {
    d.readOnlyRootFilesystem = {
      value: true,
      evidence: probe
        ? "every write the probe saw lands on an emptyDir"
        : `${d.mounts.length ? `writes go to emptyDirs at ${d.mounts.map((m) => m.path).join(", ")}` : "writable paths are already mounted"}; an image that writes elsewhere needs another emptyDir (propose --probe finds them)`,
      source: src,
    };
  }
  if (runsAs !== undefined && runsAs > 0) d.fsGroup = { value: gid ?? runsAs, evidence: `volumes are group-writable for the runtime group ${gid ?? runsAs}`, source: src };

  // ── seccomp and AppArmor, in the form the target version reads ──
  decideSeccomp(d, workload, kube);
  decideAppArmor(d, workload, kube);

  if (probe?.pinnedImage && container.image && !container.image.value.includes("@")) {
    d.image = { value: probe.pinnedImage, evidence: "the engine knows this tag's registry digest: a digest cannot move under the workload", source: "probe" };
  }
  return d;
}

function decideSeccomp(d: ContainerDecision, workload: Workload, kube: KubeVersion): void {
  const sc = d.container.securityContext;
  const ok = (t: unknown) => t === "RuntimeDefault" || t === "Localhost";
  if (atLeast(kube, SECCOMP_FIELD_SINCE)) {
    const own = sc.seccompProfile?.value;
    if (own && ok(own.type)) {
      d.shared.seccompProfile = { value: own as Profile, evidence: `kept: ${own.type} set on the ${sc.seccompProfile!.from}`, source: "manifest" };
    } else {
      d.shared.seccompProfile = {
        value: { type: "RuntimeDefault" },
        evidence: own ? `replaces ${String(own.type)}: the runtime's default profile blocks syscalls only exploits use` : "the runtime's default profile blocks syscalls only exploits use (Pod Security restricted requires one)",
        source: "static",
      };
    }
    return;
  }
  const podValue = workload.podAnnotations[SECCOMP_POD_ANNOTATION];
  const ownKey = "container.seccomp.security.alpha.kubernetes.io/" + d.container.name;
  const okAnn = (v: string | undefined) => v === "runtime/default" || v === "docker/default" || v?.startsWith("localhost/") === true;
  const own = workload.podAnnotations[ownKey];
  if (own !== undefined && okAnn(own)) {
    d.annotations[ownKey] = { value: own, evidence: "kept: set in the manifest", source: "manifest" };
  } else if (own === undefined && okAnn(podValue)) {
    d.annotations[SECCOMP_POD_ANNOTATION] = { value: podValue!, evidence: "kept: set in the manifest", source: "manifest" };
  } else if (own !== undefined && !okAnn(own)) {
    d.annotations[ownKey] = { value: "runtime/default", evidence: `replaces ${own}: Kubernetes 1.${kube.minor} reads seccomp from annotations`, source: "static" };
  } else if (own === undefined && !okAnn(podValue)) {
    d.annotations[SECCOMP_POD_ANNOTATION] = {
      value: "runtime/default",
      evidence: `Kubernetes 1.${kube.minor} has no seccompProfile field (from 1.19): the pod annotation applies the runtime's default profile`,
      source: "static",
    };
  }
}

function decideAppArmor(d: ContainerDecision, workload: Workload, kube: KubeVersion): void {
  const key = APPARMOR_ANNOTATION_PREFIX + d.container.name;
  const annotation = workload.podAnnotations[key];
  const nodesNote = "on nodes without AppArmor the runtime default does not apply";
  if (atLeast(kube, APPARMOR_FIELD_SINCE)) {
    const own = d.container.securityContext.appArmorProfile?.value;
    if (own && (own.type === "RuntimeDefault" || own.type === "Localhost")) {
      d.shared.appArmorProfile = { value: own as Profile, evidence: `kept: ${own.type} set on the ${d.container.securityContext.appArmorProfile!.from}`, source: "manifest" };
      return;
    }
    if (annotation !== undefined && annotation !== "runtime/default" && !annotation.startsWith("localhost/")) {
      d.notes.push(`appArmorProfile: not set: the annotation ${key}: ${annotation} would disagree with the field; remove the annotation first`);
      return;
    }
    const value: Profile = annotation?.startsWith("localhost/") ? { type: "Localhost", localhostProfile: annotation.slice(10) } : { type: "RuntimeDefault" };
    d.shared.appArmorProfile = {
      value,
      evidence: annotation !== undefined ? `the field Kubernetes 1.${kube.minor} reads, matching the annotation ${key}` : `confines file and mount access with the runtime's profile (${nodesNote})`,
      source: "static",
    };
    return;
  }
  if (annotation === "runtime/default" || annotation?.startsWith("localhost/")) {
    d.annotations[key] = { value: annotation, evidence: "kept: set in the manifest", source: "manifest" };
    return;
  }
  d.annotations[key] = {
    value: "runtime/default",
    evidence: `${annotation ? `replaces ${annotation}: ` : ""}Kubernetes 1.${kube.minor} reads AppArmor from this annotation (the field exists from 1.30); ${nodesNote}`,
    source: "static",
  };
}

function describeRaisers(setuid: StaticImageFacts["setuid"], fileCaps: StaticImageFacts["fileCapabilities"]): string {
  return [...setuid.map((s) => `${s.what} (${s.where})`), ...fileCaps.map((f) => f.where)].join(", ");
}

function privilegedPorts(container: Container, image: StaticImageFacts | undefined): Array<{ port: number; where: string }> {
  const out: Array<{ port: number; where: string }> = [];
  const ports = container.spec.ports;
  if (Array.isArray(ports)) {
    for (const p of ports) {
      if (!isObj(p)) continue;
      const n = num(p.containerPort);
      if (n !== undefined && n < 1024 && (p.protocol === undefined || p.protocol === "TCP")) out.push({ port: n, where: `containerPort ${n}` });
    }
  }
  for (const p of image?.ports ?? []) if (p.port < 1024 && p.port > 0) out.push(p);
  return out;
}

function existingMountPaths(container: Container): Array<{ path: string; name: string }> {
  const mounts = container.spec.volumeMounts;
  if (!Array.isArray(mounts)) return [];
  return mounts
    .filter(isObj)
    .map((m) => ({ path: normalize(String(m.mountPath ?? "")), name: String(m.name ?? "") }))
    .filter((m) => m.path !== "");
}

export function normalize(p: string): string {
  if (!p) return "";
  const parts = p.split("/").filter((s) => s && s !== ".");
  return "/" + parts.join("/");
}
