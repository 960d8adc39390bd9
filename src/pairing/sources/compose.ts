import path from "node:path";
import { loadYaml } from "../../manifest/yaml-load.js";
import { isObj } from "../../manifest/yaml-value.js";
import type { SourceFile } from "../../source/source-file.js";
import { dirOf, dockerfileIn, joinRel, type ImageBuild, type SourceContext } from "../build.js";
import { unresolved } from "../image-ref.js";

/**
 * Compose files: each service with a `build` (a context string, or `context`,
 * `dockerfile`, `target`, `args`) and the `image` it is tagged as. Without `image`,
 * Compose names it `<project>-<service>`, the project being the folder's name.
 * `${VAR:-default}` takes its default; other variables come from the environment or
 * `.env` at run time, so they stay unresolved (wildcards).
 */
export function composeBuilds(file: SourceFile, root: string, ctx?: SourceContext): ImageBuild[] {
  const { docs } = loadYaml(file);
  const doc = docs[0];
  const top = doc?.value;
  if (!doc || !isObj(top) || !isObj(top.services)) return [];
  const base = dirOf(file.path);
  // `.env` beside the compose file gives variables their values (the environment would win at run time)
  const dotenv = readDotenv(ctx?.file(base ? `${base}/.env` : ".env")?.text);
  const interpolate = (text: string) => interpolateWith(text, dotenv);
  const services = top.services;
  const project = (isObj(top) && typeof top.name === "string" ? top.name : path.posix.basename(base || root.split(/[\\/]/).pop() || "app"))
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "");
  const out: ImageBuild[] = [];
  for (const [name, own] of Object.entries(services)) {
    // `extends: { service: x }` in the same file: the base service's build and image, unless overridden
    const parent = isObj(own) && isObj(own.extends) && own.extends.file === undefined && typeof own.extends.service === "string" ? services[own.extends.service] : isObj(own) && typeof own.extends === "string" ? services[own.extends] : undefined;
    const service = isObj(own) && isObj(parent) ? { ...parent, ...own } : own;
    if (!isObj(service) || service.build === undefined || service.build === null) continue;
    const build = service.build;
    const spec = typeof build === "string" ? { context: build } : isObj(build) ? build : undefined;
    if (!spec) continue;
    const contextText = interpolate(typeof spec.context === "string" ? spec.context : ".");
    const context = joinRel(base, contextText);
    if (context === undefined || typeof spec.dockerfile_inline === "string") continue;
    const dockerfileText = typeof spec.dockerfile === "string" ? interpolate(spec.dockerfile) : undefined;
    const dockerfile = dockerfileIn(context, dockerfileText);
    if (dockerfile === undefined) continue;
    const target = typeof spec.target === "string" ? interpolate(spec.target) : undefined;
    const image = typeof service.image === "string" ? interpolate(service.image) : `${project}-${name}`;
    const buildArgs: Record<string, string> = {};
    if (isObj(spec.args)) for (const [k, v] of Object.entries(spec.args)) if (v !== null && v !== undefined) buildArgs[k] = interpolate(String(v));
    if (Array.isArray(spec.args))
      for (const a of spec.args) if (typeof a === "string" && a.includes("=")) buildArgs[a.slice(0, a.indexOf("="))] = interpolate(a.slice(a.indexOf("=") + 1));
    out.push({
      kind: "compose",
      at: doc.positions.key(top.services, name) ?? { file, offset: 0 },
      detail: `service ${name}: image ${typeof service.image === "string" ? service.image : `${image} (compose default name)`}, context ${context || "."}${dockerfileText ? `, dockerfile ${dockerfileText}` : ""}${target ? `, target ${target}` : ""}`,
      dockerfile,
      context,
      ...(target ? { target } : {}),
      images: [image],
      tagsKnown: true,
      // Kubernetes manifests of the same repository often deploy the service's image under its own name
      names: [name],
      ...(Object.keys(buildArgs).length ? { buildArgs } : {}),
    });
  }
  return out;
}

/** Compose interpolation: known values (`.env`), then `${X:-d}`/`${X-d}` give d, `$$` is a dollar, anything else is unknown. */
export function interpolate(text: string): string {
  return interpolateWith(text, new Map());
}

function interpolateWith(text: string, values: ReadonlyMap<string, string>): string {
  if (!text.includes("$")) return text;
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, name, op, word, bare) => {
    if (m === "$$") return "$";
    const known = values.get(bare ?? name);
    if (known !== undefined && (known !== "" || op === "-" || op === undefined)) return known;
    if (bare) return unresolved(bare);
    if (op === ":-" || op === "-") return interpolateWith(word ?? "", values);
    return unresolved(name);
  });
}

/** `KEY=value` lines of a `.env` file (quotes removed, comments skipped). */
function readDotenv(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!text) return out;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const v = m[2]!;
    out.set(m[1]!, /^(["']).*\1$/.test(v) ? v.slice(1, -1) : v.replace(/\s+#.*$/, ""));
  }
  return out;
}
