/**
 * A long list of a report (findings, workloads, unpaired containers), read once, in order.
 * A large scan keeps these on disk rather than in memory (src/scan/report-spill.ts), so a
 * reporter never holds a whole list: it iterates `items()` (objects) or, for the JSON
 * report, copies `jsonItems()` (the items already rendered as that report prints them).
 */
export interface ReportList<T> {
  readonly count: number;
  /** the items, in report order; each call reads them anew */
  items(): Iterable<T>;
  /**
   * The items as `JSON.stringify(report, null, 2)` prints them inside a top-level array:
   * each item is `\n    {…}` (indented for depth 2), items are joined by `,`; the pieces
   * (text, or UTF-8 bytes copied from where the scan kept them) concatenate to that text.
   */
  jsonItems(): Iterable<ReportChunk>;
}

/** A piece of a report's text: a string, or its UTF-8 bytes. */
export type ReportChunk = string | Uint8Array;

/** A list held in memory (small scans, and every scan of pairs/propose). */
export function listOf<T>(array: readonly T[]): ReportList<T> {
  return {
    count: array.length,
    items: () => array,
    jsonItems: () => jsonItemChunks(array),
  };
}

/**
 * Items rendered per chunk: native JSON.stringify does the indenting. A chunk stays under
 * V8's large-object size (~128 KB): large strings get pages of their own, fresh from the
 * OS each time (bench/scan: 512 items per chunk took ~300 ms and ~19,000 page faults, 64
 * items ~180 ms and ~800).
 */
const ITEMS_PER_CHUNK = 64;

/** `items` as ReportList.jsonItems renders them, a few dozen per piece. */
export function* jsonItemChunks(items: readonly unknown[]): Generator<string> {
  for (let j = 0; j < items.length; j += ITEMS_PER_CHUNK) {
    const text = prettyItems(items.slice(j, j + ITEMS_PER_CHUNK));
    yield j + ITEMS_PER_CHUNK < items.length ? `${text},` : text;
  }
}

/** jsonItemChunks for items read one by one (a filtered list): a few dozen rendered at a time. */
export function* jsonItemsOf(items: Iterable<unknown>): Generator<string> {
  let batch: unknown[] = [];
  let first = true;
  const render = () => {
    const text = (first ? "" : ",") + prettyItems(batch);
    first = false;
    batch = [];
    return text;
  };
  for (const item of items) {
    batch.push(item);
    if (batch.length === ITEMS_PER_CHUNK) yield render();
  }
  if (batch.length) yield render();
}

/** Items of an array at depth 2 of a pretty-printed document, joined by `,` (no brackets). */
export function prettyItems(items: readonly unknown[]): string {
  return prettyItemsAt(items, 2);
}

/**
 * Items of an array at `depth` of a document printed by `JSON.stringify(doc, null, 2)`,
 * joined by `,`, without the brackets: native JSON.stringify indents them, inside as many
 * arrays as it takes to reach that depth.
 */
export function prettyItemsAt(items: readonly unknown[], depth: number): string {
  if (items.length === 0) return "";
  let nested: unknown = items;
  for (let i = 1; i < depth; i++) nested = [nested];
  const text = JSON.stringify(nested, null, 2);
  const open = Array.from({ length: depth }, (_, i) => (i ? `\n${" ".repeat(2 * i)}` : "") + "[").join("");
  const close = Array.from({ length: depth }, (_, i) => `\n${" ".repeat(2 * (depth - 1 - i))}]`).join("");
  return text.slice(open.length, text.length - close.length);
}

/** Back from prettyItems' text (or several joined by `,`) to the items. */
export function parseItems<T>(text: string): T[] {
  return text ? (JSON.parse(`[${text}]`) as T[]) : [];
}

/** The text of a report's pieces (tests, and reports small enough to hold). */
export function joinChunks(chunks: Iterable<ReportChunk>): string {
  const decoder = new TextDecoder();
  let text = "";
  for (const c of chunks) text += typeof c === "string" ? c : decoder.decode(c, { stream: true });
  return text + decoder.decode();
}
