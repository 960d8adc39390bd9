import type { Dockerfile, Stage } from "../dockerfile/model.js";
import { baseImageUser } from "../dockerfile/base-image-user.js";
import { knownImage, knownImageSource, numericConfigUser, type KnownImage } from "../known-images/lookup.js";
import { stageChain } from "../dockerfile/stage-chain.js";
import { lineColumn } from "../source/source-file.js";
import type { Pos } from "../source/source-file.js";

/**
 * What is known about the image a container runs without running it: from its paired
 * Dockerfile, or from the known-images list for an image built elsewhere. `file:line` or the
 * list's source travels with each fact, for evidence.
 */
export interface StaticImageFacts {
  /** where the facts come from */
  origin: "dockerfile" | "known-image";
  /** what to name in evidence: `web/Dockerfile`, `postgres:16 (known image)` */
  label: string;
  /**
   * The user the image runs as: resolved to numbers, root (no USER, or USER root/0), or a
   * name we cannot resolve without the image's /etc/passwd.
   */
  user:
    | { kind: "non-root"; uid: number; gid?: number; how: string; /** the image names it by number, which the kubelet can check against runAsNonRoot */ numeric: boolean }
    | { kind: "root"; how: string }
    | { kind: "unresolved"; name: string; how: string };
  ports: Array<{ port: number; where: string }>;
  volumes: Array<{ path: string; where: string }>;
  workdir?: string;
  /** setcap'd binaries: capabilities granted by file capabilities */
  fileCapabilities: Array<{ path: string; capabilities: string[]; where: string }>;
  /** setuid/setgid binaries and user-switching tools the image runs */
  setuid: Array<{ what: string; where: string }>;
  baseImage: string;
  /**
   * Nothing the image runs raises privileges (setuid/setgid bits, file capabilities, su or
   * sudo), as far as the evidence shows: then no_new_privs and, for a non-root process,
   * dropping every capability cannot stop it.
   */
  escalationUnneeded: boolean | undefined;
  /** paths the image writes as shipped (known images), each with its source */
  writes: Array<{ path: string; where: string }>;
  /** false: where the image writes is not known (a known image whose entry lists no paths) */
  writesKnown: boolean;
  /** a non-root image to switch to (known images) */
  nonRootVariant?: string;
  /**
   * false when pairing only guessed this Dockerfile builds the container's image (low
   * confidence): its facts are then not proof enough for a safe change
   */
  certain?: boolean;
  /** a known base image (busybox, python …) deployed as is runs the manifest's command: its needs are the command's */
  role?: "service" | "base";
  /** capabilities a root image needs as shipped (known images) */
  rootCapabilities?: { add: string[]; where: string };
  /** the documented way to run a root image as non-root (known images) */
  nonRootWay?: { uid: number; gid: number; fsGroup?: number; how: string; ownsDirectory?: { env: string; default: string; subdirectory: string } };
}

export function staticImageFacts(df: Dockerfile, stageName: string | null): StaticImageFacts | undefined {
  const stage = (stageName ? df.stages.find((s) => s.name === stageName) : undefined) ?? df.final;
  if (!stage) return undefined;
  const chain = stageChain(stage);
  const at = (node: Pos) => `${df.file.path}:${lineColumn(node).line}`;
  const root = chain[chain.length - 1]!;
  const u = chain.find((s) => s.user)?.user ?? baseImageUser(root);
  let user: StaticImageFacts["user"];
  if (!u) {
    const scratch = root.baseImage.value === "scratch";
    user = {
      kind: "root",
      how: `no USER in ${df.file.path}${scratch ? "" : ` (unless the base image ${root.baseImage.value} sets one)`}`,
    };
  } else if (u.uid === undefined) {
    const fromBase = baseImageAccount(chain, root.baseImage.value, u.user, u.group, u.gid);
    user = fromBase
      ? { kind: "non-root", uid: fromBase.uid, gid: fromBase.gid, numeric: false, how: `USER ${u.raw} at ${at(u.node)}: ${fromBase.how}` }
      : { kind: "unresolved", name: u.user, how: `USER ${u.raw} at ${at(u.node)}: ${u.detail}` };
  }
  else if (u.fromBase) {
    const how = `no USER in ${df.file.path}: ${u.detail}`;
    user = u.uid === 0 ? { kind: "root", how } : { kind: "non-root", uid: u.uid, gid: u.gid, how, numeric: /^\d+$/.test(u.user) };
  } else if (u.uid === 0) user = { kind: "root", how: `USER ${u.raw} at ${at(u.node)}` };
  else user = { kind: "non-root", uid: u.uid, gid: u.gid, how: `USER ${u.raw} at ${at(u.node)}${u.detail ? ` (${u.detail})` : ""}`, numeric: /^\d+$/.test(u.user) };
  const collect = <T>(pick: (s: Stage) => T[]): T[] => chain.slice().reverse().flatMap(pick);
  const ports = collect((s) => s.expose.filter((e) => e.value.protocol === "tcp").map((e) => ({ port: e.value.port, where: `EXPOSE ${e.value.port} at ${at(e.node)}` })));
  const volumes = collect((s) => s.volumes.map((v) => ({ path: v.value, where: `VOLUME ${v.value} at ${at(v.node)}` })));
  const workdir = chain.find((s) => s.workdir)?.workdir?.value;
  const fileCapabilities = collect((s) =>
    s.setcap.map((c) => ({ path: c.value.path, capabilities: c.value.capabilities, where: `setcap ${c.value.spec} ${c.value.path} at ${at(c.node)}` })),
  );
  const setuid = [
    ...collect((s) => s.setuid.map((b) => ({ what: `${b.value.bit} bit on ${b.value.path}`, where: at(b.node) }))),
    ...collect((s) =>
      (s.privilegeTools ?? [])
        .filter((t) => (t.value.tool === "su" || t.value.tool === "sudo") && t.value.seenIn !== "run" && t.value.seenIn !== "install")
        .map((t) => ({ what: `${t.value.tool} (setuid-root) in the ${t.value.seenIn}`, where: at(t.node) })),
    ),
  ];
  return {
    origin: "dockerfile",
    label: df.file.path,
    user,
    ports,
    volumes,
    workdir,
    fileCapabilities,
    setuid,
    baseImage: root.baseImage.value,
    escalationUnneeded: setuid.length === 0 && fileCapabilities.length === 0,
    writes: [],
    writesKnown: true,
    ...baseServiceFacts(root.baseImage.value, chain.some((s) => s.user)),
  };
}

/**
 * A named USER the Dockerfile does not create, found in its known base image's accounts
 * (`USER node` FROM node:20 is 1000:1000). Not when the stages create that name (then the
 * build picks its uid), nor when a group is named that neither the stages nor the account know.
 */
function baseImageAccount(chain: Stage[], baseRef: string, name: string, group: string | undefined, groupGid: number | undefined): { uid: number; gid?: number; how: string } | undefined {
  if (chain.some((s) => s.createdUsers.some((c) => c.name === name))) return undefined;
  const known = knownImage(baseRef);
  const account = known?.variant.users?.find((a) => a.name === name);
  if (!known || !account || account.uid === 0) return undefined;
  if (group === undefined) {
    // no gid: runAsGroup would drop the groups /etc/group gives the user (a uid alone keeps them, as USER node does)
    return { uid: account.uid, how: `user '${name}' is uid ${account.uid} in the base image ${baseRef} (per ${knownImageSource(known)})` };
  }
  const gid = groupGid ?? (group === account.group ? account.gid : undefined);
  if (gid === undefined) return undefined;
  return { uid: account.uid, gid, how: `user '${name}' is ${account.uid}:${gid} in the base image ${baseRef} (per ${knownImageSource(known)})` };
}

/**
 * A Dockerfile built FROM a known service image (FROM nginx:1.27 with its own config) keeps
 * what the base writes and, while it keeps the base's root user, what its entrypoint needs.
 */
function baseServiceFacts(ref: string, ownUser: boolean): Partial<StaticImageFacts> {
  const known = knownImage(ref);
  if (!known || known.variant.role !== "service") return {};
  const facts = knownImageFacts(known);
  return {
    writes: facts.writes,
    ...(ownUser ? {} : { rootCapabilities: facts.rootCapabilities, nonRootWay: facts.nonRootWay, nonRootVariant: facts.nonRootVariant }),
  };
}

/** What the known-images list says about an image built elsewhere, in the shape propose decides from. */
export function knownImageFacts(known: KnownImage): StaticImageFacts {
  const v = known.variant;
  const source = knownImageSource(known);
  const label = `${known.ref} (known image)`;
  const config = v.user.config;
  const user: StaticImageFacts["user"] =
    v.user.uid === 0
      ? { kind: "root", how: `${known.ref} ${config && config !== "0" ? `runs as '${config}'` : "sets no user"}: it starts as root (per ${source})` }
      : { kind: "non-root", uid: v.user.uid, gid: v.user.gid, numeric: numericConfigUser(v), how: `${known.ref} runs as '${config}' (uid ${v.user.uid}), per ${source}` };
  return {
    origin: "known-image",
    label,
    user,
    ports: (v.ports ?? []).map((port) => ({ port, where: `${known.ref} listens on ${port} as shipped` })),
    volumes: [],
    fileCapabilities: [],
    setuid: [],
    baseImage: known.ref,
    escalationUnneeded: v.noNewPrivileges,
    writes: (v.writes ?? []).map((w) => ({ path: w.path, where: `${w.why}; per ${source}` })),
    writesKnown: v.writes !== undefined,
    ...(v.rootCapabilities?.length ? { rootCapabilities: { add: v.rootCapabilities, where: `${v.capabilitiesWhy ?? "the image's root entrypoint needs it"} (per ${source})` } } : {}),
    ...(v.nonRoot ? { nonRootWay: { uid: v.nonRoot.uid, gid: v.nonRoot.gid, fsGroup: v.nonRoot.fsGroup, how: `${v.nonRoot.how} (per ${source})`, ...(v.nonRoot.ownsDirectory ? { ownsDirectory: v.nonRoot.ownsDirectory } : {}) } } : {}),
    ...(v.nonRootVariant ? { nonRootVariant: v.nonRootVariant } : {}),
    role: v.role,
  };
}
