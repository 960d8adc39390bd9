/**
 * A proposal as edits of one Kubernetes object: what `--write` splices into the file, what
 * the patch formats print, and what the PSS check applies to a copy. One representation,
 * so the three can never disagree.
 */
import { isObj, type Obj } from "../manifest/yaml-value.js";

/** An item of a list picked by its merge key (`containers` by name, `volumeMounts` by mountPath). */
export interface KeyedItem {
  index: number;
  key: string;
  value: string;
}

export type PathSegment = string | KeyedItem;
export type ObjectPath = PathSegment[];

/**
 * How sure a change is, which decides what `--write` does with it:
 * - safe: it cannot stop a process that runs today, given what is known statically;
 * - verified: a probe trial of exactly these settings ran like the baseline;
 * - unverified: everything else: shown, written only with `--include-unverified`.
 */
export type ChangeKind = "safe" | "verified" | "unverified";

interface ChangeBase {
  path: ObjectPath;
  value: unknown;
  /** absent means unverified: only what is proven safe may be written by default */
  kind?: ChangeKind;
  /** a YAML comment the editor puts on the line it writes (unverified changes say so) */
  comment?: string;
}

export type Change =
  /** Set the value at the path, creating missing parent mappings. */
  | (ChangeBase & { op: "set" })
  /** Append an item to the list at the path, creating the list (and its parents) when missing. */
  | (ChangeBase & { op: "append" });

/** What `--write` writes by default, and with `--include-unverified`. */
export function isWritable(c: Change, includeUnverified: boolean): boolean {
  return c.kind === "safe" || c.kind === "verified" || includeUnverified;
}

export function isKeyed(s: PathSegment): s is KeyedItem {
  return typeof s === "object";
}


/** `a.b[name=web].c` for messages and field evidence. */
export function formatPath(path: ObjectPath): string {
  let out = "";
  for (const s of path) out += isKeyed(s) ? `[${s.value}]` : out ? `.${s}` : s;
  return out;
}

/** RFC 6901 pointer of a path (keyed items by their index). */
export function pointer(path: ObjectPath): string {
  return path.map((s) => "/" + (isKeyed(s) ? String(s.index) : s.replace(/~/g, "~0").replace(/\//g, "~1"))).join("");
}

/** Apply changes to a plain object (a structured clone of the manifest object) in place. */
export function applyChanges(target: Obj, changes: readonly Change[]): void {
  for (const c of changes) {
    const parentPath = c.path.slice(0, -1);
    const last = c.path[c.path.length - 1]!;
    let node: unknown = target;
    for (const seg of c.op === "append" ? c.path.slice(0, -1) : parentPath) node = step(node, seg, true);
    if (c.op === "append") {
      const holder = node as Obj;
      const key = last as string;
      if (!Array.isArray(holder[key])) holder[key] = [];
      (holder[key] as unknown[]).push(structuredClone(c.value));
    } else if (isKeyed(last)) {
      (node as unknown[])[last.index] = structuredClone(c.value);
    } else {
      (node as Obj)[last] = structuredClone(c.value);
    }
  }
}

function step(node: unknown, seg: PathSegment, create: boolean): unknown {
  if (isKeyed(seg)) {
    if (!Array.isArray(node)) throw new Error(`not a list at ${seg.key}=${seg.value}`);
    return node[seg.index];
  }
  if (!isObj(node)) throw new Error(`not a mapping at ${seg}`);
  if (!isObj(node[seg]) && !Array.isArray(node[seg])) {
    if (!create) return undefined;
    node[seg] = {};
  }
  return node[seg];
}

/** The value at a path of a plain object, or undefined. */
export function valueAt(root: unknown, path: ObjectPath): unknown {
  let node = root;
  for (const seg of path) {
    if (isKeyed(seg)) node = Array.isArray(node) ? node[seg.index] : undefined;
    else node = isObj(node) ? node[seg] : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/** Structural equality of JSON-like values. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => sameValue(a[k], b[k]));
  }
  return false;
}
