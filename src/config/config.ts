import { readFile } from "node:fs/promises";
import path from "node:path";
import jsyaml from "js-yaml";
import { isScalar, parseDocument } from "yaml";
import { UsageError } from "../errors.js";
import { SEVERITIES, type Severity } from "../analyze/finding.js";

/** One explicit Dockerfile → image mapping (pairing's escape hatch). */
export interface ImageMapping {
  dockerfile: string;
  image: string;
  target?: string;
  context?: string;
}

export interface RuleSetting {
  enabled: boolean;
  severity?: Severity;
}

/** `render:` — how kustomize overlays and Helm charts are rendered before they are checked. */
export interface RenderConfig {
  /** false: scan the plain files only (like --no-render) */
  enabled?: boolean;
  /** render every kustomization, also those only used as a base (like --render-all) */
  all?: boolean;
  /** the kustomize command, e.g. "kubectl kustomize" or "kustomize build" (like --kustomize) */
  kustomize?: string;
  /** values files every chart is rendered with (like --helm-values), relative to the configuration file */
  helmValues?: string[];
}

export interface Config {
  /** where it was read from, relative to the cwd; undefined when defaults apply */
  source?: string;
  kubeVersion?: string;
  rules: Map<string, RuleSetting>;
  ignore: string[];
  buildArgs: Record<string, string>;
  images: ImageMapping[];
  render: RenderConfig;
}

export const DEFAULT_CONFIG_NAMES = [".shipshape.yaml", ".shipshape.yml"];

const KNOWN_KEYS = ["kubeVersion", "rules", "ignore", "buildArgs", "images", "render"] as const;

export function emptyConfig(): Config {
  return { rules: new Map(), ignore: [], buildArgs: {}, images: [], render: {} };
}

/**
 * Read `.shipshape.yaml`: from `explicit` (must exist) or from the scanned root (optional).
 * Anything invalid is a UsageError naming the key, so CI fails loudly with exit 2.
 */
export async function loadConfig(root: string, explicit?: string, knownRuleIds?: Set<string>): Promise<Config> {
  let file: string | undefined;
  let text: string | undefined;
  if (explicit) {
    file = explicit;
    text = await readFile(explicit, "utf8").catch((e: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read config ${explicit}: ${e.code ?? e.message}`);
    });
  } else {
    for (const name of DEFAULT_CONFIG_NAMES) {
      const candidate = path.join(root, name);
      const t = await readFile(candidate, "utf8").catch(() => undefined);
      if (t !== undefined) {
        file = candidate;
        text = t;
        break;
      }
    }
  }
  if (file === undefined || text === undefined) return emptyConfig();
  return parseConfig(text, file, knownRuleIds);
}

export function parseConfig(text: string, source: string, knownRuleIds?: Set<string>): Config {
  let raw: unknown;
  try {
    raw = jsyaml.load(text);
  } catch (e) {
    const err = e as jsyaml.YAMLException;
    throw new UsageError(`${source}:${(err.mark?.line ?? 0) + 1}: invalid YAML: ${err.reason ?? err.message}`);
  }
  const config = emptyConfig();
  config.source = source;
  if (raw === null || raw === undefined) return config;
  const fail = (key: string, msg: string): never => {
    throw new UsageError(`${source}: '${key}' ${msg}`);
  };
  if (typeof raw !== "object" || Array.isArray(raw)) fail("(top level)", "must be a mapping");
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) fail(key, `is not a known key (expected one of ${KNOWN_KEYS.join(", ")})`);
  }
  if (obj.kubeVersion !== undefined) {
    // unquoted, `1.30` is YAML's number 1.3: what the user wrote is the scalar's text
    const v = typeof obj.kubeVersion === "number" ? scalarSource(text, "kubeVersion") : String(obj.kubeVersion);
    if (!/^(latest|v?1\.\d+(\.\d+)?)$/.test(v)) fail("kubeVersion", `must be 1.N or latest, got '${v}'`);
    config.kubeVersion = v;
  }
  if (obj.rules !== undefined) {
    if (typeof obj.rules !== "object" || obj.rules === null || Array.isArray(obj.rules)) fail("rules", "must be a mapping of rule id to setting");
    for (const [id, setting] of Object.entries(obj.rules as Record<string, unknown>)) {
      const key = `rules.${id}`;
      if (knownRuleIds && !knownRuleIds.has(id)) fail(key, "names no rule (see `shipshape rules`)");
      config.rules.set(id, parseRuleSetting(setting, key, fail));
    }
  }
  if (obj.ignore !== undefined) {
    if (!Array.isArray(obj.ignore) || obj.ignore.some((p) => typeof p !== "string")) fail("ignore", "must be a list of path patterns");
    config.ignore = obj.ignore as string[];
  }
  if (obj.buildArgs !== undefined) {
    if (typeof obj.buildArgs !== "object" || obj.buildArgs === null || Array.isArray(obj.buildArgs)) fail("buildArgs", "must be a mapping of name to value");
    for (const [k, v] of Object.entries(obj.buildArgs as Record<string, unknown>)) config.buildArgs[k] = String(v);
  }
  // `images:` with only commented-out entries under it (as `pairs --suggest` prints them) is an empty list
  if (obj.images !== undefined && obj.images !== null) {
    if (!Array.isArray(obj.images)) fail("images", "must be a list of { dockerfile, image, target?, context? }");
    (obj.images as unknown[]).forEach((m, i) => {
      const key = `images[${i}]`;
      if (typeof m !== "object" || m === null) fail(key, "must be a mapping");
      const e = m as Record<string, unknown>;
      for (const k of Object.keys(e)) if (!["dockerfile", "image", "target", "context"].includes(k)) fail(`${key}.${k}`, "is not a known key");
      if (typeof e.dockerfile !== "string") fail(`${key}.dockerfile`, "must be a path");
      if (typeof e.image !== "string") fail(`${key}.image`, "must be an image reference");
      // an empty value is a suggestion's blank left unfilled: it would pair nothing, silently
      if ((e.dockerfile as string).trim() === "") fail(`${key}.dockerfile`, "is empty: fill in the Dockerfile that builds the image");
      if ((e.image as string).trim() === "") fail(`${key}.image`, "is empty: fill in the image the manifests deploy");
      config.images.push({
        dockerfile: e.dockerfile as string,
        image: e.image as string,
        target: typeof e.target === "string" ? e.target : undefined,
        context: typeof e.context === "string" ? e.context : undefined,
      });
    });
  }
  if (obj.render !== undefined) config.render = parseRender(obj.render, source, fail);
  return config;
}

function parseRender(raw: unknown, source: string, fail: (k: string, m: string) => never): RenderConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail("render", "must be a mapping of enabled, all, kustomize, helmValues");
  const r = raw as Record<string, unknown>;
  const out: RenderConfig = {};
  for (const k of Object.keys(r)) if (!["enabled", "all", "kustomize", "helmValues"].includes(k)) fail(`render.${k}`, "is not a known key (enabled, all, kustomize, helmValues)");
  for (const k of ["enabled", "all"] as const) {
    if (r[k] === undefined) continue;
    if (typeof r[k] !== "boolean") fail(`render.${k}`, "must be true or false");
    out[k] = r[k] as boolean;
  }
  if (r.kustomize !== undefined) {
    if (typeof r.kustomize !== "string" || r.kustomize.trim() === "") fail("render.kustomize", "must be a command, e.g. 'kubectl kustomize' or 'kustomize build'");
    out.kustomize = r.kustomize as string;
  }
  if (r.helmValues !== undefined) {
    if (!Array.isArray(r.helmValues) || r.helmValues.some((v) => typeof v !== "string")) fail("render.helmValues", "must be a list of values files");
    out.helmValues = (r.helmValues as string[]).map((v) => path.resolve(path.dirname(source), v));
  }
  return out;
}

/** The source text of a top-level scalar, as written (`1.30`, not the number 1.3). */
function scalarSource(text: string, key: string): string {
  const node = parseDocument(text).get(key, true);
  return isScalar(node) && node.source !== undefined ? String(node.source) : "";
}

function parseRuleSetting(setting: unknown, key: string, fail: (k: string, m: string) => never): RuleSetting {
  if (setting === false || setting === "off") return { enabled: false };
  if (setting === true || setting === "on") return { enabled: true };
  if (typeof setting === "string") {
    if ((SEVERITIES as readonly string[]).includes(setting)) return { enabled: true, severity: setting as Severity };
    return fail(key, `must be off, on, error, warning or note, got '${setting}'`);
  }
  if (typeof setting === "object" && setting !== null && !Array.isArray(setting)) {
    const s = setting as Record<string, unknown>;
    for (const k of Object.keys(s)) if (k !== "enabled" && k !== "severity") fail(`${key}.${k}`, "is not a known key (enabled, severity)");
    if (s.enabled !== undefined && typeof s.enabled !== "boolean") fail(`${key}.enabled`, "must be true or false");
    if (s.severity !== undefined && !(SEVERITIES as readonly string[]).includes(String(s.severity)))
      fail(`${key}.severity`, "must be error, warning or note");
    return { enabled: s.enabled !== false, severity: s.severity as Severity | undefined };
  }
  return fail(key, "must be off, on, a severity, or { enabled, severity }");
}
