import { stringify } from "yaml";
import { applyChanges, type Change, formatPath, isKeyed, type ObjectPath, pointer, valueAt } from "./changes.js";
import type { PlacedProposal } from "./place.js";
import { isObj, type Obj } from "../manifest/yaml-value.js";


/**
 * A strategic-merge patch: the object's identity and the changed fields, lists keyed by
 * their merge keys (containers and volumes by name, volumeMounts by mountPath), so
 * `kubectl patch` and kustomize merge it into the existing lists.
 */
export function strategicMergePatch(p: PlacedProposal): Obj {
  const w = p.workload;
  const patch: Obj = {
    apiVersion: w.apiVersion,
    kind: w.kind,
    metadata: { name: w.name, ...(namespaceOf(p) ? { namespace: w.namespace } : {}) },
  };
  for (const c of p.changes) {
    const holder = walk(patch, c.op === "append" ? c.path : c.path.slice(0, -1), c.op === "append");
    const last = c.path[c.path.length - 1]!;
    if (c.op === "append") {
      (holder as unknown[]).push(structuredClone(c.value));
    } else if (isKeyed(last)) {
      throw new Error("a keyed item is never replaced whole");
    } else {
      (holder as Obj)[last] = structuredClone(c.value);
    }
  }
  return patch;
}

/** Descend, creating mappings, and lists of `{ key: value }` entries for keyed segments. */
function walk(root: Obj, path: ObjectPath, endsInList: boolean): Obj | unknown[] {
  let node: Obj | unknown[] = root;
  path.forEach((seg, i) => {
    const next = path[i + 1];
    if (isKeyed(seg)) {
      const list = node as unknown[];
      let item = list.find((x) => isObj(x) && x[seg.key] === seg.value) as Obj | undefined;
      if (!item) list.push((item = { [seg.key]: seg.value }));
      node = item;
      return;
    }
    const o = node as Obj;
    const wantList = next === undefined ? endsInList : isKeyed(next);
    if (o[seg] === undefined) o[seg] = wantList ? [] : {};
    node = o[seg] as Obj | unknown[];
  });
  return node;
}

function namespaceOf(p: PlacedProposal): boolean {
  const meta = p.workload.object.metadata;
  return isObj(meta) && meta.namespace !== undefined;
}

export type JsonPatchOp = { op: "add" | "replace" | "test"; path: string; value: unknown };

/**
 * RFC 6902 operations against the object. `add` on a missing parent fails, so the first
 * missing ancestor is added with the rest nested inside; each keyed list item is guarded by a
 * `test` of its name, so an index that moved fails the patch instead of editing the wrong
 * container.
 */
export function jsonPatch(p: PlacedProposal): JsonPatchOp[] {
  const sim = structuredClone(p.workload.object) as Obj;
  const ops: JsonPatchOp[] = [];
  const tested = new Set<string>();
  for (const c of p.changes) {
    c.path.forEach((seg, i) => {
      if (!isKeyed(seg)) return;
      const at = pointer([...c.path.slice(0, i + 1), seg.key]);
      if (tested.has(at)) return;
      tested.add(at);
      ops.push({ op: "test", path: at, value: seg.value });
    });
    ops.push(opFor(sim, c));
    applyChanges(sim, [c]);
  }
  return ops;
}

function opFor(sim: Obj, c: Change): JsonPatchOp {
  const path = c.path;
  for (let i = 0; i < path.length; i++) {
    const here = valueAt(sim, path.slice(0, i + 1));
    if (here !== undefined && here !== null) continue;
    // the first missing (or null) segment: add it with the rest nested inside
    let value: unknown = c.op === "append" ? [c.value] : c.value;
    for (let k = path.length - 1; k > i; k--) value = { [path[k] as string]: value };
    return { op: here === null ? "replace" : "add", path: pointer(path.slice(0, i + 1)), value };
  }
  if (c.op === "append") return { op: "add", path: pointer(path) + "/-", value: c.value };
  return { op: "replace", path: pointer(path), value: c.value };
}

/** `--format patch`: one strategic-merge patch document per changed workload. */
export function patchText(placed: PlacedProposal[]): string {
  const docs: string[] = [];
  for (const p of placed) {
    if (p.changes.length === 0) continue;
    const w = p.workload;
    const ns = namespaceOf(p) ? ` -n ${w.namespace}` : "";
    docs.push(
      `# ${w.file.path}: ${w.kind} ${w.name}\n# kubectl patch ${w.kind.toLowerCase()} ${w.name}${ns} --type strategic --patch-file <this document>\n` +
        unverifiedHeader(p) +
        stringify(strategicMergePatch(p), { lineWidth: 0 }),
    );
  }
  return docs.join("---\n");
}

/** `--format json6902`: the operations of each changed workload with its target. */
export function json6902Text(placed: PlacedProposal[]): string {
  const patches = placed
    .filter((p) => p.changes.length)
    .map((p) => ({
      target: { file: p.workload.file.path, group: groupOf(p.workload.apiVersion), version: versionOf(p.workload.apiVersion), kind: p.workload.kind, name: p.workload.name, namespace: p.workload.namespace },
      patch: jsonPatch(p),
    }));
  return JSON.stringify({ patches }, null, 2) + "\n";
}

/**
 * `--format kustomize`: a kustomize Component (kustomization.yaml with `patches:`) and one
 * strategic-merge patch file per workload. Include it from an overlay with
 * `components: [<dir>]`; a Component carries no resources of its own.
 */
export function kustomizeFiles(placed: PlacedProposal[]): Map<string, string> {
  const files = new Map<string, string>();
  const entries: Obj[] = [];
  const used = new Set<string>();
  for (const p of placed) {
    if (p.changes.length === 0) continue;
    const w = p.workload;
    let name = `${w.kind.toLowerCase()}-${w.name}`.replace(/[^a-z0-9.-]+/gi, "-");
    if (used.has(name)) name = `${name}-${w.namespace}`;
    for (let n = 2; used.has(name); n++) name = `${w.kind.toLowerCase()}-${w.name}-${n}`;
    used.add(name);
    files.set(`${name}.yaml`, `# from ${w.file.path}\n` + unverifiedHeader(p) + stringify(strategicMergePatch(p), { lineWidth: 0 }));
    entries.push({ path: `${name}.yaml`, target: { kind: w.kind, name: w.name, ...(namespaceOf(p) ? { namespace: w.namespace } : {}) } });
  }
  const kustomization = {
    apiVersion: "kustomize.config.k8s.io/v1alpha1",
    kind: "Component",
    patches: entries,
  };
  files.set(
    "kustomization.yaml",
    "# Written by shipshape propose: the minimal securityContext per workload.\n# Use it from your overlay's kustomization.yaml:  components: [<this directory>]\n" +
      stringify(kustomization, { lineWidth: 0 }),
  );
  return files;
}

/** Comment lines naming the changes no trial verified: a patch is applied by hand, so it says which ones. */
function unverifiedHeader(p: PlacedProposal): string {
  const paths = p.changes.filter((c) => c.kind === "unverified" || c.kind === undefined).map((c) => formatPath(c.path));
  if (!paths.length) return "";
  return `# not verified (shipshape propose --probe verifies them): ${[...new Set(paths)].join(", ")}\n`;
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? apiVersion.split("/")[0]! : "";
}
function versionOf(apiVersion: string): string {
  return apiVersion.includes("/") ? apiVersion.split("/")[1]! : apiVersion;
}
