import type { KubeVersion } from "../kube/version.js";
import { atLeast } from "../kube/version.js";
import type { Container, Workload } from "../manifest/workload.js";
import { isObj } from "../manifest/yaml-value.js";
import type { ChangeKind } from "./changes.js";
import { explicitAdvice, explicitChoices, type ExplicitChoices } from "./explicit-choices.js";
import type { FieldEvidence } from "./proposal.js";
import type { StaticImageFacts } from "./image-facts.js";

/** A decided value, why, and how sure it is (what `--write` may do with it). */
export interface Decided<T> {
  value: T;
  evidence: string;
  source: FieldEvidence["source"];
  kind: ChangeKind;
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

/** Why restricted is out of reach for a container, and whether evidence shows the need. */
export interface Blocker {
  check: string;
  reason: string;
  /** the image's own needs (probe, Dockerfile, known image) rather than a choice of the manifest or missing knowledge */
  evidenced: boolean;
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
  /** the gid fsGroup should be when the pod has storage a new uid must write */
  fsGroup?: Decided<number>;
  /** emptyDirs the container needs; `existing` names the volume already mounted exactly there */
  mounts: Array<{ path: string; evidence: string; source: FieldEvidence["source"]; kind: ChangeKind; existing?: string }>;
  annotations: Record<string, Decided<string>>;
  image?: Decided<string>;
  /** decisions that set no field ("kept your stricter …", "no emptyDir at /app …") */
  notes: string[];
  /** what the user may do by hand: propose never writes it (explicit choices, node agents) */
  advice: string[];
  /** why this container cannot reach PSS restricted, by admission check id */
  blockers: Blocker[];
}

export interface DecideInput {
  workload: Workload;
  container: Container;
  image?: StaticImageFacts;
  probe?: ProbeFacts;
  kube: KubeVersion;
  /** the workload meets Pod Security restricted as written: then only the image's known needs are proposed */
  restricted?: boolean;
}

/** Used only when nothing tells us a uid the image runs as (the documented example uid). */
export const DEFAULT_NON_ROOT = 10001;
const SECCOMP_FIELD_SINCE = 19;
const APPARMOR_FIELD_SINCE = 30;
export const SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
export const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";
/** Volume sources that keep data a new uid must be able to write (emptyDirs are created world-writable). */
const STORAGE_SOURCES = ["persistentVolumeClaim", "ephemeral", "csi"];
const PROBE_VERIFIES = "shipshape propose --probe verifies it";

/** A change that image facts prove safe, unless pairing only guessed which Dockerfile builds the image. */
function imageKind(image: StaticImageFacts): ChangeKind {
  return image.certain === false ? "unverified" : "safe";
}
const GUESSED = " (pairing only guessed this Dockerfile builds the image, so it is not written as safe)";
const guessed = (image: StaticImageFacts) => (image.certain === false ? GUESSED : "");

const num = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? v : undefined);
const capName = (c: string) => c.toUpperCase().replace(/^CAP_/, "");

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
    advice: [],
    blockers: [],
  };
  const name = container.name;
  const explicit = explicitChoices(workload, container);
  d.advice.push(...explicitAdvice(name, explicit, commandText(container)));
  if (explicit.privileged) {
    // every capability and device of the host: nothing else on this container means anything, and changing it may stop it
    d.blockers.push({ check: "privileged", reason: `'${name}' is ${explicit.privileged} (kept as written)`, evidenced: false });
    decideSeccomp(d, workload, kube, explicit, true);
    return d;
  }
  // with --probe every change is unverified until the final trial of the whole proposal passes
  const probeKind: ChangeKind = "unverified";
  const src = (probe ? "probe" : "static") as FieldEvidence["source"];

  const user = decideUser(d, input, explicit);
  decideEscalation(d, input, explicit);
  decideCapabilities(d, input, explicit, user);
  decideFilesystem(d, input, explicit);
  if (user.changed && user.uid !== undefined && user.uid > 0) {
    const storage = [
      ...(Array.isArray(workload.podSpec.volumes) ? workload.podSpec.volumes : []).filter((v) => isObj(v) && STORAGE_SOURCES.some((s) => v[s] !== undefined)),
      // a StatefulSet's claims are storage too
      ...(isObj(workload.object.spec) && Array.isArray(workload.object.spec.volumeClaimTemplates) ? workload.object.spec.volumeClaimTemplates : []).map((t) => ({ name: isObj(t) && isObj(t.metadata) ? t.metadata.name : "claim" })),
    ];
    // emptyDirs are created world-writable: only storage that keeps data needs the new group
    const fsGroup = storage.length ? (image?.nonRootWay?.fsGroup ?? user.gid ?? user.uid) : undefined;
    if (fsGroup !== undefined) {
      d.fsGroup = {
        value: fsGroup,
        evidence: `the pod's storage (${storage.map((v) => String((v as { name?: unknown }).name)).join(", ")}) must be writable by the new uid's group ${fsGroup}${image?.nonRootWay?.fsGroup !== undefined ? `: ${image.nonRootWay.how}` : ""}`,
        source: src,
        kind: probeKind,
      };
    }
  }
  decideSeccomp(d, workload, kube, explicit, false);
  decideAppArmor(d, workload, kube);

  if (probe?.pinnedImage && container.image && !container.image.value.includes("@")) {
    d.image = { value: probe.pinnedImage, evidence: "the engine knows this tag's registry digest: a digest cannot move under the workload", source: "probe", kind: "unverified" };
  }
  return d;
}

/** The uid the container runs as once the proposal applies, and whether the proposal changes it. */
interface UserOutcome {
  uid?: number;
  gid?: number;
  /** the proposal sets a different uid than the container runs as today */
  changed: boolean;
}

function decideUser(d: ContainerDecision, input: DecideInput, explicit: ExplicitChoices): UserOutcome {
  const { container, image, probe } = input;
  const sc = container.securityContext;
  const name = container.name;
  const ownUid = num(sc.runAsUser?.value);
  const ports = privilegedPorts(container, image);
  const imageUid = image?.user.kind === "non-root" ? image.user.uid : image?.user.kind === "root" ? 0 : undefined;
  const today = ownUid ?? imageUid;

  if (explicit.rootUser || explicit.rootAllowed) {
    d.blockers.push({ check: "runAsNonRoot", reason: `'${name}' ${explicit.rootUser ? `runs as root by choice (${explicit.rootUser})` : `allows root by choice (${explicit.rootAllowed})`}`, evidenced: false });
    return { uid: today, changed: false };
  }
  if (probe) {
    const { uid, gid } = probe.user;
    if (uid === 0) {
      d.blockers.push({ check: "runAsNonRoot", reason: `'${name}' needs root: ${probe.userEvidence}`, evidenced: true });
      d.notes.push(`runAsNonRoot: not set: ${probe.userEvidence}`);
      return { uid: 0, changed: false };
    }
    d.shared.runAsNonRoot = { value: true, evidence: `runs as uid ${uid}`, source: "probe", kind: "unverified" };
    d.shared.runAsUser = { value: uid, evidence: probe.userEvidence, source: "probe", kind: "unverified" };
    d.shared.runAsGroup = { value: gid, evidence: probe.userEvidence, source: "probe", kind: "unverified" };
    return { uid, gid, changed: uid !== today };
  }
  if (ownUid !== undefined && ownUid > 0) {
    d.shared.runAsNonRoot = { value: true, evidence: `runAsUser ${ownUid} is set on the ${sc.runAsUser!.from}: the kubelet's check passes, nothing changes for the process`, source: "static", kind: "safe" };
    d.shared.runAsUser = { value: ownUid, evidence: `kept: set on the ${sc.runAsUser!.from} in the manifest`, source: "manifest", kind: "safe" };
    const ownGid = num(sc.runAsGroup?.value);
    if (ownGid !== undefined) d.shared.runAsGroup = { value: ownGid, evidence: `kept: set on the ${sc.runAsGroup!.from} in the manifest`, source: "manifest", kind: "safe" };
    return { uid: ownUid, gid: ownGid, changed: false };
  }
  if (image?.user.kind === "non-root") {
    const u = image.user;
    if (u.numeric) {
      d.shared.runAsNonRoot = { value: true, evidence: `the image runs as uid ${u.uid} (${u.how}), a number the kubelet can check: nothing changes for the process${guessed(image)}`, source: "static", kind: imageKind(image) };
    } else {
      // a named user: the kubelet cannot check a name, so the same uid is written as a number
      d.shared.runAsNonRoot = { value: true, evidence: `runs as uid ${u.uid}`, source: "static", kind: imageKind(image) };
      d.shared.runAsUser = { value: u.uid, evidence: `${u.how}: the same uid as a number, which the kubelet can check; the process runs as before${guessed(image)}`, source: "static", kind: imageKind(image) };
      // the image's group too, so the process keeps exactly its identity (elasticsearch runs as 1000:0)
      if (u.gid !== undefined) d.shared.runAsGroup = { value: u.gid, evidence: `${u.how}: the image's own group`, source: "static", kind: imageKind(image) };
    }
    return { uid: u.uid, gid: u.gid, changed: false };
  }
  if (image?.user.kind === "unresolved") {
    d.notes.push(`runAsNonRoot: not set: ${image.user.how}; once its uid is known, set runAsUser to it (shipshape probe reads it from the built image)`);
    d.blockers.push({ check: "runAsNonRoot", reason: `'${name}' runs as '${image.user.name}', whose uid is not known statically`, evidenced: false });
    return { changed: false };
  }
  if (image?.user.kind === "root") {
    if (image.nonRootVariant) d.advice.push(`'${name}': ${image.label} runs as root; a non-root variant exists: ${image.nonRootVariant}`);
    if (sc.runAsNonRoot?.value === true) {
      d.notes.push(`the manifest sets runAsNonRoot: true but ${image.user.how}: the kubelet refuses to start it until it runs as a non-root uid`);
    }
    const way = image.nonRootWay;
    const owned = way?.ownsDirectory ? ownedDirectoryProblem(container, image, way.ownsDirectory) : undefined;
    if (way && owned) {
      // proposing the uid anyway writes a pod that never starts (initdb: could not change permissions)
      const reason = `${image.label} runs as root as shipped; its non-root way (uid ${way.uid}${way.fsGroup !== undefined ? `, fsGroup ${way.fsGroup}` : ""}) needs ${owned}`;
      d.blockers.push({ check: "runAsNonRoot", reason: `'${name}': ${reason}`, evidenced: true });
      d.advice.push(`'${name}': to run it as uid ${way.uid} (its documented non-root way), set env ${way.ownsDirectory!.env} to a subdirectory of its volume (e.g. ${suggestedSubdirectory(container, way.ownsDirectory!)}), then propose again`);
      d.notes.push(`runAsNonRoot: not set: ${reason}`);
      return { uid: 0, changed: false };
    }
    if (way) {
      const why = `${image.label} runs as root as shipped (${image.user.how}); ${way.how}`;
      d.shared.runAsNonRoot = { value: true, evidence: `runs as uid ${way.uid}`, source: "static", kind: "unverified" };
      d.shared.runAsUser = { value: way.uid, evidence: why, source: "static", kind: "unverified" };
      d.shared.runAsGroup = { value: way.gid, evidence: why, source: "static", kind: "unverified" };
      return { uid: way.uid, gid: way.gid, changed: true };
    }
    if (ports.length > 0) {
      const why = `the image runs as root (${image.user.how}) and listens on port ${ports[0]!.port} (${ports[0]!.where}); a non-root uid cannot bind it unless the cluster lowers net.ipv4.ip_unprivileged_port_start`;
      d.blockers.push({ check: "runAsNonRoot", reason: `'${name}' needs root: ${why}`, evidenced: true });
      d.notes.push(`runAsNonRoot: not set: ${why}`);
      return { uid: 0, changed: false };
    }
    if (image.origin === "known-image") {
      // a base image deployed as is runs the manifest's command, whose needs are unknown
      const service = image.role === "service";
      d.blockers.push({
        check: "runAsNonRoot",
        reason: service
          ? `'${name}' runs as root: ${image.user.how}, and its documentation gives no non-root way`
          : `'${name}' runs as root: ${image.user.how}; whether the command works as another uid is not known`,
        evidenced: service,
      });
      return { uid: 0, changed: false };
    }
    const why = `the image runs as root (${image.user.how}); ${DEFAULT_NON_ROOT} is proposed without proof the image works as non-root: ${PROBE_VERIFIES}`;
    d.shared.runAsNonRoot = { value: true, evidence: `runs as uid ${DEFAULT_NON_ROOT}`, source: "static", kind: "unverified" };
    d.shared.runAsUser = { value: DEFAULT_NON_ROOT, evidence: why, source: "static", kind: "unverified" };
    d.shared.runAsGroup = { value: DEFAULT_NON_ROOT, evidence: why, source: "static", kind: "unverified" };
    return { uid: DEFAULT_NON_ROOT, gid: DEFAULT_NON_ROOT, changed: true };
  }
  // an image built elsewhere and not in the known-images list: only safe changes
  if (sc.runAsNonRoot?.value !== true) {
    d.notes.push(`runAsNonRoot: not set: nothing is known about the user of ${container.image?.value ?? "the image"} (no Dockerfile here builds it, and it is not a known image); set runAsUser to a uid it runs as`);
    d.blockers.push({ check: "runAsNonRoot", reason: `'${name}' runs ${container.image?.value ?? "an image"} whose user is unknown`, evidenced: false });
  }
  return { changed: false };
}

function decideEscalation(d: ContainerDecision, input: DecideInput, explicit: ExplicitChoices): void {
  const { container, image, probe } = input;
  const sc = container.securityContext;
  if (explicit.escalation) {
    d.blockers.push({ check: "allowPrivilegeEscalation", reason: `'${container.name}' ${explicit.escalation} (kept as written)`, evidenced: false });
    return;
  }
  if (sc.allowPrivilegeEscalation?.value === false) {
    d.allowPrivilegeEscalation = { value: false, evidence: "kept: set in the manifest", source: "manifest", kind: "safe" };
    return;
  }
  if (probe) {
    d.allowPrivilegeEscalation = { value: false, evidence: "the probe's trials ran with no-new-privileges", source: "probe", kind: "unverified" };
    return;
  }
  if (!image || image.escalationUnneeded === undefined) {
    d.notes.push(`allowPrivilegeEscalation: not set: nothing is known about what ${container.image?.value ?? "the image"} runs (setuid binaries stop working under it)`);
    d.blockers.push({ check: "allowPrivilegeEscalation", reason: `'${container.name}' runs an image nothing is known about`, evidenced: false });
    return;
  }
  if (image.escalationUnneeded) {
    d.allowPrivilegeEscalation = {
      value: false,
      evidence: `nothing in ${image.label} is setuid or has file capabilities, and it runs no su or sudo: no_new_privs cannot stop it${guessed(image)}`,
      source: "static",
      kind: imageKind(image),
    };
    return;
  }
  const why = describeRaisers(image);
  d.notes.push(`allowPrivilegeEscalation: not set to false: ${why}, which no_new_privs would disable`);
  d.blockers.push({ check: "allowPrivilegeEscalation", reason: `'${container.name}' needs privilege escalation: ${why}`, evidenced: true });
}

function decideCapabilities(d: ContainerDecision, input: DecideInput, explicit: ExplicitChoices, user: UserOutcome): void {
  const { container, image, probe } = input;
  const sc = container.securityContext;
  const ownDrop = sc.capabilities?.drop?.value;
  const ownAdd = explicit.added;
  const name = container.name;
  if (ownDrop?.includes("ALL")) {
    d.drop = { value: ownDrop, evidence: "kept: the manifest drops ALL", source: "manifest", kind: "safe" };
    if (ownAdd.length) d.add = { value: [...sc.capabilities!.add!.value], evidence: "kept: added in the manifest", source: "manifest", kind: "safe" };
    noteAdds(d, ownAdd);
    return;
  }
  if (ownDrop?.some((c) => capName(c) === "ALL")) {
    d.drop = {
      value: ownDrop.map((c) => (capName(c) === "ALL" ? "ALL" : c)),
      evidence: "runtimes read 'all' in any case, so the container already runs without capabilities; Pod Security and admission policies accept only 'ALL'",
      source: "static",
      kind: "safe",
    };
    noteAdds(d, ownAdd);
    return;
  }
  if (explicit.rootUser && !probe) {
    // root by choice does root's work (chown, sysctl): which capabilities it uses is not known statically
    d.notes.push(`capabilities: ALL not dropped: '${name}' runs as root by choice, and what it does as root needs capabilities static evidence cannot name`);
    d.blockers.push({ check: "capabilities_restricted", reason: `'${name}' runs as root by choice; its capabilities are not proposed`, evidenced: false });
    return;
  }
  const add = new Map<string, string>();
  for (const c of ownAdd) add.set(c, "kept: added in the manifest");
  const ports = privilegedPorts(container, image);
  let kind: ChangeKind = "unverified";
  let evidence: string;
  if (probe) {
    for (const c of probe.capabilities) if (!add.has(c)) add.set(c, probe.capabilityEvidence[c] ?? "the probe needed it");
    const unneeded = ownAdd.filter((c) => !probe.capabilities.includes(c));
    if (unneeded.length) d.advice.push(`'${name}': the probe's trials did not need ${unneeded.join(", ")}, which the manifest adds: kept as written; remove ${unneeded.length > 1 ? "them" : "it"} if you agree`);
    evidence = "start from no capabilities and add back only what the probe needed";
  } else if (!image) {
    d.notes.push(`capabilities: ALL not dropped: nothing is known about what ${container.image?.value ?? "the image"} needs`);
    d.blockers.push({ check: "capabilities_restricted", reason: `'${name}' runs an image nothing is known about: which capabilities it needs is unknown`, evidenced: false });
    return;
  } else if (user.uid !== undefined && user.uid > 0 && !user.changed && image.escalationUnneeded === true) {
    // a uid from the manifest itself needs no pairing; the image's "raises nothing" does
    kind = imageKind(image);
    evidence = `the process runs as uid ${user.uid} and nothing in ${image.label} raises privileges: a non-root process holds no capabilities, so dropping them cannot stop it${guessed(image)}`;
  } else {
    const asRoot = user.uid === 0 || user.uid === undefined;
    for (const f of image.fileCapabilities) for (const c of f.capabilities) if (c !== "ALL" && !add.has(c)) add.set(c, `file capability: ${f.where}`);
    if (asRoot && image.rootCapabilities) for (const c of image.rootCapabilities.add) if (!add.has(c)) add.set(c, image.rootCapabilities.where);
    if (user.uid === 0 && ports.length && !add.has("NET_BIND_SERVICE")) {
      add.set("NET_BIND_SERVICE", `listens on port ${ports[0]!.port} as uid 0 (${ports[0]!.where}); needed unless the cluster lowers net.ipv4.ip_unprivileged_port_start`);
    } else if (ports.length && user.uid !== undefined && user.uid > 0 && !add.has("NET_BIND_SERVICE")) {
      d.notes.push(
        `port ${ports[0]!.port} (${ports[0]!.where}) is below 1024 and the container runs as uid ${user.uid}: NET_BIND_SERVICE would not reach a non-root process; the bind needs net.ipv4.ip_unprivileged_port_start ≤ ${ports[0]!.port} on the nodes or a port ≥ 1024`,
      );
    }
    evidence = user.changed
      ? `with the proposed uid ${user.uid} the process holds no capabilities; not verified that it starts as that uid: ${PROBE_VERIFIES}`
      : `start from no capabilities and add back what ${image.label} is known to need; static evidence cannot prove the list complete: ${PROBE_VERIFIES}`;
  }
  d.drop = { value: ["ALL"], evidence, source: probe ? "probe" : "static", kind };
  const addList = [...add.keys()].sort();
  if (addList.length) {
    const fresh = addList.filter((c) => !ownAdd.includes(c));
    // the manifest's own entries keep their spelling: an explicit choice is not rewritten
    const own = sc.capabilities?.add?.value ?? [];
    const value = [...own, ...fresh];
    d.add = { value, evidence: addList.map((c) => `${c}: ${add.get(c)}`).join("; "), source: probe ? "probe" : "static", kind: fresh.length ? "unverified" : kind };
  }
  const beyond = addList.filter((c) => c !== "NET_BIND_SERVICE");
  if (beyond.length) d.blockers.push({ check: "capabilities_restricted", reason: `'${name}' needs ${beyond.join(", ")}: ${[...new Set(beyond.map((c) => add.get(c)))].join("; ")}`, evidenced: beyond.some((c) => !ownAdd.includes(c)) });
}

function noteAdds(d: ContainerDecision, added: string[]): void {
  const beyond = added.filter((c) => c !== "NET_BIND_SERVICE");
  if (beyond.length) d.blockers.push({ check: "capabilities_restricted", reason: `'${d.container.name}' adds ${beyond.join(", ")} (kept as written)`, evidenced: false });
}

function decideFilesystem(d: ContainerDecision, input: DecideInput, explicit: ExplicitChoices): void {
  const { container, image, probe } = input;
  const sc = container.securityContext;
  if (explicit.writableRoot) return;
  const already = sc.readOnlyRootFilesystem?.value === true;
  if (!already && input.restricted && !probe) {
    d.notes.push("readOnlyRootFilesystem: not proposed: the workload already meets Pod Security restricted, which does not ask for it");
    return;
  }
  if (!already && !probe && (!image || !image.writesKnown)) {
    d.notes.push(`readOnlyRootFilesystem: not proposed: where ${container.image?.value ?? "the image"} writes is unknown`);
    return;
  }
  const kind: ChangeKind = "unverified";
  const mountedAt = existingMountPaths(container);
  const workdir = normalize(typeof container.spec.workingDir === "string" ? container.spec.workingDir : (image?.workdir ?? ""));
  const wanted: Array<{ path: string; evidence: string; source: FieldEvidence["source"] }> = [];
  if (!already) wanted.push({ path: "/tmp", evidence: "most programs write temporary files there; a read-only root filesystem would fail them", source: "static" });
  for (const v of image?.volumes ?? []) wanted.push({ path: normalize(v.path), evidence: `${v.where}: a pod gives an image VOLUME no storage of its own`, source: "static" });
  for (const w of image?.writes ?? []) wanted.push({ path: normalize(w.path), evidence: `${image!.label} writes there (${w.where})`, source: "static" });
  for (const m of probe?.mounts ?? []) wanted.push({ path: normalize(m.path), evidence: m.evidence, source: "probe" });
  const seen = new Set<string>();
  for (const w of wanted) {
    if (seen.has(w.path)) continue;
    seen.add(w.path);
    const exact = mountedAt.find((m) => m.path === w.path);
    if (exact) {
      d.mounts.push({ ...w, kind, existing: exact.name, evidence: `${w.evidence} (already mounted)` });
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
    d.mounts.push({ ...w, kind });
  }
  if (already) {
    d.readOnlyRootFilesystem = { value: true, evidence: "kept: set in the manifest", source: "manifest", kind: "safe" };
    return;
  }
  const unmountable = probe?.unmountable ?? [];
  if (unmountable.length) {
    d.notes.push(`readOnlyRootFilesystem: not set: ${unmountable.map((u) => u.reason).join("; ")}`);
    d.mounts = d.mounts.filter((m) => m.existing !== undefined);
    return;
  }
  d.readOnlyRootFilesystem = {
    value: true,
    evidence: probe
      ? "every write the probe saw lands on an emptyDir"
      : `${d.mounts.length ? `writes go to emptyDirs at ${d.mounts.map((m) => m.path).join(", ")}` : "writable paths are already mounted"}; static evidence cannot show every path the image writes: ${PROBE_VERIFIES}`,
    source: probe ? "probe" : "static",
    kind,
  };
}

function decideSeccomp(d: ContainerDecision, workload: Workload, kube: KubeVersion, explicit: ExplicitChoices, privileged: boolean): void {
  const sc = d.container.securityContext;
  const ok = (t: unknown) => t === "RuntimeDefault" || t === "Localhost";
  if (explicit.seccompUnconfined) {
    d.blockers.push({ check: "seccompProfile_restricted", reason: `'${d.container.name}' ${explicit.seccompUnconfined} (kept as written)`, evidenced: false });
    return;
  }
  if (atLeast(kube, SECCOMP_FIELD_SINCE)) {
    const own = sc.seccompProfile?.value;
    if (own && ok(own.type)) {
      d.shared.seccompProfile = { value: own as Profile, evidence: `kept: ${own.type} set on the ${sc.seccompProfile!.from}`, source: "manifest", kind: "safe" };
    } else if (!privileged) {
      d.shared.seccompProfile = {
        value: { type: "RuntimeDefault" },
        evidence: "the runtime's default profile blocks only syscalls ordinary programs do not make (Pod Security restricted requires one)",
        source: "static",
        kind: "safe",
      };
    }
    return;
  }
  const podValue = workload.podAnnotations[SECCOMP_POD_ANNOTATION];
  const ownKey = "container.seccomp.security.alpha.kubernetes.io/" + d.container.name;
  const okAnn = (v: string | undefined) => v === "runtime/default" || v === "docker/default" || v?.startsWith("localhost/") === true;
  const own = workload.podAnnotations[ownKey];
  if (own !== undefined && okAnn(own)) {
    d.annotations[ownKey] = { value: own, evidence: "kept: set in the manifest", source: "manifest", kind: "safe" };
  } else if (own === undefined && okAnn(podValue)) {
    d.annotations[SECCOMP_POD_ANNOTATION] = { value: podValue!, evidence: "kept: set in the manifest", source: "manifest", kind: "safe" };
  } else if (own === undefined && podValue === undefined && !privileged) {
    d.annotations[SECCOMP_POD_ANNOTATION] = {
      value: "runtime/default",
      evidence: `Kubernetes 1.${kube.minor} has no seccompProfile field (from 1.19): the pod annotation applies the runtime's default profile`,
      source: "static",
      kind: "safe",
    };
  }
}

/**
 * AppArmor is only kept, never added: runtimes apply their default profile to every
 * unprivileged container when none is set, so writing RuntimeDefault changes nothing, and
 * Pod Security asks only that it is not unconfined.
 */
function decideAppArmor(d: ContainerDecision, workload: Workload, kube: KubeVersion): void {
  const own = d.container.securityContext.appArmorProfile?.value;
  if (atLeast(kube, APPARMOR_FIELD_SINCE) && own && (own.type === "RuntimeDefault" || own.type === "Localhost")) {
    d.shared.appArmorProfile = { value: own as Profile, evidence: `kept: ${own.type} set on the ${d.container.securityContext.appArmorProfile!.from}`, source: "manifest", kind: "safe" };
    return;
  }
  const key = APPARMOR_ANNOTATION_PREFIX + d.container.name;
  const annotation = workload.podAnnotations[key];
  if (!atLeast(kube, APPARMOR_FIELD_SINCE) && (annotation === "runtime/default" || annotation?.startsWith("localhost/"))) {
    d.annotations[key] = { value: annotation, evidence: "kept: set in the manifest", source: "manifest", kind: "safe" };
  }
}

function describeRaisers(image: StaticImageFacts): string {
  const parts = [...image.setuid.map((s) => `${s.what} (${s.where})`), ...image.fileCapabilities.map((f) => f.where)];
  return parts.length ? parts.join(", ") : `${image.label} may run setuid binaries`;
}

function commandText(container: Container): string {
  const parts = [container.spec.command, container.spec.args].flatMap((v) => (Array.isArray(v) ? v.map(String) : []));
  return parts.join(" ");
}

export function privilegedPorts(container: Container, image: StaticImageFacts | undefined): Array<{ port: number; where: string }> {
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

/**
 * Why the directory a non-root process must own cannot be its own here: it is a mount point
 * (a volume's root belongs to root, and only the owner may chmod it), or where it lives is
 * not known. Undefined when it is a plain directory of the image or below a mount.
 */
function ownedDirectoryProblem(container: Container, image: StaticImageFacts, owns: { env: string; default: string; subdirectory: string }): string | undefined {
  const env = Array.isArray(container.spec.env) ? container.spec.env.filter(isObj).find((e) => e.name === owns.env) : undefined;
  if (env && typeof env.value !== "string") return `${owns.env} to name a subdirectory of its volume, and the manifest sets ${owns.env} from elsewhere (valueFrom): where it points is not known`;
  const dir = normalize(env ? String(env.value) : owns.default);
  const setBy = env ? `the manifest sets ${owns.env}=${dir}` : `${owns.env} is the image's default ${dir}`;
  if (existingMountPaths(container).some((m) => m.path === dir)) return `${owns.env} to name a subdirectory of its volume, and ${setBy}, the volume's own root: initdb must own its directory and chmod it, which a volume's root (owned by root) does not allow`;
  // a read-only root filesystem puts an emptyDir over every path the image writes
  if (image.writes.some((w) => normalize(w.path) === dir)) return `${owns.env} to name a subdirectory of a volume, and ${setBy}, where a read-only root puts an emptyDir: initdb must own its directory and chmod it, which a volume's root (owned by root) does not allow`;
  return undefined;
}

function suggestedSubdirectory(container: Container, owns: { env: string; default: string; subdirectory: string }): string {
  const env = Array.isArray(container.spec.env) ? container.spec.env.filter(isObj).find((e) => e.name === owns.env) : undefined;
  return `${owns.env}=${normalize(`${typeof env?.value === "string" ? env.value : owns.default}/${owns.subdirectory}`)}`;
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
