import type { SourceFile } from "../../source/source-file.js";
import { dirOf, joinRel, type ImageBuild, type SourceContext } from "../build.js";
import { evaluateMakefile } from "../make-eval.js";
import { unresolved } from "../image-ref.js";
import { scriptBuilds } from "../script-builds.js";

export const MAKEFILE = /(^|\/)(Makefile|GNUmakefile|makefile|[\w.-]+\.mk)$/;
export const SHELL_SCRIPT = /\.sh$/;

/**
 * Makefiles (and *.mk): recipe lines as `make` would run them (make-eval.ts: variables
 * through any number of hops, `include`, `define`/`call`/`foreach`/`eval`, conditionals).
 * Recipes run in the Makefile's folder; a `cd` in the recipe moves them.
 */
export function makefileBuilds(file: SourceFile, ctx?: SourceContext): ImageBuild[] {
  const cwd = dirOf(file.path);
  const { recipes } = evaluateMakefile(file.text, file.path, cwd, (rel) => ctx?.file(rel));
  const out: ImageBuild[] = [];
  // one rule's recipe lines read as one script, so a `cp` or `docker tag` on one line
  // applies to the build on the next; each line runs in its own shell, so a `cd` does not carry
  const SEP = "\ncd -\n";
  for (let i = 0; i < recipes.length; ) {
    const from = recipes[i]!.file;
    const target = recipes[i]!.target;
    const parts: Array<{ start: number; offset: number }> = [];
    let script = "";
    let overridable = false;
    for (; i < recipes.length && recipes[i]!.file === from && recipes[i]!.target === target; i++) {
      if (recipes[i]!.overridable) overridable = true;
      if (script !== "") script += SEP;
      parts.push({ start: script.length, offset: recipes[i]!.offset });
      script += recipes[i]!.text;
    }
    // a recipe that came from an included file points there
    const src = from === file.path ? file : (ctx?.file(from) ?? file);
    const posOf = (at: number) => ({ file: src, offset: [...parts].reverse().find((p) => p.start <= at)!.offset + 1 });
    const builds = scriptBuilds(script, () => undefined, { file: src, kind: "makefile", cwd, posOf, where: "" }, ctx);
    // a rule that reads a `?=` variable is run with it set (`make docker-build IMG=…:v1.4`):
    // its default names the image, but the tags it pushes are not only the default's
    if (overridable) for (const b of builds) b.tagsOverridable = true;
    out.push(...builds);
  }
  return out;
}

/**
 * Shell scripts: the file's assignments (`X=v`, `X="${X:-v}"`, `export X=v`,
 * `: "${X:=v}"`) give values, the last one before the end winning; commands run from
 * the script's folder (most scripts `cd` there first).
 */
export function shellScriptBuilds(file: SourceFile, ctx?: SourceContext): ImageBuild[] {
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
  const { cwd, alsoFrom } = workingDirectories(file);
  return scriptBuilds(file.text, lookup, { file, kind: "makefile", cwd, ...(alsoFrom !== undefined ? { alsoFrom } : {}), posOf: (at) => ({ file, offset: at }), where: "" }, ctx);
}

/**
 * Where a script's commands run: `cd "$(dirname "$0")/.."` says; without it the script
 * may be run from its folder or from the repository root (CI does): its folder first,
 * the root only when the Dockerfile is not found from its folder.
 */
function workingDirectories(file: SourceFile): { cwd: string; alsoFrom?: string } {
  const own = dirOf(file.path);
  const cd = /^\s*cd\s+"?\$\(\s*dirname\s+"?(?:\$0|\$\{BASH_SOURCE(?:\[0\])?\})"?\s*\)"?(\/[^"\s;&|]*)?"?/m.exec(file.text);
  if (cd) return { cwd: joinRel(own, cd[1] ? cd[1].slice(1) || "." : ".") ?? own };
  return own === "" ? { cwd: "" } : { cwd: own, alsoFrom: "" };
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
