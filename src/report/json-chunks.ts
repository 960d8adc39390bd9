/**
 * `JSON.stringify(value, null, 2) + "\n"`, as chunks: one per item of each top-level
 * array. A large scan's report is tens of megabytes; writing it piece by piece keeps
 * the whole text out of memory. The text is identical to the one-string form.
 */
export function* prettyJsonChunks(value: Record<string, unknown>): Generator<string> {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== "function");
  yield "{";
  for (let i = 0; i < entries.length; i++) {
    const [key, v] = entries[i]!;
    const sep = i < entries.length - 1 ? "," : "";
    const head = `\n  ${JSON.stringify(key)}: `;
    if (Array.isArray(v) && v.length > 0) {
      yield `${head}[`;
      for (let j = 0; j < v.length; j++) {
        // nested lines of JSON.stringify(…, 2) are indented relative to the item; strings never hold a raw newline
        yield `\n    ${(JSON.stringify(v[j], null, 2) ?? "null").replace(/\n/g, "\n    ")}${j < v.length - 1 ? "," : ""}`;
      }
      yield `\n  ]${sep}`;
    } else {
      yield `${head}${JSON.stringify(v, null, 2).replace(/\n/g, "\n  ")}${sep}`;
    }
  }
  yield entries.length ? "\n}\n" : "}\n";
}
