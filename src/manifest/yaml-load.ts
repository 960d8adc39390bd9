import jsyaml from "js-yaml";
import type { Pos, SourceFile } from "../source/source-file.js";

/**
 * Fast read path for manifests. The `yaml` Document API costs ~10x js-yaml on large
 * trees (see bench/scan), so files that are only read go through js-yaml, and its
 * listener records the offset of every collection, key and item. Files that `--write`
 * edits are re-opened with the Document API by propose.
 */
/**
 * What the loader's listener saw of a collection, kept as the listener built it (no
 * allocation at close time): `[start, isMap, offset, value, offset, value …]` where
 * start is the first child's offset and, for a mapping, the values alternate key and
 * value.
 */
type NodeOffsets = unknown[];
const FIRST_CHILD = 2;

/**
 * Offsets ride on the parsed objects under a non-enumerable symbol: a WeakMap with
 * millions of entries cost ~35% more in the benchmark, mostly in garbage collection.
 */
const OFFSETS: unique symbol = Symbol("shipshape.offsets");
type WithOffsets = { [OFFSETS]?: NodeOffsets };

export class YamlPositions {
  constructor(readonly file: SourceFile) {}

  /** @internal used by the loader */
  record(obj: object, offsets: NodeOffsets): void {
    // a document's root closes twice (node, then document): the first has the children
    if (!(OFFSETS in obj)) Object.defineProperty(obj, OFFSETS, { value: offsets });
  }

  /** Where a mapping or sequence starts (its first key or item). */
  of(obj: object): Pos | undefined {
    const o = (obj as WithOffsets)[OFFSETS];
    return o ? { file: this.file, offset: o[0] as number } : undefined;
  }

  /** Where a key of a mapping is written. */
  key(obj: object, key: string): Pos | undefined {
    const o = (obj as WithOffsets)[OFFSETS];
    if (!o || o[1] !== true) return undefined;
    for (let i = FIRST_CHILD; i < o.length; i += 4) if (o[i + 1] === key || String(o[i + 1]) === key) return { file: this.file, offset: o[i] as number };
    return undefined;
  }

  /** Where an item of a sequence is written. */
  item(arr: readonly unknown[], index: number): Pos | undefined {
    const o = (arr as WithOffsets)[OFFSETS];
    const off = o && o[1] === false ? o[FIRST_CHILD + index * 2] : undefined;
    return typeof off === "number" ? { file: this.file, offset: off } : undefined;
  }
}

/**
 * YAML 1.2 core types plus merge keys. Kubernetes turns YAML into JSON, so timestamps
 * stay strings there too; skipping their resolution also saves a regex per scalar.
 */
const KUBERNETES_SCHEMA = jsyaml.CORE_SCHEMA.extend([(jsyaml as unknown as { types: { merge: jsyaml.Type } }).types.merge]);

export interface YamlDoc {
  value: unknown;
  index: number;
  positions: YamlPositions;
}

export interface YamlLoadResult {
  docs: YamlDoc[];
  error?: { message: string; line: number; column: number };
}

/** Parse every document of a YAML (or JSON) file, keeping offsets of collections, keys and items. */
export function loadYaml(file: SourceFile): YamlLoadResult {
  const positions = new YamlPositions(file);
  const docs: YamlDoc[] = [];
  const error = parseInto(file.text, file, positions, docs);
  if (!error) return { docs };
  // js-yaml gives nothing when one document is broken: parse the documents one by one so
  // the good ones are still checked. Blanking the text around a document keeps offsets.
  docs.length = 0;
  let firstError: YamlLoadResult["error"];
  for (const [start, end] of documentRanges(file.text)) {
    const blanked = file.text.slice(0, start).replace(/[^\n]/g, " ") + file.text.slice(start, end);
    const before = docs.length;
    const err = parseInto(blanked, file, positions, docs);
    if (err) {
      docs.length = before;
      firstError ??= err;
    }
  }
  docs.forEach((d, i) => (d.index = i));
  return { docs, error: firstError ?? error };
}

/** [start, end) of each document between `---` separator lines. */
function documentRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const sep = /^---(?=\s|$)/gm;
  let start = 0;
  for (let m = sep.exec(text); m; m = sep.exec(text)) {
    if (m.index > start || start === 0) ranges.push([start, m.index]);
    start = m.index;
  }
  ranges.push([start, text.length]);
  return ranges.filter(([s, e]) => e > s);
}

function parseInto(text: string, file: SourceFile, positions: YamlPositions, docs: YamlDoc[]): YamlLoadResult["error"] {
  // The listener sees 'open' at the start of every node and 'close' with its result.
  // Keys and items open exactly where they are written, so a collection's children
  // give the offsets we need; a collection itself starts at its first child.
  // Most nodes are scalars: a frame's child list is made only when a child closes.
  const starts: number[] = [];
  const lists: Array<unknown[] | null> = [];
  let depth = 0;
  const listener = (event: "open" | "close", state: { position: number; result: unknown }) => {
    if (event === "open") {
      starts[depth] = state.position;
      lists[depth] = null;
      depth++;
      return;
    }
    depth--;
    const start = starts[depth]!;
    const result = state.result;
    if (result !== null && typeof result === "object") {
      const children = lists[depth] ?? [start, false];
      if (children.length > FIRST_CHILD) children[0] = children[FIRST_CHILD];
      children[1] = !Array.isArray(result);
      positions.record(result, children);
    }
    if (depth > 0) {
      const parent = (lists[depth - 1] ??= [starts[depth - 1], false]);
      parent.push(start, result);
    }
  };
  try {
    let index = docs.length;
    jsyaml.loadAll(
      text,
      (value) => {
        docs.push({ value, index: index++, positions });
      },
      { listener: listener as never, filename: file.path, json: true, schema: KUBERNETES_SCHEMA },
    );
    return undefined;
  } catch (err) {
    if (err instanceof jsyaml.YAMLException) {
      const mark = err.mark as { line?: number; column?: number } | undefined;
      return { message: err.reason || err.message, line: (mark?.line ?? 0) + 1, column: (mark?.column ?? 0) + 1 };
    }
    // js-yaml recurses per nesting level: thousands of levels exhaust the stack
    if (err instanceof RangeError) return { message: "nesting too deep for the YAML parser", line: 1, column: 1 };
    throw err;
  }
}
