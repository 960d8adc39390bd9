import type { SourceFile } from "../../source/source-file.js";
import { dirOf, joinRel, type ImageBuild } from "../build.js";
import { unresolved } from "../image-ref.js";
import { scriptBuilds } from "../script-builds.js";

export const MAKEFILE = /(^|\/)(Makefile|GNUmakefile|makefile|[\w.-]+\.mk)$/;
export const SHELL_SCRIPT = /\.sh$/;

/**
 * Makefiles (and *.mk): recipe lines, with the file's variables resolved (`X ?= v`,
 * `X := v`, `X = v`, `export`/`override` too; the last assignment wins, as make reads
 * the whole file first). `$(shell …)`, functions and automatic variables are unknown.
 * Recipes run in the Makefile's folder.
 */
export function makefileBuilds(file: SourceFile): ImageBuild[] {
  const lines = logicalLines(file.text);
  const vars = new Map<string, string>();
  for (const { text } of lines) {
    if (text.startsWith("\t")) continue;
    const m = /^\s*(?:(?:export|override)\s+)*([A-Za-z_][\w.-]*)\s*(\?=|:::?=|\+=|!=|=)\s*(.*)$/.exec(text);
    if (!m) continue;
    const [, name, op, value] = m;
    if (op === "?=" && vars.has(name!)) continue;
    if (op === "!=") vars.set(name!, unresolved(name!));
    else if (op === "+=") vars.set(name!, `${vars.get(name!) ?? ""} ${value!.trim()}`.trim());
    else vars.set(name!, value!.trim());
  }
  const expand = (text: string, depth = 0): string =>
    text.replace(/\$\$|\$\(([^()]*(?:\([^()]*\)[^()]*)*)\)|\$\{([^{}]*)\}|\$([@<*^?%+|])/g, (m, paren?: string, brace?: string, auto?: string) => {
      if (m === "$$") return "$";
      if (auto) return unresolved(auto === "*" ? "stem" : auto === "@" ? "target" : "auto");
      const inner = (paren ?? brace ?? "").trim();
      if (/^[A-Za-z_][\w.-]*$/.test(inner)) {
        const v = vars.get(inner);
        if (v !== undefined && depth < 8) return expand(v, depth + 1);
        return unresolved(inner);
      }
      return unresolved(inner.split(/\s+/)[0] ?? "fn");
    });
  const out: ImageBuild[] = [];
  const cwd = dirOf(file.path);
  for (const { text, offset } of lines) {
    if (!text.startsWith("\t")) continue;
    const recipe = expand(text.slice(1).replace(/^[@+-]+/, ""));
    out.push(...scriptBuilds(recipe, () => undefined, { file, kind: "makefile", cwd, posOf: () => ({ file, offset: offset + 1 }), where: "" }));
  }
  return out;
}

/**
 * Shell scripts: the file's assignments (`X=v`, `X="${X:-v}"`, `export X=v`,
 * `: "${X:=v}"`) give values, the last one before the end winning; commands run from
 * the script's folder (most scripts `cd` there first).
 */
export function shellScriptBuilds(file: SourceFile): ImageBuild[] {
  if (!/build|bud|executor/.test(file.text)) return [];
  const vars = new Map<string, string>();
  const lookup = (n: string) => vars.get(n);
  for (const line of file.text.split(/\r?\n/)) {
    const assign = /^\s*(?:export\s+|readonly\s+|local\s+|declare\s+(?:-\w+\s+)?)?([A-Za-z_]\w*)=("[^"]*"|'[^']*'|[^\s;#]*)/.exec(line);
    if (assign) {
      const raw = assign[2]!;
      vars.set(assign[1]!, /^"?(\$\(|`)/.test(raw) ? unresolved(assign[1]!) : shellValue(raw, lookup));
      continue;
    }
    const dflt = /^\s*:\s+"?\$\{([A-Za-z_]\w*):?=([^}]*)\}"?/.exec(line);
    if (dflt && !vars.has(dflt[1]!)) vars.set(dflt[1]!, shellValue(dflt[2]!, lookup));
  }
  return workingDirectories(file).flatMap((cwd) =>
    scriptBuilds(file.text, lookup, { file, kind: "makefile", cwd, posOf: (at) => ({ file, offset: at }), where: "" }),
  );
}

/**
 * Where a script's commands run: `cd "$(dirname "$0")/.."` says; without it the script
 * may be run from its folder or from the repository root (CI does), so both are tried
 * and only Dockerfiles that exist pair.
 */
function workingDirectories(file: SourceFile): string[] {
  const own = dirOf(file.path);
  const cd = /^\s*cd\s+"?\$\(\s*dirname\s+"?(?:\$0|\$\{BASH_SOURCE(?:\[0\])?\})"?\s*\)"?(\/[^"\s;&|]*)?"?/m.exec(file.text);
  if (cd) return [joinRel(own, cd[1] ? cd[1].slice(1) || "." : ".") ?? own];
  return own === "" ? [""] : [own, ""];
}

function shellValue(raw: string, lookup: (n: string) => string | undefined): string {
  const quoted = raw.startsWith("'") ? raw.slice(1, -1) : undefined;
  if (quoted !== undefined) return quoted;
  const text = raw.startsWith('"') ? raw.slice(1, -1) : raw;
  return text.replace(/\$\{([A-Za-z_]\w*)(:?[-=])([^}]*)\}|\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (_m, a?: string, _op?: string, d?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c)!;
    const v = lookup(name);
    if (v !== undefined && v !== "") return v;
    if (a !== undefined) return d ?? "";
    return unresolved(name);
  });
}

/** Lines with backslash continuations joined, each with the offset where it starts. */
function logicalLines(text: string): Array<{ text: string; offset: number }> {
  const out: Array<{ text: string; offset: number }> = [];
  const raw = text.split("\n");
  let offset = 0;
  for (let i = 0; i < raw.length; i++) {
    const start = offset;
    let line = raw[i]!.replace(/\r$/, "");
    offset += raw[i]!.length + 1;
    while (line.endsWith("\\") && i + 1 < raw.length) {
      i++;
      line = line.slice(0, -1) + " " + raw[i]!.replace(/\r$/, "").replace(/^\t/, "");
      offset += raw[i]!.length + 1;
    }
    if (!line.trimStart().startsWith("#")) out.push({ text: line, offset: start });
  }
  return out;
}
