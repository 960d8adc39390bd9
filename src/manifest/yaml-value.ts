/** A YAML or JSON mapping as parsed: keys to anything. */
export type Obj = Record<string, unknown>;

/** A mapping, not a list, scalar or null: the first question about any parsed value. */
export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
