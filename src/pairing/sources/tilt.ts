import type { SourceFile } from "../../source/source-file.js";
import { dirOf, dockerfileIn, joinRel, type ImageBuild } from "../build.js";
import { displayTemplate, hasUnresolved, unresolved } from "../image-ref.js";

export const TILTFILE = /(^|\/)Tiltfile$/;

/**
 * Tiltfile `docker_build(ref, context, dockerfile=…, target=…)` (and
 * `docker_build_with_restart`). Arguments are string literals, names assigned a string
 * at the top level, `+` of those, f-strings and `os.path.join`; anything else (a loop
 * variable …) is unknown. Paths are relative to the Tiltfile. Tilt tags the image
 * itself and rewrites the manifests, so tags are not known.
 */
export function tiltBuilds(file: SourceFile): ImageBuild[] {
  const text = file.text;
  const vars = new Map<string, string>();
  for (const m of text.matchAll(/^([A-Za-z_]\w*)\s*=\s*(.+)$/gm)) vars.set(m[1]!, evaluate(m[2]!.trim(), vars));
  const base = dirOf(file.path);
  const deploys = deployedManifests(text, vars, base);
  const out: ImageBuild[] = [];
  for (const m of text.matchAll(/\b(docker_build(?:_with_restart)?)\s*\(/g)) {
    const open = m.index! + m[0].length;
    const argsText = untilClose(text, open);
    if (argsText === undefined) continue;
    const positional: string[] = [];
    const named = new Map<string, string>();
    for (const arg of splitTopLevel(argsText)) {
      const kw = /^([A-Za-z_]\w*)\s*=(?!=)\s*([\s\S]*)$/.exec(arg);
      if (kw) named.set(kw[1]!, kw[2]!);
      else positional.push(arg);
    }
    const refText = named.get("ref") ?? named.get("image") ?? positional[0];
    const contextExpr = named.get("context") ?? positional[1];
    if (refText === undefined || contextExpr === undefined) continue;
    const ref = evaluate(refText, vars);
    const contextText = evaluate(contextExpr, vars);
    const context = joinRel(base, contextText);
    if (context === undefined) continue;
    const dockerfileExpr = named.get("dockerfile");
    const dockerfile = dockerfileExpr !== undefined ? joinRel(base, evaluate(dockerfileExpr, vars)) : dockerfileIn(context, undefined);
    if (dockerfile === undefined) continue;
    const targetExpr = named.get("target");
    const target = targetExpr !== undefined ? evaluate(targetExpr, vars) : undefined;
    out.push({
      kind: "tilt",
      at: { file, offset: m.index! },
      detail: `${m[1]}('${displayTemplate(ref)}', '${displayTemplate(contextText)}'${dockerfileExpr ? `, dockerfile='${displayTemplate(evaluate(dockerfileExpr, vars))}'` : ""}${target ? `, target='${target}'` : ""})`,
      dockerfile,
      context,
      ...(target ? { target } : {}),
      images: [ref],
      tagsKnown: false,
      ...(deploys ? { deploys } : {}),
    });
  }
  return out;
}

/**
 * What the Tiltfile's `k8s_yaml(…)` calls load: files, `kustomize('dir')` and
 * `helm('chart')` folders. Tilt rewrites the images of those manifests only; undefined
 * when any argument cannot be known (a variable list, `local(…)` output), so nothing is
 * ruled out on a guess.
 */
function deployedManifests(text: string, vars: Map<string, string>, base: string): string[] | undefined {
  const out: string[] = [];
  let calls = 0;
  for (const m of text.matchAll(/^\s*k8s_yaml\s*\(/gm)) {
    calls++;
    const argsText = untilClose(text, m.index! + m[0].length);
    if (argsText === undefined) return undefined;
    const first = splitTopLevel(argsText).find((a) => !/^[A-Za-z_]\w*\s*=(?!=)/.test(a) || /^yaml\s*=/.test(a));
    if (first === undefined) return undefined;
    const expr = first.replace(/^yaml\s*=\s*/, "");
    const items = /^\[([\s\S]*)\]$/.exec(expr.trim());
    for (const item of items ? splitTopLevel(items[1]!) : [expr]) {
      const call = /^(kustomize|helm)\s*\(([\s\S]*)\)$/.exec(item.trim());
      const arg = call ? splitTopLevel(call[2]!)[0] : item;
      if (arg === undefined) return undefined;
      const value = evaluate(arg, vars);
      if (hasUnresolved(value)) return undefined;
      const rel = joinRel(base, value);
      if (rel === undefined) return undefined;
      out.push(rel);
    }
  }
  return calls ? out : undefined;
}

/** A Starlark string expression, as far as it can be known without running it. */
function evaluate(expr: string, vars: Map<string, string>): string {
  const e = expr.trim();
  const join = /^os\.path\.join\(([\s\S]*)\)$/.exec(e);
  if (join) return splitTopLevel(join[1]!).map((p) => evaluate(p, vars)).join("/");
  const parts = splitTopLevel(e, "+");
  if (parts.length > 1) return parts.map((p) => evaluate(p, vars)).join("");
  const str = /^([fFrR]?)(['"])([\s\S]*)\2$/.exec(e);
  if (str) {
    const body = str[3]!;
    if (str[1]!.toLowerCase() !== "f") return body;
    return body.replace(/\{([^{}]*)\}/g, (_m, name: string) => vars.get(name.trim()) ?? unresolved(name.trim()));
  }
  if (/^[A-Za-z_]\w*$/.test(e)) return vars.get(e) ?? unresolved(e);
  return unresolved(e.replace(/\W+/g, "_").slice(0, 20) || "expr");
}

/** The text up to the parenthesis that closes the one before `from`, strings skipped. */
function untilClose(text: string, from: number): string | undefined {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end === -1) return undefined;
      i = end;
    } else if (c === "#") {
      const end = text.indexOf("\n", i);
      i = end === -1 ? text.length : end;
    } else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) return text.slice(from, i);
    }
  }
  return undefined;
}

/** Split on a separator outside strings and brackets. */
function splitTopLevel(text: string, sep = ","): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      i = end === -1 ? text.length : end;
    } else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === sep && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.replace(/#.*$/gm, "").trim()).filter(Boolean);
}
