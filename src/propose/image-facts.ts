import type { Dockerfile, Stage } from "../dockerfile/model.js";
import { stageChain } from "../dockerfile/stage-chain.js";
import { lineColumn } from "../source/source-file.js";
import type { Pos } from "../source/source-file.js";

/** What the Dockerfile says about the image a container runs, with `file:line` for evidence. */
export interface StaticImageFacts {
  dockerfile: string;
  /**
   * The user the image runs as: resolved to numbers, root (no USER, or USER root/0), or a
   * name we cannot resolve without the image's /etc/passwd.
   */
  user:
    | { kind: "non-root"; uid: number; gid?: number; how: string }
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
  else user = { kind: "non-root", uid: u.uid, gid: u.gid, how: `USER ${u.raw} at ${at(u.node)}${u.detail ? ` (${u.detail})` : ""}` };

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
  return { dockerfile: df.file.path, user, ports, volumes, workdir, fileCapabilities, setuid, baseImage: root.baseImage.value };
}
