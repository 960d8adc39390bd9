import { isAlias, isMap, isScalar, isSeq, type Node, parseAllDocuments, stringify, type YAMLMap, type YAMLSeq } from "yaml";
import { type Change, isKeyed, type ObjectPath, formatPath } from "./changes.js";
import type { Obj } from "../manifest/yaml-value.js";

/** The changes for one object of a file: its document, and its path inside it (a List item). */
export interface ObjectEdits {
  docIndex: number;
  prefix: ObjectPath;
  changes: Change[];
}

export interface EditResult {
  text: string;
  /** changes that could not be made (an alias on the way, a container that moved …) */
  problems: string[];
}

/**
 * Apply changes to YAML (or JSON) text by splicing only the ranges they touch, so every
 * other byte — comments, quoting, flow or block style, indentation, other documents —
 * stays as it was. `String(doc)` would re-format the whole document; this does not.
 * Each change re-parses the text it edits: files are small and a fresh parse keeps every
 * range right after the previous splice.
 */
export function editYamlText(original: string, edits: ObjectEdits[], json = false): EditResult {
  let text = original;
  const problems: string[] = [];
  for (const e of edits) {
    for (const change of e.changes) {
      const path = [...e.prefix, ...change.path];
      try {
        const next = applyOne(text, e.docIndex, path, change, json);
        if ("problem" in next) problems.push(`${formatPath(change.path)}: ${next.problem}`);
        else text = change.comment && !json ? commentLine(next.text, writtenAt(next.text, e.docIndex, path, change) ?? next.at, change.comment) : next.text;
      } catch (err) {
        problems.push(`${formatPath(change.path)}: ${(err as Error).message}`);
      }
    }
  }
  return { text, problems };
}

type Found =
  | { kind: "found"; node: Node }
  /** path[at] is there with a null value (`~`, `null`) or none at all (`key:`): [start, end) is what to replace */
  | { kind: "null"; map: YAMLMap; at: number; start: number; end: number }
  | { kind: "missing"; parent: YAMLMap; at: number };

/**
 * A repeated key elsewhere in a document (kubectl reads such files, the last one winning)
 * must not stop an edit; one on the edited path does (find refuses it).
 */
const PARSE = { uniqueKeys: false } as const;

/** The new text, and where what was written starts (for a comment on its line). */
type Spliced = { text: string; at: number };

/** Put `# comment` at the end of the line holding `offset`, unless that line has a comment already. */
function commentLine(text: string, offset: number, comment: string): string {
  let end = text.indexOf("\n", offset);
  if (end === -1) end = text.length;
  if (text[end - 1] === "\r") end--;
  if (text.slice(text.lastIndexOf("\n", offset - 1) + 1, end).includes("#")) return text;
  return text.slice(0, end) + `  # ${comment}` + text.slice(end);
}

/**
 * Where the change's own line is once written: the key of the value it set, or the item it
 * appended (not a parent it had to create), so its comment lands on it.
 */
function writtenAt(text: string, docIndex: number, path: ObjectPath, change: Change): number | undefined {
  const root = parseAllDocuments(text, PARSE)[docIndex]?.contents as Node | null | undefined;
  if (!root) return undefined;
  if (change.op === "append") {
    const found = find(text, root, path);
    if (!("kind" in found) || found.kind !== "found" || !isSeq(found.node) || !found.node.items.length) return undefined;
    return (found.node.items[found.node.items.length - 1] as Node).range?.[0];
  }
  const last = path[path.length - 1]!;
  if (isKeyed(last)) return undefined;
  const parent = path.length > 1 ? find(text, root, path.slice(0, -1)) : ({ kind: "found", node: root } as const);
  if (!("kind" in parent) || parent.kind !== "found" || !isMap(parent.node)) return undefined;
  const pair = parent.node.items.find((p) => isScalar(p.key) && String(p.key.value) === last);
  return (pair?.key as Node | undefined)?.range?.[0];
}

function applyOne(text: string, docIndex: number, path: ObjectPath, change: Change, json: boolean): Spliced | { problem: string } {
  const docs = parseAllDocuments(text, PARSE);
  if (!Array.isArray(docs)) return { problem: "the file holds no documents" };
  const doc = docs[docIndex];
  if (!doc || doc.errors.length) return { problem: `document ${docIndex + 1} does not parse` };
  const root = doc.contents as Node | null;
  if (!root) return { problem: `document ${docIndex + 1} is empty` };
  const style = detectStyle(text, root);
  const found = find(text, root, path);
  if ("problem" in found) return found;
  const eol = text.includes("\r\n") ? "\r\n" : "\n";

  if (found.kind === "found") {
    const node = found.node;
    if (change.op === "append") {
      if (!isSeq(node)) return { problem: "not a list" };
      return appendToSeq(text, node, change.value, style, json, eol);
    }
    return replaceNode(text, node, change.value, style, json, eol);
  }
  // build the missing part as one nested value (a null value counts as missing: Kubernetes reads `~` as absent)
  let value: unknown = change.op === "append" ? [change.value] : change.value;
  for (let k = path.length - 1; k > found.at; k--) {
    const seg = path[k]!;
    if (isKeyed(seg)) return { problem: "a list item is missing" };
    value = { [seg]: value };
  }
  if (found.kind === "null") return fillNull(text, found, value, style, json, eol);
  const key = path[found.at] as string;
  return insertPair(text, found.parent, key, value, style, json, eol);
}

function find(text: string, root: Node, path: ObjectPath): Found | { problem: string } {
  let node: Node = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (isAlias(node)) return { problem: "an alias (*ref) is on the way: edit its anchor by hand" };
    if (isKeyed(seg)) {
      if (!isSeq(node)) return { problem: `expected a list at ${formatPath(path.slice(0, i))}` };
      const item = node.items[seg.index] as Node | undefined;
      if (!item) return { problem: `no item ${seg.index} in ${formatPath(path.slice(0, i))}` };
      if (seg.key) {
        if (!isMap(item) || String((item.get(seg.key, true) as { value?: unknown } | undefined)?.value) !== seg.value)
          return { problem: `item ${seg.index} is not ${seg.key}=${seg.value}: the file changed` };
      }
      node = item;
      continue;
    }
    if (!isMap(node)) return { problem: `expected a mapping at ${formatPath(path.slice(0, i)) || "the document root"}` };
    const same = node.items.filter((p) => isScalar(p.key) && String(p.key.value) === seg);
    if (same.length > 1) return { problem: `${formatPath(path.slice(0, i + 1))} is written ${same.length} times (the last one counts): remove the duplicates and run again` };
    const pair = same[0];
    if (!pair) return { kind: "missing", parent: node, at: i };
    const value = pair.value as Node | null;
    if (value !== null && isScalar(value) && value.value === null) return { kind: "null", map: node, at: i, start: value.range![0], end: value.range![1] };
    if (value === null) {
      // `key:` with nothing after it: the value goes right after the colon
      const keyEnd = (pair.key as Node).range![1];
      const colon = text.indexOf(":", keyEnd);
      if (colon === -1) return { problem: `${seg} has no value: give it one ({} or []) and run again` };
      return { kind: "null", map: node, at: i, start: colon + 1, end: colon + 1 };
    }
    node = value;
  }
  return { kind: "found", node };
}

interface Style {
  /** spaces per nesting level in block mappings */
  step: number;
  /** extra indentation of a block list under its key (0: `key:\n- a`, else `key:\n  - a`) */
  seqIndent: number;
}

function detectStyle(text: string, root: Node): Style {
  let step: number | undefined;
  let seqIndent: number | undefined;
  const visit = (node: unknown, depth: number) => {
    if (depth > 12 || (step !== undefined && seqIndent !== undefined)) return;
    if (isMap(node) && !node.flow) {
      const col = columnOf(text, node.range![0]);
      for (const p of node.items) {
        const v = p.value as Node | null;
        if (isMap(v) && !v.flow && step === undefined) {
          const d = columnOf(text, v.range![0]) - col;
          if (d > 0) step = d;
        }
        if (isSeq(v) && !v.flow && seqIndent === undefined && onOwnLine(text, v.range![0])) seqIndent = columnOf(text, v.range![0]) - col;
        visit(v, depth + 1);
      }
    } else if (isSeq(node) && !node.flow) {
      for (const item of node.items) visit(item, depth + 1);
    }
  };
  visit(root, 0);
  return { step: step ?? 2, seqIndent: seqIndent ?? step ?? 2 };
}

// ── splicing ──

function replaceNode(text: string, node: Node, value: unknown, style: Style, json: boolean, eol: string): Spliced {
  const [start] = node.range!;
  const end = contentEnd(text, node);
  const blockCollection = (isMap(node) || isSeq(node)) && !(node as YAMLMap).flow;
  if (blockCollection && isCollection(value) && !isEmpty(value) && onOwnLine(text, start) && !json) {
    const col = columnOf(text, start);
    const lines = Array.isArray(value) ? renderSeqItems(value, col, style) : Object.entries(value as object).flatMap(([k, v]) => renderPair(k, v, col, style));
    return { text: text.slice(0, start - col) + lines.join(eol) + text.slice(end), at: start - col };
  }
  const space = start === end && text[start - 1] === ":" ? " " : "";
  return { text: text.slice(0, start) + space + renderFlow(value, json) + text.slice(end), at: start };
}

/**
 * A key whose value is null (`~`, `null`) or missing (`key:`) gets the value: a block
 * mapping or list on the lines below the key (a comment after the null stays on the key's
 * line), or flow text in place.
 */
function fillNull(text: string, found: Extract<Found, { kind: "null" }>, value: unknown, style: Style, json: boolean, eol: string): Spliced {
  const { map, start, end } = found;
  if (!json && !map.flow && isCollection(value) && !isEmpty(value)) {
    const col = columnOf(text, map.range![0]);
    const lines = Array.isArray(value) ? renderSeqItems(value, col + style.seqIndent, style) : Object.entries(value).flatMap(([k, v]) => renderPair(k, v, col + style.step, style));
    let cut = start;
    while (cut > 0 && (text[cut - 1] === " " || text[cut - 1] === "\t")) cut--;
    let lineEnd = text.indexOf("\n", end);
    if (lineEnd === -1) lineEnd = text.length;
    if (text[lineEnd - 1] === "\r") lineEnd--;
    const rest = text.slice(end, lineEnd).trim(); // a comment after the null, or nothing
    const head = text.slice(0, cut) + (rest ? ` ${rest}` : "");
    return { text: head + eol + lines.join(eol) + text.slice(lineEnd), at: head.length + eol.length };
  }
  const space = start === end && text[start - 1] === ":" ? " " : "";
  return { text: text.slice(0, start) + space + renderFlow(value, json) + text.slice(end), at: start };
}

function insertPair(text: string, map: YAMLMap, key: string, value: unknown, style: Style, json: boolean, eol: string): Spliced {
  if (map.flow || json) {
    const pair = `${renderKey(key, json)}: ${renderFlow(value, json)}`;
    if (map.items.length === 0) {
      const [start, end] = map.range!;
      return { text: text.slice(0, start) + (json ? `{${pair}}` : `{ ${pair} }`) + text.slice(end), at: start };
    }
    const at = contentEnd(text, map.items[map.items.length - 1]!.value as Node | null, map.items[map.items.length - 1]!.key as Node);
    return { text: text.slice(0, at) + `, ${pair}` + text.slice(at), at };
  }
  const col = columnOf(text, map.range![0]);
  return insertLines(text, contentEnd(text, map), renderPair(key, value, col, style), eol);
}

function appendToSeq(text: string, seq: YAMLSeq, item: unknown, style: Style, json: boolean, eol: string): Spliced {
  if (seq.flow || json) {
    const rendered = renderFlow(item, json);
    if (seq.items.length === 0) {
      const [start, end] = seq.range!;
      return { text: text.slice(0, start) + `[${rendered}]` + text.slice(end), at: start };
    }
    const at = contentEnd(text, seq.items[seq.items.length - 1] as Node);
    return { text: text.slice(0, at) + `, ${rendered}` + text.slice(at), at };
  }
  const col = columnOf(text, seq.range![0]);
  return insertLines(text, contentEnd(text, seq), renderSeqItems([item], col, style), eol);
}

/** Insert whole lines after the line holding `offset`. */
function insertLines(text: string, offset: number, lines: string[], eol: string): Spliced {
  // a range that ends after a newline (a block scalar's): the lines go right there, not after the next line
  if (offset > 0 && text[offset - 1] === "\n") return { text: text.slice(0, offset) + lines.map((l) => l + eol).join("") + text.slice(offset), at: offset };
  const nl = text.indexOf("\n", offset);
  if (nl === -1) return { text: text + eol + lines.join(eol), at: text.length + eol.length };
  return { text: text.slice(0, nl + 1) + lines.map((l) => l + eol).join("") + text.slice(nl + 1), at: nl + 1 };
}

/**
 * Where the last content of a node ends (not its trailing comments). A block scalar's range
 * runs past its final line break (into the next document's `---` line when it ends one):
 * the end is the last character that is not a line break or space.
 */
function contentEnd(text: string, node: Node | null, fallback?: Node): number {
  if (node === null) return fallback!.range![1];
  if ((isMap(node) || isSeq(node)) && !(node as YAMLMap).flow && (node as YAMLMap).items.length) {
    const items = (node as YAMLMap | YAMLSeq).items;
    const last = items[items.length - 1]!;
    if (isMap(node)) {
      const pair = last as YAMLMap["items"][number];
      return contentEnd(text, pair.value as Node | null, pair.key as Node);
    }
    return contentEnd(text, last as Node);
  }
  let end = node.range![1];
  if (isScalar(node)) while (end > node.range![0] && /\s/.test(text[end - 1]!)) end--;
  return end;
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf("\n", offset - 1) + 1);
}

function onOwnLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(text.lastIndexOf("\n", offset - 1) + 1, offset));
}

// ── rendering ──

const isCollection = (v: unknown): v is Obj | unknown[] => v !== null && typeof v === "object";
const isEmpty = (v: unknown) => (Array.isArray(v) ? v.length === 0 : isCollection(v) && Object.keys(v).length === 0);

function renderScalar(v: unknown): string {
  return stringify(v, { lineWidth: 0 }).trimEnd();
}

function renderKey(key: string, json: boolean): string {
  return json ? JSON.stringify(key) : renderScalar(key);
}

/** One-line flow style; in a JSON file, JSON with the spacing JSON files usually have. */
function renderFlow(v: unknown, json: boolean): string {
  if (Array.isArray(v)) return `[${v.map((x) => renderFlow(x, json)).join(", ")}]`;
  if (isCollection(v)) {
    const entries = Object.entries(v);
    if (!entries.length) return "{}";
    const inner = entries.map(([k, x]) => `${renderKey(k, json)}: ${renderFlow(x, json)}`).join(", ");
    return json ? `{${inner}}` : `{ ${inner} }`;
  }
  return json ? JSON.stringify(v) : renderScalar(v);
}

/** `key: value` as block lines at a column. */
function renderPair(key: string, value: unknown, col: number, style: Style): string[] {
  const head = " ".repeat(col) + renderScalar(key) + ":";
  if (!isCollection(value) || isEmpty(value)) return [`${head} ${renderFlow(value, false)}`];
  if (Array.isArray(value)) return [head, ...renderSeqItems(value, col + style.seqIndent, style)];
  return [head, ...Object.entries(value).flatMap(([k, v]) => renderPair(k, v, col + style.step, style))];
}

/** `- item` block lines at a column; a mapping item continues two columns in. */
function renderSeqItems(items: unknown[], col: number, style: Style): string[] {
  const pad = " ".repeat(col);
  return items.flatMap((item) => {
    if (!isCollection(item) || isEmpty(item)) return [`${pad}- ${renderFlow(item, false)}`];
    if (Array.isArray(item)) return [`${pad}-`, ...renderSeqItems(item, col + 2, style)];
    const lines = Object.entries(item).flatMap(([k, v]) => renderPair(k, v, col + 2, style));
    lines[0] = `${pad}- ${lines[0]!.slice(col + 2)}`;
    return lines;
  });
}
