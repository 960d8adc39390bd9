import type { Dockerfile, Stage } from "../dockerfile/model.js";
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
  escalationUnneeded: boolean;
  /** paths the image writes as shipped (known images), each with its source */
  writes: Array<{ path: string; where: string }>;
  /** capabilities a root image needs as shipped (known images) */
  rootCapabilities?: { add: string[]; where: string };
  /** the documented way to run a root image as non-root (known images) */
  nonRootWay?: { uid: number; gid: number; fsGroup?: number; how: string };
}

export function staticImageFacts(df: Dockerfile, stageName: string | null): StaticImageFacts | undefined {
  const stage = (stageName ? df.stages.find((s) => s.name === stageName) : undefined) ?? df.final;
  if (!stage) return undefined;
  const chain = stageChain(stage);
  const at = (node: Pos) => `${df.file.path}:${lineColumn(node).line}`;
  const u = chain.find((s) => s.user)?.user;
  const root = chain[chain.length - 1]!;
  let user: StaticImageFacts["user"];
  if (!u) {
    const scratch = root.baseImage.value === "scratch";
    user = {
      kind: "root",
      how: `no USER in ${df.file.path}${scratch ? "" : ` (unless the base image ${root.baseImage.value} sets one)`}`,
    };
  } else if (u.uid === undefined) user = { kind: "unresolved", name: u.user, how: `USER ${u.raw} at ${at(u.node)}: ${u.detail}` };
  else if (u.uid === 0) user = { kind: "root", how: `USER ${u.raw} at ${at(u.node)}` };
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
  };
}
