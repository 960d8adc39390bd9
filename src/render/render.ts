import { writeFileSync } from "node:fs";
import { makeTemporary, releaseTemporary } from "./temporaries.js";
import { availableParallelism } from "node:os";
import path from "node:path";
import type { Progress } from "../progress.js";
import type { ChartUnit, DeploymentUnit, KustomizeUnit } from "./units.js";
import { defaultHelm, defaultKustomize, errorLine, inParallel, onPath, parseCommand, runTool, type RenderCommand } from "./tool.js";

/** How a scan renders its deployment units (CLI options over `.shipshape.yaml` `render:`). */
export interface RenderOptions {
  /** false: `--no-render`, read the plain files only */
  enabled: boolean;
  /** render every kustomization, also those only used as a base */
  all: boolean;
  /** the kustomize command, e.g. `kubectl kustomize`; undefined: whichever is on PATH */
  kustomize?: string;
  /** values files to render each chart with, instead of those found beside it */
  helmValues?: string[];
  timeoutMs?: number;
}

/**
 * What rendering one unit gave: the rendered YAML, or why there is none. Plain data: a
 * scan's prepared state crosses to worker threads.
 */
export interface UnitOutcome {
  kind: "kustomize" | "helm";
  /** the unit's folder relative to the root; a chart rendered with a values file names it: `charts/web (values-prod.yaml)` */
  unit: string;
  /** the folder, relative to the root */
  dir: string;
  /** the kustomization or Chart.yaml, relative to the root */
  file: string;
  /** the command that rendered it, as the report names it and as it runs */
  renderedBy?: string;
  command?: string[];
  output?: string;
  /** absolute folder the tool resolved the origin annotations against */
  originBase?: string;
  /** why it was not rendered: one note for the user */
  note?: string;
  /** the line of `file` the note is about (1 when it is the whole unit) */
  noteLine?: number;
  /** no input/not-rendered finding for it: --no-render was given, or its templates get their own note */
  quiet?: boolean;
  /** files under the root its render reads (whether or not it rendered: the files it shares with other units) */
  covered: string[];
  /** every file a kustomize unit's render reads, absolute: what a check of an edit copies */
  reads?: string[];
}

const DEFAULT_TIMEOUT_MS = 120_000;

export const NOT_RENDERED_HINT = "install kustomize or kubectl, or pass --no-render";

/** Render every unit with the user's own tools, at most one process per unit, several at once. */
export async function renderUnits(units: readonly DeploymentUnit[], options: RenderOptions, root: string, progress?: Progress): Promise<UnitOutcome[]> {
  if (units.length === 0) return [];
  const kustomize = options.kustomize !== undefined ? parseCommand(options.kustomize) : defaultKustomize();
  const helm = defaultHelm();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const tasks: Array<() => Promise<UnitOutcome>> = [];
  const plain = (u: DeploymentUnit, note: string, quiet = false): UnitOutcome => ({
    kind: u.kind,
    unit: u.dir,
    dir: u.dir,
    file: u.file,
    note,
    ...(quiet ? { quiet } : {}),
    covered: u.covered,
  });
  for (const u of units) {
    if (!options.enabled) tasks.push(async () => plain(u, "not rendered: --no-render", true));
    else if (u.kind === "kustomize") {
      if (u.refusals.length) {
        // the note points at the line that asks for the network, when it is in the unit's own kustomization
        const own = u.refusals.find((r) => r.file === u.file);
        tasks.push(async () => ({ ...plain(u, `not rendered: ${u.refusals.map((r) => r.message).join("; ")}`), ...(own ? { noteLine: own.line } : {}) }));
      }
      else if (!kustomize || !onPath(kustomize.argv[0] ?? "")) {
        const named = options.kustomize !== undefined ? `'${options.kustomize}' is not on PATH: ` : "";
        tasks.push(async () => plain(u, `not rendered: ${named}${NOT_RENDERED_HINT}`));
      } else tasks.push(() => renderKustomization(u, kustomize, timeoutMs));
    } else if (!helm) {
      // the chart's templates get the note they always got (input/template-skipped)
      tasks.push(async () => plain(u, `not rendered: helm is not on PATH; pipe its output in instead: helm template <release> ${u.dir} | shipshape scan -`, true));
    } else {
      for (const values of chartValueSets(u, options.helmValues, root)) tasks.push(() => renderChart(u, helm, values, timeoutMs));
    }
  }
  let done = 0;
  const counted = tasks.map((t) => async () => {
    const r = await t();
    progress?.update(`rendered ${++done}/${tasks.length} deployment units`);
    return r;
  });
  return inParallel(counted, Math.max(2, availableParallelism()));
}

/**
 * `kustomize build` of a temporary kustomization outside the user's tree that only
 * references the unit and asks for the origin of every resource, so findings can point
 * at the file that set each value. The user's files are never written.
 */
async function renderKustomization(u: KustomizeUnit, cmd: RenderCommand, timeoutMs: number): Promise<UnitOutcome> {
  const wrapper = makeTemporary("shipshape-render-");
  const base: UnitOutcome = { kind: "kustomize", unit: u.dir, dir: u.dir, file: u.file, covered: u.covered, reads: u.reads };
  try {
    const target = path.relative(wrapper, u.abs).split(path.sep).join("/");
    writeFileSync(
      path.join(wrapper, "kustomization.yaml"),
      `# written by shipshape to render ${JSON.stringify(u.dir)} with the origin of every resource; removed when done\n` +
        `resources:\n  - ${JSON.stringify(target)}\nbuildMetadata: [originAnnotations, transformerAnnotations]\n`,
    );
    const run = await runTool([...cmd.argv, wrapper], { cwd: wrapper, timeoutMs });
    if (run.failure) return { ...base, note: `not rendered: ${cmd.label} ${run.failure}` };
    if (run.code !== 0) return { ...base, note: `not rendered: ${cmd.label} failed: ${errorLine(run.stderr) || `exit code ${run.code}`}` };
    return { ...base, renderedBy: cmd.label, command: cmd.argv, output: run.stdout, originBase: wrapper };
  } finally {
    releaseTemporary(wrapper);
  }
}

/** The values each chart is rendered with: its defaults, then each values file beside it (or those asked for). */
export function chartValueSets(u: ChartUnit, asked: string[] | undefined, root: string): Array<{ label?: string; files: string[] }> {
  if (asked?.length) return [{ label: asked.map((f) => path.relative(root, path.resolve(f)).split(path.sep).join("/")).join(", "), files: asked.map((f) => path.resolve(f)) }];
  return [{ files: [] }, ...u.values.map((v) => ({ label: v, files: [path.join(u.abs, v)] }))];
}

async function renderChart(u: ChartUnit, cmd: RenderCommand, values: { label?: string; files: string[] }, timeoutMs: number): Promise<UnitOutcome> {
  const unit = values.label ? `${u.dir} (${values.label})` : u.dir;
  const base: UnitOutcome = { kind: "helm", unit, dir: u.dir, file: u.file, covered: u.covered };
  const release = path.basename(u.abs) || "release";
  const args = [...cmd.argv, release, u.abs, ...values.files.flatMap((f) => ["--values", f])];
  const run = await runTool(args, { cwd: u.abs, timeoutMs });
  if (run.failure) return { ...base, note: `not rendered: ${cmd.label} ${run.failure}` };
  if (run.code !== 0) return { ...base, note: `not rendered: ${cmd.label} failed: ${errorLine(run.stderr) || `exit code ${run.code}`}` };
  return { ...base, renderedBy: cmd.label + (values.files.length ? ` --values ${values.label}` : ""), output: run.stdout };
}
