/**
 * Items of a top-level array rendered per chunk: native JSON.stringify does the indenting.
 * A chunk stays under V8's large-object size (~128 KB): large strings get pages of their
 * own, fresh from the OS each time (bench/scan: 512 items per chunk took ~300 ms and
 * ~19,000 page faults, 64 items ~180 ms and ~800).
 */
const ITEMS_PER_CHUNK = 64;

/**
 * `JSON.stringify(value, null, 2) + "\n"`, as chunks of a few dozen items of each
 * top-level array. A large scan's report is tens of megabytes; writing it piece by piece
 * keeps the whole text out of memory. The text is identical to the one-string form.
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
      for (let j = 0; j < v.length; j += ITEMS_PER_CHUNK) {
        // inside {"k": [...]} at depth 2, items come out indented exactly as in the whole document
        const text = JSON.stringify({ k: v.slice(j, j + ITEMS_PER_CHUNK) }, null, 2);
        const items = text.slice(text.indexOf("[") + 1, text.lastIndexOf("]") - 3);
        yield j + ITEMS_PER_CHUNK < v.length ? `${items},` : items;
      }
      yield `\n  ]${sep}`;
    } else {
      yield `${head}${JSON.stringify(v, null, 2).replace(/\n/g, "\n  ")}${sep}`;
    }
  }
  yield entries.length ? "\n}\n" : "}\n";
}
