import path from "node:path";
import { type ImageFile, normalizePath, resolveInImage } from "./inspect.js";

export interface ChangedPath {
  path: string;
  kind: "added" | "changed" | "deleted";
}

/** Where an emptyDir goes, and what it would hide. */
export interface WriteMount {
  path: string;
  /** emptyDir mode: world-writable so any uid (and fsGroup) can write, like the kubelet's 0777. */
  mode: "0777";
  /** Why this mount exists ("narrowed": below where the write would go, because that place holds image content). */
  reason: "written" | "image-volume" | "read-only-error" | "narrowed";
  /** Image files under the mount point that the workload did not write: an emptyDir hides them. */
  hides: string[];
  /** For a narrowed mount: the directory that would have hidden image content. */
  narrowedFrom?: string;
}

export interface WritePlan {
  /** Directories written, smallest covering set (what the contract calls `writes`). */
  writes: string[];
  mounts: WriteMount[];
  /** Written paths that cannot get a mount without hiding what the image needs (`/`, `/etc` …). */
  unmountable: Array<{ path: string; reason: string }>;
}

/** Paths the runtime (or the kubelet) manages itself: writes there are not the workload's. */
const RUNTIME_MANAGED = [
  "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/etc/mtab", "/.dockerenv",
  "/dev", "/proc", "/sys", "/run/secrets", "/var/run/secrets", "/dev/termination-log",
]; // prettier-ignore

/** An emptyDir here would hide the system or the application itself. */
const NEVER_MOUNT = new Set([
  "/", "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/var", "/opt",
  "/home", "/srv", "/usr/local", "/usr/bin", "/usr/lib", "/usr/share", "/var/lib",
]); // prettier-ignore

/**
 * From the baseline's filesystem changes to the fewest emptyDir mounts that make those
 * writes possible under a read-only root, never mounting where image content would be hidden
 * unless the write itself is there (then `hides` says what is lost, and the verification
 * trial decides).
 */
export function planWrites(input: {
  changes: ChangedPath[];
  files: Map<string, ImageFile>;
  imageVolumes: string[];
  volumeWrites: string[];
  workingDir: string;
  /** Paths named by "Read-only file system" errors in hardened trials. */
  readOnlyErrors?: string[];
  /** Mount points a trial showed hide what the workload needs: never mounted, with the reason. */
  avoid?: Array<{ path: string; reason: string }>;
  /** Mount points whose narrower mounts a trial showed do not work: mounted whole (hiding what they hide). */
  wholeOnly?: string[];
}): WritePlan {
  const { files } = input;
  const seeds = new Set<string>();
  const changed = new Set<string>();
  for (const c of input.changes) {
    const p = normalizePath(c.path);
    if (isRuntimeManaged(p)) continue;
    changed.add(p);
  }
  for (const p of changed) {
    const isDir = files.get(p)?.kind === "directory";
    const hasChangedChild = [...changed].some((q) => q.startsWith(p + "/"));
    if (isDir && !hasChangedChild) seeds.add(p); // transient files came and went here
    else if (!isDir || !hasChangedChild) seeds.add(parentOf(p));
  }
  for (const p of changed) {
    // An added entry needs its parent writable; a changed directory with changed children is covered by them.
    if (!files.has(p)) seeds.add(parentOf(p));
  }
  const readOnly = (input.readOnlyErrors ?? []).map(normalizePath).filter((p) => !isRuntimeManaged(p));
  for (const p of readOnly) seeds.add(files.get(resolveInImage(files, p))?.kind === "directory" ? p : parentOf(p));

  const resolved = new Set([...seeds].map((s) => resolveInImage(files, s)));
  // Inside a VOLUME the emptyDir for the volume covers it.
  const volumes = new Set(input.imageVolumes.map((v) => resolveInImage(files, v)));
  const underVolume = (p: string) => [...volumes].some((v) => p === v || p.startsWith(v + "/"));
  let points = [...resolved].filter((p) => !underVolume(p));
  // Drop seeds covered by another seed.
  points = points.filter((p) => !points.some((q) => q !== p && (q === "/" ? true : p.startsWith(q + "/"))));

  const unmountable: WritePlan["unmountable"] = [];
  const mounts: WriteMount[] = [];
  const workingDir = normalizePath(input.workingDir || "/");
  for (const p of points.sort()) {
    const avoided = input.avoid?.find((a) => a.path === p);
    if (avoided) {
      unmountable.push(avoided);
      continue;
    }
    if (NEVER_MOUNT.has(p)) {
      unmountable.push({ path: p, reason: `an emptyDir at ${p} would hide the image's files there; point the writes elsewhere (e.g. /tmp)` });
      continue;
    }
    if (p === workingDir && imageContentUnder(files, p, changed).length > 0) {
      unmountable.push({ path: p, reason: `${p} is the working directory and holds the application; write elsewhere or copy it into an emptyDir with an initContainer` });
      continue;
    }
    const reason = readOnly.some((r) => r === p || parentOf(r) === p) && !resolved.has(p) ? "read-only-error" : "written";
    const hides = imageContentUnder(files, p, changed);
    const narrower = hides.length && !input.wholeOnly?.includes(p) ? narrowerPoints(files, p, changed) : undefined;
    if (narrower) {
      for (const n of narrower) mounts.push({ path: n, mode: "0777", reason: "narrowed", hides: [], narrowedFrom: p });
      continue;
    }
    mounts.push({ path: p, mode: "0777", reason, hides });
  }
  for (const v of [...volumes].sort()) {
    mounts.push({ path: v, mode: "0777", reason: "image-volume", hides: imageContentUnder(files, v, changed) });
  }
  const writes = [...new Set([...points.filter((p) => !NEVER_MOUNT.has(p)), ...input.volumeWrites.map((v) => resolveInImage(files, v))])].sort();
  return { writes, mounts, unmountable };
}

function isRuntimeManaged(p: string): boolean {
  return RUNTIME_MANAGED.some((m) => p === m || p.startsWith(m + "/"));
}

function parentOf(p: string): string {
  return normalizePath(path.posix.dirname(p));
}

/**
 * Mount points below `dir` that cover every write under it and hide nothing of the image:
 * a directory the workload made itself (its topmost new ancestor: the emptyDir stands in for
 * it), or an image directory holding only what was written. Undefined when a write lands
 * next to image content it would hide (then only `dir` itself, or no mount, can work).
 * A workload that insists on creating the directory itself (`mkdir` without `-p`) fails
 * with the mount already there: the verification trial tells.
 */
function narrowerPoints(files: Map<string, ImageFile>, dir: string, changed: Set<string>): string[] | undefined {
  const inImage = (p: string) => files.has(resolveInImage(files, p));
  const under = [...changed].filter((c) => c.startsWith(dir + "/"));
  if (under.length === 0 || under.some((w) => files.get(resolveInImage(files, w))?.kind === "symlink")) return undefined;
  const points = new Set<string>();
  for (const w of under) {
    let made: string | undefined;
    for (let a = w; a !== dir && a !== "/"; a = parentOf(a)) if (!inImage(a)) made = a;
    if (made) {
      points.add(made);
      continue;
    }
    const isDir = files.get(resolveInImage(files, w))?.kind === "directory";
    if (isDir && under.some((q) => q.startsWith(w + "/"))) continue; // its changed children decide
    const writable = isDir ? w : parentOf(w);
    if (writable === dir || imageContentUnder(files, writable, changed).length > 0) return undefined;
    points.add(writable);
  }
  const list = [...points].sort();
  return list.filter((p) => !list.some((q) => q !== p && p.startsWith(q + "/")));
}

/** Image files below `dir` that the workload did not itself write or delete. */
function imageContentUnder(files: Map<string, ImageFile>, dir: string, changed: Set<string>): string[] {
  const prefix = dir === "/" ? "/" : dir + "/";
  const hidden: string[] = [];
  for (const [p, f] of files) {
    if (!p.startsWith(prefix) || f.kind === "directory" || changed.has(p)) continue;
    hidden.push(p);
    if (hidden.length >= 20) break;
  }
  return hidden.sort();
}
