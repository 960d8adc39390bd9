import jsyaml from "js-yaml";
import type { Pos } from "../source/source-file.js";
import type { YamlPositions } from "./yaml-load.js";

/** A key written more than once in one mapping: `at` in the order written; the last one is the value read. */
export interface DuplicateKey {
  key: string;
  at: Pos[];
}

/**
 * Keys written more than once in a mapping of a parsed file. js-yaml (like most parsers
 * in JSON mode) keeps the last value silently, kustomize refuses the file, others keep the
 * first: the reader decides what the cluster gets, so it is reported (input/duplicate-key).
 *
 * A mapping whose parsed object has as many keys as it has keys written, and no merge key
 * (`<<`, which adds keys), holds no duplicate: only the others have their keys decoded,
 * so the check costs one walk of the position log.
 */
export function duplicateKeys(positions: YamlPositions): DuplicateKey[] {
  const { opens, ends, indexOf, file } = positions;
  const text = file.text;
  const out: DuplicateKey[] = [];
  // after a syntax error the good documents are parsed again into the same log: one report per place
  let seen: Set<number> | undefined;
  for (const [obj, at] of indexOf) {
    if (Array.isArray(obj)) continue;
    // children alternate key, value; a mapping that ends its document also holds the node
    // js-yaml opens at the next `---` before it gives up, a key without a value: not counted
    let children = 0;
    let merge = false;
    const end = ends[at] ?? 0;
    for (let i = at + 1; i < end; i = ends[i] ?? i + 1, children++) {
      const o = opens[i]!;
      if ((children & 1) === 0 && text.charCodeAt(o) === 60 && text.charCodeAt(o + 1) === 60) merge = true; // `<<`
    }
    const written = children >> 1;
    if (!merge && written === Object.keys(obj).length) continue;
    const byKey = new Map<string, number[]>();
    for (let i = at + 1, n = 0; n < 2 * written; i = ends[i] ?? i + 1, n++) {
      if (n & 1) continue;
      // an explicit key (`? a`) opens at the blank after the `?`
      let o = opens[i]!;
      while (text[o] === " " || text[o] === "\t") o++;
      const key = keyAt(text, o);
      if (key === undefined) continue;
      const list = byKey.get(key);
      if (list) list.push(o);
      else byKey.set(key, [o]);
    }
    for (const [key, offsets] of byKey) {
      if (offsets.length < 2) continue;
      seen ??= new Set();
      if (seen.has(offsets[0]!)) continue;
      seen.add(offsets[0]!);
      out.push({ key, at: offsets.map((offset) => ({ file, offset })) });
    }
  }
  return out.sort((a, b) => a.at[0]!.offset - b.at[0]!.offset);
}

const MAX_KEY = 4096;

/** The key a mapping key written at `offset` parses to (as js-yaml names it in the object), or undefined for `<<` and keys it cannot read. */
function keyAt(text: string, offset: number): string | undefined {
  const c = text[offset];
  let source: string;
  if (c === '"' || c === "'") {
    let i = offset + 1;
    while (i < text.length) {
      if (c === '"' && text[i] === "\\") i += 2;
      else if (c === "'" && text[i] === "'" && text[i + 1] === "'") i += 2;
      else if (text[i] === c) break;
      else i++;
    }
    source = text.slice(offset, i + 1);
  } else {
    // a plain key is one line, up to ': ' (or ':' at the end of the line, or before a flow
    // ',' '}'), or the whole line after an explicit `?`; at most MAX_KEY characters are
    // looked at: a long one-line flow mapping must not make this quadratic
    const line = /^[^\r\n]*/.exec(text.slice(offset, offset + MAX_KEY))![0];
    source = (/^.*?(?=[ \t]*:(?:[ \t,}\]]|$))/.exec(line)?.[0] ?? line.replace(/[ \t]+#.*$/, "")).trim();
    if (source === "<<") return undefined;
  }
  try {
    const value: unknown = jsyaml.load(source, { schema: jsyaml.CORE_SCHEMA, json: true });
    return value !== null && typeof value === "object" ? undefined : String(value);
  } catch {
    return undefined;
  }
}
