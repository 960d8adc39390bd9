import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { makeTemporary, releaseTemporary } from "./temporaries.js";
import path from "node:path";
import { loadYaml } from "../manifest/yaml-load.js";
import { isObj } from "../manifest/yaml-value.js";
import { sameValue } from "../propose/changes.js";
import { SourceFile } from "../source/source-file.js";
import type { UnitOutcome } from "./render.js";
import { runTool, errorLine } from "./tool.js";

/** kind/namespace/name: one rendered resource. */
export function resourceKey(o: unknown): string {
  if (!isObj(o)) return "";
  const meta = isObj(o.metadata) ? o.metadata : {};
  return `${String(o.kind)}/${String(meta.namespace ?? "")}/${String(meta.name ?? "")}`;
}

/**
 * Render a copy of a kustomize unit with some of its files replaced or added, in a
 * temporary folder outside the user's tree (removed afterwards): what an edit would make
 * of the overlay, before the edit is written. `files`: absolute paths in the user's tree →
 * their new text.
 */
export async function renderCopy(unit: UnitOutcome, root: string, files: ReadonlyMap<string, string>): Promise<{ objects: unknown[] } | { error: string }> {
  if (!unit.command || !unit.reads) return { error: `${unit.unit} was not rendered` };
  const unitDir = path.resolve(root, unit.dir);
  const all = [...new Set([...unit.reads, ...files.keys()])];
  const ancestor = commonAncestor([unitDir, ...all]);
  const tmp = makeTemporary("shipshape-check-");
  try {
    for (const abs of all) {
      const dest = path.join(tmp, path.relative(ancestor, abs));
      mkdirSync(path.dirname(dest), { recursive: true });
      const text = files.get(abs);
      if (text !== undefined) writeFileSync(dest, text);
      else {
        try {
          writeFileSync(dest, readFileSync(abs));
        } catch {
          // a file kustomize would also miss: the render says so
        }
      }
    }
    const dir = path.join(tmp, path.relative(ancestor, unitDir));
    const run = await runTool([...unit.command, dir], { cwd: dir, timeoutMs: 120_000 });
    if (run.failure || run.code !== 0) return { error: run.failure ?? errorLine(run.stderr) };
    const parsed = loadYaml(new SourceFile("rendered", run.stdout));
    if (parsed.error) return { error: parsed.error.message };
    return { objects: parsed.docs.map((d) => d.value).filter((v) => v !== null && v !== undefined) };
  } finally {
    releaseTemporary(tmp);
  }
}

/** The resources that differ between what is expected and what was rendered (by resourceKey). */
export function differences(expected: readonly unknown[], actual: readonly unknown[]): string[] {
  const want = new Map(expected.map((o) => [resourceKey(o), o]));
  const got = new Map(actual.map((o) => [resourceKey(o), o]));
  const out: string[] = [];
  for (const [key, o] of want) if (!got.has(key) || !sameValue(unordered(o), unordered(got.get(key)))) out.push(key);
  for (const key of got.keys()) if (!want.has(key)) out.push(key);
  return out;
}

/** Lists whose order means nothing to Kubernetes: a strategic merge puts new items first, a proposal appends them. */
const UNORDERED = new Set(["volumes", "volumeMounts", "volumeDevices", "ports"]);

function unordered(v: unknown, key?: string): unknown {
  if (Array.isArray(v)) {
    const items = v.map((x) => unordered(x));
    return key && UNORDERED.has(key) ? items.map((x) => [JSON.stringify(x), x] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((x) => x[1]) : items;
  }
  if (!isObj(v)) return v;
  // keys sorted too, so two equal items sort alike
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = unordered(v[k], k);
  return out;
}

function commonAncestor(paths: string[]): string {
  let dir = path.dirname(paths[0]!);
  for (const p of paths) while (p !== dir && !p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep)) dir = path.dirname(dir);
  return dir;
}
