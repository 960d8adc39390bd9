import type { Dockerfile, DockerUser, Stage } from "../../src/dockerfile/model.js";
import { stageChain } from "../../src/dockerfile/stage-chain.js";
import type { Container } from "../../src/manifest/workload.js";
import { isObj } from "../../src/manifest/yaml-value.js";
import { locate, type Pos } from "../../src/source/source-file.js";

/** `file:line`, so a pair finding's message names both files. */
export function place(pos: Pos): string {
  const { file, line } = locate(pos);
  return `${file}:${line}`;
}

/** A path without its trailing slashes ("/" stays "/"), as mount paths are compared. */
export const trimSlashes = (p: string) => (p.length > 1 ? p.replace(/\/+$/, "") : p);

/** Whether one of the container's volumeMounts is at or above a path: writes there do not touch the root filesystem. */
export function mountedAt(container: Container): (path: string) => boolean {
  const mounts = (Array.isArray(container.spec.volumeMounts) ? container.spec.volumeMounts : [])
    .filter(isObj)
    .map((m) => (typeof m.mountPath === "string" ? trimSlashes(m.mountPath) : ""))
    .filter(Boolean);
  return (path) => {
    const p = trimSlashes(path);
    return mounts.some((m) => m === "/" || m === p || p.startsWith(`${m}/`));
  };
}

/** The final stage and the stages it builds FROM, nearest first. */
export function finalChain(dockerfile: Dockerfile): Stage[] {
  return dockerfile.final ? stageChain(dockerfile.final) : [];
}

export const PROBE_HINT = "run `shipshape probe` on the image to read it";

/** How the image's user reads in a message: "USER app (uid 10001, useradd … at line 3)". */
export function describeUser(dockerfile: Dockerfile, user: DockerUser | undefined): string {
  if (!user) return `${dockerfile.file.path} sets no USER (root, unless the base image sets one)`;
  return userRef(user);
}

/**
 * Where the image's user is decided, for a message: `Dockerfile:7 'USER app'`, or for a
 * Dockerfile without USER whose base image is known, its FROM line and what the base runs as.
 */
export function userRef(user: DockerUser): string {
  if (user.fromBase) return `${place(user.node)} 'FROM ${user.fromBase.image}' (no USER: ${user.detail})`;
  return `${place(user.node)} 'USER ${user.raw}'`;
}

/** The same, short, for a finding's related location. */
export function userLabel(user: DockerUser): string {
  return user.fromBase ? `FROM ${user.fromBase.image}: the base image's user ${user.raw}` : `USER ${user.raw}`;
}

/**
 * The uid the container's process runs as: runAsUser, else the image's USER. undefined
 * when it cannot be known statically (a name we cannot resolve, a base image's user).
 */
export function effectiveUid(container: Container, dockerfile: Dockerfile): { uid?: number; from: "manifest" | "image" | "unknown" } {
  const runAsUser = container.securityContext.runAsUser?.value;
  if (typeof runAsUser === "number") return { uid: runAsUser, from: "manifest" };
  const user = dockerfile.effectiveUser;
  if (!user) return { uid: 0, from: "image" };
  if (user.uid !== undefined) return { uid: user.uid, from: "image" };
  return { from: "unknown" };
}

export function capName(cap: string): string {
  return cap.toUpperCase().replace(/^CAP_/, "");
}

/** Whether the container's capabilities list (add or drop) names a capability (or ALL). */
export function listsCap(list: string[] | undefined, cap: string, all = true): boolean {
  return !!list?.some((c) => capName(c) === cap || (all && capName(c) === "ALL"));
}
