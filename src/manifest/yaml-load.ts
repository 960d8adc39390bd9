import jsyaml from "js-yaml";
import type { Pos, SourceFile } from "../source/source-file.js";

/**
 * Fast read path for manifests. The `yaml` Document API costs ~10x js-yaml on large
 * trees (see bench/scan), so files that are only read go through js-yaml, and its
 * listener records the offset of every collection, key and item. Files that `--write`
 * edits are re-opened with the Document API by propose.
 */
interface NodeOffsets {
  start: number;
  keys?: Map<string, number>;
  items?: number[];
}

export class YamlPositions {
  private readonly offsets = new WeakMap<object, NodeOffsets>();

  constructor(readonly file: SourceFile) {}

  /** @internal used by the loader */
  record(obj: object, offsets: NodeOffsets): void {
    this.offsets.set(obj, offsets);
  }

  /** Where a mapping or sequence starts (its first key or item). */
  of(obj: object): Pos | undefined {
    const o = this.offsets.get(obj);
    return o ? { file: this.file, offset: o.start } : undefined;
  }

  /** Where a key of a mapping is written. */
  key(obj: object, key: string): Pos | undefined {
    const off = this.offsets.get(obj)?.keys?.get(key);
    return off === undefined ? undefined : { file: this.file, offset: off };
  }

  /** Where an item of a sequence is written. */
  item(arr: readonly unknown[], index: number): Pos | undefined {
    const off = this.offsets.get(arr)?.items?.[index];
    return off === undefined ? undefined : { file: this.file, offset: off };
  }
}

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
  // The listener sees 'open' at the start of every node and 'close' with its result.
  // Keys and items open exactly where they are written, so a collection's children
  // give the offsets we need; a collection itself starts at its first child.
  const stack: Array<number | Array<{ start: number; result: unknown }>> = [];
  const listener = (event: "open" | "close", state: { position: number; result: unknown }) => {
    if (event === "open") {
      stack.push(state.position, []);
      return;
    }
    const children = stack.pop() as Array<{ start: number; result: unknown }>;
    const start = stack.pop() as number;
    const result = state.result;
    if (result !== null && typeof result === "object") {
      const first = children.length > 0 ? children[0]!.start : start;
      if (Array.isArray(result)) {
        positions.record(result, { start: first, items: children.map((c) => c.start) });
      } else {
        const keys = new Map<string, number>();
        for (let i = 0; i + 1 < children.length; i += 2) keys.set(String(children[i]!.result), children[i]!.start);
        positions.record(result, { start: first, keys });
      }
    }
    const parent = stack[stack.length - 1];
    if (Array.isArray(parent)) parent.push({ start, result });
  };
  const docs: YamlDoc[] = [];
  try {
    let index = 0;
    jsyaml.loadAll(
      file.text,
      (value) => {
        docs.push({ value, index: index++, positions });
      },
      { listener: listener as never, filename: file.path, json: true },
    );
    return { docs };
  } catch (err) {
    if (err instanceof jsyaml.YAMLException) {
      const mark = err.mark as { line?: number; column?: number } | undefined;
      return {
        docs,
        error: { message: err.reason || err.message, line: (mark?.line ?? 0) + 1, column: (mark?.column ?? 0) + 1 },
      };
    }
    throw err;
  }
}
