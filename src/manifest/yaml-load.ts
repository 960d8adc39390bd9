import jsyaml from "js-yaml";
import type { Pos, SourceFile } from "../source/source-file.js";

/**
 * Fast read path for manifests. The `yaml` Document API costs ~10x js-yaml on large
 * trees (see bench/scan), so files that are only read go through js-yaml, and its
 * listener records where every node opens. Files that `--write` edits are re-opened with
 * the Document API by propose.
 *
 * The record is one flat log per file, which is cheap to write (a per-collection list of
 * children cost ~20% of the parse): `opens[i]` is where the i-th node opens, in document
 * order (a node before its children), and for a node with nodes inside `ends[i]` is the
 * index just past its last descendant. `indexOf` maps each parsed collection to its own
 * index: a Map per file, since marking the objects themselves (a non-enumerable symbol
 * property) cost ~20% of the parse. Keys and items open exactly where they are written; a
 * collection itself starts at its first child.
 */
export class YamlPositions {
  /** @internal where each node opens, in document order */
  readonly opens: number[] = [];
  /** @internal for a node with nodes inside: the index past its last descendant */
  readonly ends: number[] = [];
  /** @internal each parsed mapping and sequence: the index of the node it was parsed from */
  readonly indexOf = new Map<object, number>();

  constructor(readonly file: SourceFile) {}

  /** Where a mapping or sequence starts (its first key or item). */
  of(obj: object): Pos | undefined {
    const at = this.indexOf.get(obj);
    if (at === undefined) return undefined;
    return this.pos(at + 1 < (this.ends[at] ?? 0) ? at + 1 : at);
  }

  /** Where a key of a mapping is written: the last, when a key is repeated, since its value is the one read. */
  key(obj: object, key: string): Pos | undefined {
    const at = this.indexOf.get(obj);
    if (at === undefined || Array.isArray(obj)) return undefined;
    let isKey = true;
    let found: number | undefined;
    for (let i = at + 1, end = this.ends[at] ?? 0; i < end; i = this.next(i), isKey = !isKey) {
      if (isKey && this.keyWritten(this.opens[i]!, key)) found = i;
    }
    return found === undefined ? undefined : this.pos(found);
  }

  /** Where an item of a sequence is written. */
  item(arr: readonly unknown[], index: number): Pos | undefined {
    const at = this.indexOf.get(arr);
    if (at === undefined || !Array.isArray(arr)) return undefined;
    let n = 0;
    for (let i = at + 1, end = this.ends[at] ?? 0; i < end; i = this.next(i)) if (n++ === index) return this.pos(i);
    return undefined;
  }

  private pos(i: number): Pos {
    return { file: this.file, offset: this.opens[i]! };
  }

  /** The next sibling's index: past the descendants of a collection. */
  private next(i: number): number {
    return this.ends[i] ?? i + 1;
  }

  /** Is `key` the key written at this offset: plain (`key:`), or quoted (`"key"`, `'key'`)? */
  private keyWritten(offset: number, key: string): boolean {
    const text = this.file.text;
    const quote = text[offset];
    if (quote === '"' || quote === "'") return text.startsWith(key, offset + 1) && text[offset + 1 + key.length] === quote;
    if (!text.startsWith(key, offset)) return false;
    let i = offset + key.length;
    while (text[i] === " " || text[i] === "\t") i++;
    return text[i] === ":";
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

/**
 * Parse every document of a YAML (or JSON) file, keeping offsets of collections, keys and
 * items (in `positions`: rendered output brings a subclass that also knows each value's path).
 */
export function loadYaml(file: SourceFile, positions: YamlPositions = new YamlPositions(file)): YamlLoadResult {
  const docs: YamlDoc[] = [];
  const error = parseInto(file.text, file, positions, docs);
  if (!error) return { docs };
  // js-yaml gives nothing when one document is broken: parse the documents one by one so
  // the good ones are still checked, each from its own text with offsets shifted back (not
  // the whole file with the rest blanked: that was quadratic, a minute for 3,000 documents).
  docs.length = 0;
  let firstError: YamlLoadResult["error"];
  for (const [start, end] of documentRanges(file.text)) {
    const before = docs.length;
    const err = parseInto(file.text.slice(start, end), file, positions, docs, start);
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

/** `base`: where `text` starts in the file (a document's own text starts on a line of its own). */
function parseInto(text: string, file: SourceFile, positions: YamlPositions, docs: YamlDoc[], base = 0): YamlLoadResult["error"] {
  // The listener sees 'open' at the start of every node and 'close' with its result.
  const { opens, ends, indexOf } = positions;
  const stack: number[] = [];
  let depth = 0;
  const listener = (event: "open" | "close", state: { position: number; result: unknown }) => {
    if (event === "open") {
      stack[depth++] = opens.length;
      opens.push(state.position + base);
      return;
    }
    const at = stack[--depth]!;
    // js-yaml composes some nodes twice, the second inside the first (a block sequence's
    // entry is first tried as a mapping key): any node with nodes inside gets an end, so
    // walking siblings skips them
    if (opens.length > at + 1) ends[at] = opens.length;
    const result = state.result;
    // the inner of two nodes that make one collection, and an alias's anchor, close first and keep it
    if (result !== null && typeof result === "object" && !indexOf.has(result)) indexOf.set(result, at);
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
      const firstLine = base === 0 ? 1 : file.position(base).line;
      return { message: err.reason || err.message, line: (mark?.line ?? 0) + firstLine, column: (mark?.column ?? 0) + 1 };
    }
    // js-yaml recurses per nesting level: thousands of levels exhaust the stack; the
    // last node it opened is where it stopped
    if (err instanceof RangeError) {
      const at = opens.length > 0 ? file.position(opens[opens.length - 1]!) : { line: 1, column: 1 };
      return { message: `nesting too deep for the YAML parser (${depth} levels open here)`, line: at.line, column: at.column };
    }
    throw err;
  }
}
