import type { YamlPositions } from "../manifest/yaml-load.js";
import { isObj } from "../manifest/yaml-value.js";
import type { Pos } from "../source/source-file.js";
import { valueAtPath, type ValuePath } from "./rendered-document.js";

/** How far a rendered value's path could be followed in a source document. */
export interface Lookup {
  /** the position of the deepest step found (the document itself when none) */
  at: Pos | undefined;
  /** every step of the path was found */
  complete: boolean;
  /** the source's value at the path, when complete */
  value?: unknown;
  /** steps found */
  depth: number;
}

/**
 * Follow a path of the rendered object in a source object (a base resource, a patch).
 * Lists are matched as kustomize merges them: items by their `name`, scalars by value,
 * anything else by index.
 */
export function lookup(source: unknown, positions: YamlPositions, rendered: unknown, path: ValuePath): Lookup {
  let here = source;
  let at = isObj(source) || Array.isArray(source) ? positions.of(source) : undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (typeof seg === "number") {
      if (!Array.isArray(here)) return { at, complete: false, depth: i };
      const want = valueAtPath(rendered, path.slice(0, i + 1));
      const j = matchItem(here, want, seg);
      if (j < 0) return { at, complete: false, depth: i };
      at = positions.item(here, j) ?? at;
      here = here[j];
      continue;
    }
    if (!isObj(here) || !(seg in here)) return { at, complete: false, depth: i };
    at = positions.key(here, seg) ?? at;
    here = here[seg];
  }
  return { at, complete: true, value: here, depth: path.length };
}

function matchItem(list: unknown[], want: unknown, index: number): number {
  if (isObj(want) && typeof want.name === "string") return list.findIndex((x) => isObj(x) && x.name === want.name);
  if (want === null || typeof want !== "object") {
    const j = list.findIndex((x) => x === want);
    return j >= 0 ? j : -1;
  }
  return index < list.length ? index : -1;
}

/** Values equal as Kubernetes reads them (a patch may quote what the base did not). */
export function sameScalar(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a === "object" || typeof b === "object") return false;
  return String(a) === String(b);
}
