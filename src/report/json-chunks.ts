import { jsonItemChunks, type ReportChunk, type ReportList } from "./report-list.js";

function isReportList(v: unknown): v is ReportList<unknown> {
  return typeof v === "object" && v !== null && typeof (v as ReportList<unknown>).jsonItems === "function";
}

/**
 * `JSON.stringify(value, null, 2) + "\n"`, as chunks of a few dozen items of each
 * top-level array. A large scan's report is tens of megabytes; writing it piece by piece
 * keeps the whole text out of memory. A top-level ReportList is printed as the array of
 * its items, read from wherever the scan keeps them. The text is identical to the
 * one-string form.
 */
export function* prettyJsonChunks(value: Record<string, unknown>): Generator<ReportChunk> {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== "function");
  yield "{";
  for (let i = 0; i < entries.length; i++) {
    const [key, v] = entries[i]!;
    const sep = i < entries.length - 1 ? "," : "";
    const head = `\n  ${JSON.stringify(key)}: `;
    const items = isReportList(v) ? (v.count > 0 ? v.jsonItems() : undefined) : Array.isArray(v) && v.length > 0 ? jsonItemChunks(v) : undefined;
    if (items) {
      yield `${head}[`;
      yield* items;
      yield `\n  ]${sep}`;
    } else {
      yield `${head}${JSON.stringify(isReportList(v) ? [] : v, null, 2).replace(/\n/g, "\n  ")}${sep}`;
    }
  }
  yield entries.length ? "\n}\n" : "}\n";
}
