import type { SourceFile } from "../../source/source-file.js";
import { dirOf, dockerfileIn, joinRel, type ImageBuild } from "../build.js";
import { displayTemplate, unresolved } from "../image-ref.js";

export const BAKE_FILE = /(^|\/)docker-bake(\.[\w-]+)?\.(hcl|json)$/;

interface BakeTarget {
  name: string;
  offset: number;
  attrs: Map<string, string | string[]>;
}

/**
 * `docker buildx bake` files (HCL or JSON): each target's `context`, `dockerfile`,
 * `target` and `tags`, with `variable` defaults interpolated (`${TAG}`) and `inherits`
 * followed. Paths are relative to the bake file's folder; `dockerfile` is relative to
 * the context, as bake reads it.
 */
export function bakeBuilds(file: SourceFile): ImageBuild[] {
  const { targets, variables } = file.path.endsWith(".json") ? readJson(file.text) : readHcl(file.text);
  const base = dirOf(file.path);
  const byName = new Map(targets.map((t) => [t.name, t]));
  const attr = (t: BakeTarget, key: string, seen = new Set<string>()): string | string[] | undefined => {
    if (t.attrs.has(key)) return t.attrs.get(key);
    seen.add(t.name);
    const inherits = t.attrs.get("inherits");
    for (const parent of Array.isArray(inherits) ? inherits : inherits ? [inherits] : []) {
      const p = byName.get(parent);
      if (p && !seen.has(parent)) {
        const v = attr(p, key, seen);
        if (v !== undefined) return v;
      }
    }
    return undefined;
  };
  const interp = (v: string) => v.replace(/\$\{([A-Za-z_]\w*)\}/g, (_m, n: string) => variables.get(n) ?? unresolved(n));
  const out: ImageBuild[] = [];
  for (const t of targets) {
    const tags = attr(t, "tags");
    const list = (Array.isArray(tags) ? tags : tags ? [tags] : []).map(interp);
    if (list.length === 0) continue;
    const contextText = interp(String(attr(t, "context") ?? "."));
    const context = joinRel(base, contextText);
    if (context === undefined) continue;
    const dockerfileText = attr(t, "dockerfile");
    const dockerfile = dockerfileIn(context, typeof dockerfileText === "string" ? interp(dockerfileText) : undefined);
    if (dockerfile === undefined) continue;
    const target = attr(t, "target");
    out.push({
      kind: "bake",
      at: { file, offset: t.offset },
      detail: `target ${t.name}: context ${context || "."}${typeof dockerfileText === "string" ? `, dockerfile ${dockerfileText}` : ""}, tags ${list.map(displayTemplate).join(", ")}`,
      dockerfile,
      context,
      ...(typeof target === "string" ? { target: interp(target) } : {}),
      images: list,
      tagsKnown: true,
    });
  }
  return out;
}

function readHcl(text: string): { targets: BakeTarget[]; variables: Map<string, string> } {
  const clean = text.replace(/(^|[^:"])(#|\/\/).*$/gm, "$1");
  const variables = new Map<string, string>();
  for (const m of clean.matchAll(/variable\s+"([\w-]+)"\s*\{([^}]*)\}/g)) {
    const d = /default\s*=\s*"([^"]*)"/.exec(m[2]!);
    if (d) variables.set(m[1]!, d[1]!);
  }
  const targets: BakeTarget[] = [];
  for (const m of clean.matchAll(/target\s+"([\w.-]+)"\s*\{/g)) {
    const start = m.index! + m[0].length;
    let depth = 1;
    let i = start;
    for (; i < clean.length && depth > 0; i++) {
      if (clean[i] === "{") depth++;
      else if (clean[i] === "}") depth--;
      else if (clean[i] === '"') i = clean.indexOf('"', i + 1);
      if (i === -1) break;
    }
    if (i === -1) break;
    const body = clean.slice(start, i - 1);
    const attrs = new Map<string, string | string[]>();
    for (const a of body.matchAll(/^\s*([\w-]+)\s*=\s*("(?:[^"\\]|\\.)*"|\[[^\]]*\])/gm)) {
      const v = a[2]!;
      attrs.set(a[1]!, v.startsWith("[") ? [...v.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1]!) : v.slice(1, -1));
    }
    targets.push({ name: m[1]!, offset: m.index!, attrs });
  }
  return { targets, variables };
}

function readJson(text: string): { targets: BakeTarget[]; variables: Map<string, string> } {
  const doc = JSON.parse(text) as { target?: Record<string, Record<string, unknown>>; variable?: Record<string, { default?: unknown }> };
  const variables = new Map<string, string>();
  for (const [k, v] of Object.entries(doc.variable ?? {})) if (typeof v?.default === "string") variables.set(k, v.default);
  const targets: BakeTarget[] = [];
  for (const [name, t] of Object.entries(doc.target ?? {})) {
    const attrs = new Map<string, string | string[]>();
    for (const [k, v] of Object.entries(t ?? {})) {
      if (typeof v === "string") attrs.set(k, v);
      else if (Array.isArray(v)) attrs.set(k, v.filter((x): x is string => typeof x === "string"));
    }
    const at = text.indexOf(`"${name}"`);
    targets.push({ name, offset: at === -1 ? 0 : at, attrs });
  }
  return { targets, variables };
}
