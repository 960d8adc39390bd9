import { loadYaml, type YamlPositions } from "../../manifest/yaml-load.js";
import { isObj, type Obj } from "../../manifest/yaml-value.js";
import type { Pos, SourceFile } from "../../source/source-file.js";
import { dockerfileIn, joinRel, type ImageBuild, type SourceContext } from "../build.js";
import { displayTemplate, unresolved } from "../image-ref.js";
import { posInScalar, scriptBuilds } from "../script-builds.js";
import { markUnknown } from "../shell-build.js";

type Env = Map<string, string>;

export const GITHUB_WORKFLOW = /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/;
export const GITLAB_CI = /(^|\/)\.gitlab-ci\.ya?ml$/;
export const CLOUD_BUILD = /(^|\/)cloudbuild([.-][\w-]+)*\.ya?ml$/;

/** CI definitions: GitHub Actions workflows, GitLab CI, Cloud Build. */
export function ciBuilds(file: SourceFile, ctx?: SourceContext): ImageBuild[] {
  if (GITHUB_WORKFLOW.test(file.path)) return githubBuilds(file, ctx, new Map(), new Set());
  if (GITLAB_CI.test(file.path)) return gitlabBuilds(file, ctx);
  if (CLOUD_BUILD.test(file.path)) return cloudBuildBuilds(file, ctx);
  return [];
}

// ── GitHub Actions ───────────────────────────────────────────────────────────

/**
 * Jobs' steps: `docker/build-push-action` (`context`, `file`, `target`, `tags` one per
 * line or comma-separated, `${{ steps.<id>.outputs.tags }}` of a `docker/metadata-action`
 * step read as its `images` with any tag) and `docker build`-like commands in `run:`.
 * `${{ env.X }}` comes from the workflow, job and step `env`, `${{ matrix.X }}` is expanded
 * over the job's matrix values; other expressions are unknown (wildcards).
 */
function githubBuilds(file: SourceFile, ctx: SourceContext | undefined, inputs: Env, calling: Set<string>): ImageBuild[] {
  const { docs } = loadYaml(file);
  const doc = docs[0];
  const wf = doc?.value;
  if (!doc || !isObj(wf) || !isObj(wf.jobs)) return [];
  const out: ImageBuild[] = [];
  // a reusable workflow's inputs: those passed by the caller, else their defaults
  const on = isObj(wf.on) ? wf.on : undefined;
  const call = on && isObj(on.workflow_call) ? on.workflow_call : undefined;
  if (call && isObj(call.inputs)) {
    for (const [k, v] of Object.entries(call.inputs)) {
      if (!inputs.has(k) && isObj(v) && (typeof v.default === "string" || typeof v.default === "number")) inputs = new Map([...inputs, [k, String(v.default)]]);
    }
  }
  // the workspace is the repository root
  const wfEnv = envOf(wf.env, new Map([["GITHUB_WORKSPACE", "."]]), new Map(), inputs);
  for (const [jobName, job] of Object.entries(wf.jobs)) {
    if (!isObj(job)) continue;
    if (typeof job.uses === "string") {
      out.push(...reusableWorkflow(file, doc.positions.key(wf.jobs, jobName) ?? { file, offset: 0 }, jobName, job, wfEnv, inputs, ctx, calling));
      continue;
    }
    if (!Array.isArray(job.steps)) continue;
    const jobWorkdir = isObj(job.defaults) && isObj(job.defaults.run) && typeof job.defaults.run["working-directory"] === "string" ? job.defaults.run["working-directory"] : "";
    for (const matrix of matrixCombinations(job)) {
      let jobEnv = envOf(job.env, wfEnv, matrix, inputs);
      const outputs = new Map<string, string>(); // steps.<id>.outputs.<name>
      const steps = job.steps as unknown[];
      steps.forEach((step, i) => {
        if (!isObj(step)) return;
        const env = envOf(step.env, jobEnv, matrix, inputs, outputs);
        const expr = (text: string) => expressions(text, env, matrix, inputs, outputs);
        if (typeof step.run === "string") {
          // `echo "X=v" >> $GITHUB_OUTPUT` / `$GITHUB_ENV`: values later steps read
          const written = stepWrites(expr(step.run), env);
          if (typeof step.id === "string") for (const [k, v] of written.outputs) outputs.set(`${step.id}.${k}`, v);
          if (written.env.size) jobEnv = new Map([...jobEnv, ...written.env]);
        }
        const stepPos = doc.positions.item(steps, i) ?? { file, offset: 0 };
        const where = `job ${jobName}${matrix.size ? ` (${[...matrix].map(([k, v]) => `${k}=${v}`).join(", ")})` : ""}, step ${typeof step.name === "string" ? `'${step.name}'` : i + 1}`;
        if (typeof step.uses === "string" && step.uses.startsWith("docker/build-push-action")) {
          const b = buildPushAction(step, steps, expr, stepPos, where);
          if (b) out.push(b);
        } else if (typeof step.run === "string") {
          const runNode = doc.positions.key(step, "run") ?? stepPos;
          const workdir = typeof step["working-directory"] === "string" ? expr(step["working-directory"]) : jobWorkdir;
          const script = expr(step.run);
          out.push(
            ...scriptBuilds(
              script,
              (n) => env.get(n),
              {
                file,
                kind: "ci",
                cwd: joinRel("", workdir || ".") ?? "",
                posOf: (at) => posInScalar(runNode, step.run as string, at),
                where,
              },
              ctx,
            ),
          );
        }
      });
    }
  }
  return out;
}

function buildPushAction(step: Obj, steps: unknown[], expr: (t: string) => string, at: Pos, where: string): ImageBuild | undefined {
  const w = isObj(step.with) ? step.with : {};
  const s = (k: string) => (typeof w[k] === "string" || typeof w[k] === "number" ? expr(String(w[k])) : undefined);
  const contextText = s("context") ?? ".";
  const context = joinRel("", contextText);
  if (context === undefined) return undefined;
  const fileText = s("file");
  // `file` is relative to the workspace (the repository root), not to the context
  const dockerfile = fileText !== undefined ? joinRel("", fileText) : dockerfileIn(context, undefined);
  if (dockerfile === undefined) return undefined;
  const images: string[] = [];
  const rawTags = typeof w.tags === "string" ? w.tags : "";
  for (const item of listItems(rawTags)) {
    const meta = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.tags\s*\}\}$/.exec(item);
    if (meta) images.push(...metadataImages(steps, meta[1]!, expr));
    else images.push(expr(item));
  }
  const target = s("target");
  const buildArgs: Record<string, string> = {};
  for (const line of listItems(typeof w["build-args"] === "string" ? w["build-args"] : "")) {
    const eq = line.indexOf("=");
    if (eq > 0) buildArgs[line.slice(0, eq)] = expr(line.slice(eq + 1));
  }
  return {
    kind: "ci",
    at,
    detail: `${where}: docker/build-push-action context ${context || "."}${fileText ? `, file ${displayTemplate(fileText)}` : ""}${target ? `, target ${target}` : ""}, tags ${images.map(displayTemplate).join(", ") || "(none)"}`,
    dockerfile,
    context,
    ...(target ? { target } : {}),
    images,
    tagsKnown: true,
    ...(Object.keys(buildArgs).length ? { buildArgs } : {}),
  };
}

/** The images of a `docker/metadata-action` step, each with a tag we cannot know (type=semver, sha …). */
function metadataImages(steps: unknown[], id: string, expr: (t: string) => string): string[] {
  const step = steps.find((s) => isObj(s) && s.id === id);
  if (!isObj(step) || typeof step.uses !== "string" || !step.uses.startsWith("docker/metadata-action")) return [];
  const w = isObj(step.with) ? step.with : {};
  const text = typeof w.images === "string" ? w.images : "";
  const images: string[] = [];
  for (const raw of text.split(/\n/)) {
    const line = raw.trim();
    if (!line) continue;
    // `name=ghcr.io/acme/web,enable=true` or a plain list (comma-separated)
    const named = /(?:^|,)\s*name=([^,]+)/.exec(line);
    const names = named ? [named[1]!] : line.split(",");
    for (const n of names) if (n.trim()) images.push(`${expr(n.trim())}:${unresolved("metadata-action.tag")}`);
  }
  return images;
}

/** An action input list: one item per line, or comma-separated. */
function listItems(text: string): string[] {
  // commas inside ${{ … }} belong to the expression
  return text
    .split(/\n/)
    .flatMap((l) => l.split(/,(?![^{]*\}\})/))
    .map((l) => l.trim())
    .filter(Boolean);
}

function envOf(v: unknown, parent: Env, matrix: Env = new Map(), inputs: Env = new Map(), outputs: Env = new Map()): Env {
  const env = new Map(parent);
  if (!isObj(v)) return env;
  for (const [k, val] of Object.entries(v)) {
    if (val === null || val === undefined || typeof val === "object") continue;
    env.set(k, expressions(String(val), env, matrix, inputs, outputs));
  }
  return env;
}

/**
 * `${{ env.X }}`, `${{ matrix.X }}`, `${{ inputs.X }}` and `${{ steps.<id>.outputs.X }}`
 * from what we know; anything else is unknown.
 */
function expressions(text: string, env: Env, matrix: Env, inputs: Env = new Map(), outputs: Env = new Map()): string {
  if (!text.includes("${{")) return text;
  return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_m, e: string) => {
    if (e === "github.workspace") return ".";
    const envRef = /^env\.([\w-]+)$/.exec(e);
    if (envRef && env.has(envRef[1]!)) return env.get(envRef[1]!)!;
    const matrixRef = /^matrix\.([\w.-]+)$/.exec(e);
    if (matrixRef && matrix.has(matrixRef[1]!)) return matrix.get(matrixRef[1]!)!;
    const inputRef = /^(?:inputs|github\.event\.inputs)\.([\w-]+)$/.exec(e);
    if (inputRef && inputs.has(inputRef[1]!)) return inputs.get(inputRef[1]!)!;
    const outRef = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e);
    if (outRef && outputs.has(`${outRef[1]}.${outRef[2]}`)) return outputs.get(`${outRef[1]}.${outRef[2]}`)!;
    return unresolved(e);
  });
}

/**
 * What a `run:` script writes to `$GITHUB_OUTPUT` / `$GITHUB_ENV` (`echo "X=v" >> …`, the
 * old `::set-output name=X::v`), with the script's own values expanded; a value computed
 * by a command (`$(…)`) keeps that part unknown.
 */
function stepWrites(script: string, env: Env): { outputs: Env; env: Env } {
  const outputs: Env = new Map();
  const envOut: Env = new Map();
  const local = new Map(env);
  for (const line of script.split(/\r?\n/)) {
    const assign = /^\s*(?:export\s+)?([A-Za-z_]\w*)=("[^"]*"|'[^']*'|[^\s;]*)\s*$/.exec(line);
    if (assign) local.set(assign[1]!, unquote(assign[2]!, local));
    const m = /^\s*echo\s+(?:-e\s+)?("([^"]*)"|'([^']*)'|(\S+))\s*>>\s*"?\$\{?(GITHUB_OUTPUT|GITHUB_ENV)\}?"?/.exec(line);
    const legacy = /::set-output\s+name=([\w-]+)::(.*)$/.exec(line);
    const pair = m ? (m[2] ?? m[3] ?? m[4] ?? "") : legacy ? `${legacy[1]}=${legacy[2]!.replace(/["']\s*$/, "")}` : undefined;
    if (pair === undefined) continue;
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const value = m?.[3] !== undefined ? pair.slice(eq + 1) : unquote(`"${pair.slice(eq + 1)}"`, local);
    (m?.[5] === "GITHUB_ENV" ? envOut : outputs).set(pair.slice(0, eq), value);
  }
  return { outputs, env: envOut };
}

function unquote(raw: string, vars: Env): string {
  if (raw.startsWith("'")) return raw.slice(1, -1);
  const text = raw.startsWith('"') ? raw.slice(1, -1) : raw;
  return markUnknown(text.replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (m, a?: string, b?: string) => vars.get((a ?? b)!) ?? m));
}

/** Inputs a reusable workflow from elsewhere commonly names its build with. */
const CONTEXT_INPUTS = ["context", "build-context", "docker-context", "path"];
const FILE_INPUTS = ["dockerfile", "file", "dockerfile-path", "docker-file"];
const IMAGE_INPUTS = ["image", "images", "image-name", "image-names", "image_name", "tags", "image-tags", "repository"];

/**
 * A job that calls a reusable workflow. A local one (`./.github/workflows/x.yaml`) is read
 * with the caller's `with:` as its inputs; one from another repository cannot be read, so
 * its conventional inputs (`context`, `dockerfile`/`file`, `image`/`image-names`/`tags`)
 * are read as a build, at medium confidence.
 */
function reusableWorkflow(file: SourceFile, at: Pos, jobName: string, job: Obj, env: Env, inputs: Env, ctx: SourceContext | undefined, calling: Set<string>): ImageBuild[] {
  const uses = job.uses as string;
  const out: ImageBuild[] = [];
  for (const matrix of matrixCombinations(job)) {
    const w: Env = new Map();
    if (isObj(job.with)) for (const [k, v] of Object.entries(job.with)) if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") w.set(k, expressions(String(v), env, matrix, inputs));
    const local = /^\.\/(.+\.ya?ml)$/.exec(uses);
    if (local) {
      const callee = ctx?.file(local[1]!);
      if (!callee || calling.has(callee.path)) continue;
      out.push(...githubBuilds(callee, ctx, w, new Set([...calling, file.path])));
      continue;
    }
    const get = (names: string[]) => names.map((n) => w.get(n)).find((v) => v !== undefined && v.trim() !== "");
    const images = get(IMAGE_INPUTS);
    if (images === undefined) continue;
    const contextText = get(CONTEXT_INPUTS) ?? ".";
    const context = joinRel("", contextText);
    if (context === undefined) continue;
    const fileText = get(FILE_INPUTS);
    const dockerfile = fileText !== undefined ? (joinRel("", fileText) ?? "") : dockerfileIn(context, undefined);
    if (!dockerfile) continue;
    const refs = listItems(images).map((i) => (/[:@]/.test(i.slice(i.lastIndexOf("/") + 1)) ? i : `${i}:${unresolved("tag")}`));
    out.push({
      kind: "ci",
      at,
      detail: `job ${jobName}${matrix.size ? ` (${[...matrix].map(([k, v]) => `${k}=${v}`).join(", ")})` : ""}: reusable workflow ${uses} with context ${context || "."}, images ${refs.map(displayTemplate).join(", ")}`,
      dockerfile,
      context,
      images: refs,
      tagsKnown: true,
      cap: "medium",
    });
  }
  return out;
}

const MAX_COMBINATIONS = 64;

/**
 * The job's matrix as combinations of scalar values (`include`d ones too); one empty when
 * there is none. A value that is a mapping (`file_tag: [{file: …, tag: …}]`, a common way
 * to keep a service's Dockerfile and tag together) is read as its dotted keys, as
 * `${{ matrix.file_tag.file }}` reads it.
 */
function matrixCombinations(job: Obj): Env[] {
  const m = isObj(job.strategy) && isObj(job.strategy.matrix) ? job.strategy.matrix : undefined;
  if (!m) return [new Map()];
  let combos: Env[] = [new Map()];
  for (const [k, values] of Object.entries(m)) {
    if (k === "include" || k === "exclude" || !Array.isArray(values)) continue;
    const choices = values.map((v) => matrixValue(k, v)).filter((c): c is Env => c !== undefined);
    if (choices.length === 0) continue;
    combos = combos.flatMap((c) => choices.map((v) => new Map([...c, ...v])));
    if (combos.length > MAX_COMBINATIONS) return [new Map()];
  }
  if (Array.isArray(m.include)) {
    for (const inc of m.include) {
      if (!isObj(inc)) continue;
      const entries = Object.entries(inc).flatMap(([k, v]) => [...(matrixValue(k, v) ?? [])]);
      combos.push(new Map(entries));
    }
  }
  return combos.length > MAX_COMBINATIONS ? [new Map()] : combos;
}

/** One matrix value as the expressions that read it: `k`, or `k.sub` for a mapping's scalars. */
function matrixValue(key: string, v: unknown, depth = 0): Env | undefined {
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return new Map([[key, String(v)]]);
  if (!isObj(v) || depth > 3) return undefined;
  const out: Env = new Map();
  for (const [k, sub] of Object.entries(v)) for (const e of matrixValue(`${key}.${k}`, sub, depth + 1) ?? []) out.set(...e);
  return out.size ? out : undefined;
}

// ── GitLab CI ────────────────────────────────────────────────────────────────

const GITLAB_RESERVED = new Set(["stages", "variables", "include", "workflow", "default", "image", "services", "cache", "before_script", "after_script"]);

/** Jobs' `before_script`, `script`, `after_script` (and `default:`'s), with global and job `variables`. */
function gitlabBuilds(file: SourceFile, ctx?: SourceContext): ImageBuild[] {
  const { docs } = loadYaml(file);
  const doc = docs[0];
  const top = doc?.value;
  if (!doc || !isObj(top)) return [];
  const globals = gitlabVariables(top.variables, new Map([["CI_PROJECT_DIR", "."]]));
  const out: ImageBuild[] = [];
  const scriptsOf = (holder: Obj, env: Env, where: string) => {
    for (const key of ["before_script", "script", "after_script"]) {
      const v = holder[key];
      const items = typeof v === "string" ? [{ text: v, node: doc.positions.key(holder, key) }] : Array.isArray(v) ? flatItems(v, doc.positions) : [];
      for (const { text, node } of items) {
        const at = node ?? { file, offset: 0 };
        out.push(...scriptBuilds(text, (n) => env.get(n), { file, kind: "ci", cwd: "", posOf: (o) => posInScalar(at, text, o), where: `${where} ${key}` }, ctx));
      }
    }
  };
  if (isObj(top.default)) scriptsOf(top.default, globals, "default");
  for (const [name, job] of Object.entries(top)) {
    if (GITLAB_RESERVED.has(name) || !isObj(job)) continue;
    scriptsOf(job, gitlabVariables(job.variables, globals), `job ${name}`);
  }
  return out;
}

function gitlabVariables(v: unknown, parent: Env): Env {
  const env = new Map(parent);
  if (!isObj(v)) return env;
  for (const [k, val] of Object.entries(v)) {
    const raw = isObj(val) ? val.value : val;
    if (typeof raw === "string" || typeof raw === "number") env.set(k, expandKnown(String(raw), env));
  }
  return env;
}

function flatItems(list: unknown[], positions: YamlPositions): Array<{ text: string; node: Pos | undefined }> {
  return list.flatMap((item, i) =>
    typeof item === "string" ? [{ text: item, node: positions.item(list, i) }] : Array.isArray(item) ? flatItems(item, positions) : [],
  );
}

/** `$X`/`${X}` from known values; others left for the shell reader (then unknown). */
function expandKnown(text: string, env: Env): string {
  return text.replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (m, a?: string, b?: string) => env.get((a ?? b)!) ?? m);
}

// ── Cloud Build ──────────────────────────────────────────────────────────────

/**
 * Steps run by the docker builder (`args` are docker's), kaniko's executor, or a shell
 * (`entrypoint: bash` with `-c`, or `script:`), in the step's `dir`. User substitutions
 * (`substitutions: { _X: … }`) are resolved; built-ins ($PROJECT_ID, $SHORT_SHA …) are unknown.
 */
function cloudBuildBuilds(file: SourceFile, ctx?: SourceContext): ImageBuild[] {
  const { docs } = loadYaml(file);
  const doc = docs[0];
  const top = doc?.value;
  if (!doc || !isObj(top) || !Array.isArray(top.steps)) return [];
  const subs: Env = new Map();
  if (isObj(top.substitutions)) for (const [k, v] of Object.entries(top.substitutions)) if (typeof v === "string" || typeof v === "number") subs.set(k, String(v));
  const sub = (t: string) => markUnknown(expandKnown(t, subs));
  const out: ImageBuild[] = [];
  const steps = top.steps as unknown[];
  steps.forEach((step, i) => {
    if (!isObj(step)) return;
    const at = doc.positions.item(steps, i) ?? { file, offset: 0 };
    const cwd = joinRel("", typeof step.dir === "string" ? step.dir : ".") ?? "";
    const name = typeof step.name === "string" ? step.name : "";
    const where = `step ${typeof step.id === "string" ? step.id : i + 1}`;
    const args = Array.isArray(step.args) ? step.args.map((a) => sub(String(a))) : [];
    const place = { file, kind: "ci" as const, cwd, where };
    const entry = typeof step.entrypoint === "string" ? step.entrypoint : undefined;
    let script: string | undefined;
    if (typeof step.script === "string") script = sub(step.script);
    else if (entry && /(^|\/)(ba|z|da)?sh$/.test(entry) && args[0] === "-c") script = args.slice(1).join(" ");
    else if (/cloud-builders\/docker(:|$)/.test(name) || entry === "docker") script = ["docker", ...args].map(quote).join(" ");
    else if (/kaniko-project\/executor(:|$)/.test(name)) script = ["executor", ...args].map(quote).join(" ");
    if (script === undefined) return;
    out.push(...scriptBuilds(script, (n) => subs.get(n), { ...place, posOf: () => at }, ctx));
  });
  return out;
}

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
