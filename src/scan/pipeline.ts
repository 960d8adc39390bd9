import path from "node:path";
import { stat } from "node:fs/promises";
import { UsageError } from "../errors.js";
import { loadConfig, type Config } from "../config/config.js";
import ignore from "ignore";
import { absolutePath, discover, toRel, type UnreadableDirectory, type Workspace } from "../workspace/discover.js";
import { chartRootOf } from "../manifest/template-detect.js";
import { renderOptions, renderWorkspace, type RenderFlags } from "../render/prepare.js";
import { checkWithUnits } from "../render/check-units.js";
import { renderedUnits } from "../render/scan-units.js";
import type { UnitOutcome } from "../render/render.js";
import { decodeSource } from "./read-input.js";
import type { SourceFile } from "../source/source-file.js";
import type { Dockerfile } from "../dockerfile/model.js";
import type { ManifestFile } from "../manifest/load.js";
import type { PairingResult } from "../pairing/pair-images.js";
import type { Analyzer } from "../analyze/define.js";
import { INPUT_RULES } from "../analyze/input-rules.js";
import type { Finding } from "../analyze/finding.js";
import { parseKubeVersion, type KubeVersion } from "../kube/version.js";
import type { Progress } from "../progress.js";
import { applyRuleSettings, inputFinding, openContext, type PreparedScan, type ScanContext } from "./context.js";
import { checkManifests, readManifests, templateNotes, type ScannedWorkload } from "./manifest-batch.js";

export type { ScannedWorkload };

export interface ScanOptions {
  paths: string[];
  /** manifests read from standard input when a path is '-' */
  stdin?: () => Promise<Buffer>;
  kubeVersion?: string;
  configFile?: string;
  analyzers: readonly Analyzer[];
  progress?: Progress;
  /** how kustomize overlays and Helm charts are rendered (the command line's flags) */
  render?: RenderFlags;
  /** with '-' alone: the repository pairing reads (default: the current directory) */
  root?: string;
}

/** What a scan reads, decided once (the main thread hands it to worker threads). */
export interface ScanResult {
  root: string;
  kube: KubeVersion;
  config: Config;
  findings: Finding[];
  suppressed: number;
  workloads: ScannedWorkload[];
  dockerfiles: Dockerfile[];
  manifests: ManifestFile[];
  pairing: PairingResult;
  filesScanned: number;
  /** the deployment units found, rendered or not (src/render/) */
  units: UnitOutcome[];
}

/** discover → read → parse → pair → analyze: the whole static pass, data flowing one way. */
export async function scan(options: ScanOptions): Promise<ScanResult> {
  return scanPrepared(await prepareScan(options), options);
}

/** Resolve the inputs, read the configuration and discover the files. */
export async function prepareScan(
  options: Pick<ScanOptions, "paths" | "kubeVersion" | "configFile" | "analyzers" | "render" | "root" | "progress">,
): Promise<PreparedScan> {
  const { root, named, readStdin, stdinOnly } = await resolveInputs(options.paths, options.root);
  const config = await loadConfig(root, options.configFile, knownRuleIds(options.analyzers));
  const expanded = named && (await expandNamed(root, named, config.ignore));
  const explicit = expanded?.files;
  const kube =
    options.kubeVersion !== undefined ? parseKubeVersion(options.kubeVersion) : parseKubeVersion(config.kubeVersion, `${config.source}: 'kubeVersion'`);
  const discovered = await discover(root, explicit, { ignore: config.ignore });
  if (expanded?.unreadable.length) discovered.unreadable = expanded.unreadable;
  // '-' alone: the repository is read for pairing (Dockerfiles, build configs, charts' names), its manifests are not scanned
  if (stdinOnly) return { root, config, kube, workspace: pairingContextOnly(discovered), explicit: false, readStdin, stdinOnly, units: [] };
  const { workspace, units } = await renderWorkspace(root, discovered, renderOptions(options.render, config.render), options.progress);
  return { root, config, kube, workspace, explicit: explicit !== undefined, readStdin, units };
}

function pairingContextOnly(workspace: Workspace): Workspace {
  const files = workspace.files.flatMap((f) => {
    if (chartRootOf(f.rel) !== undefined) return [f];
    const roles = f.roles.filter((r) => r !== "manifest");
    return roles.length ? [{ ...f, roles }] : [];
  });
  return { ...workspace, files };
}

export function knownRuleIds(analyzers: readonly Analyzer[]): Set<string> {
  return new Set([...analyzers.map((a) => a.id), ...Object.values(INPUT_RULES).map((r) => r.id)]);
}

export async function scanPrepared(prepared: PreparedScan, options: ScanOptions): Promise<ScanResult> {
  options.progress?.update(`reading ${prepared.workspace.files.length} files`);
  return scanInContext(openContext(prepared), options);
}

/** The one pass, over a context already read (its Dockerfiles and build configs). */
export async function scanInContext(ctx: ScanContext, options: ScanOptions): Promise<ScanResult> {
  const { root, config, kube, workspace, readStdin } = ctx.prepared;
  let stdin: SourceFile | undefined;
  const stdinFindings: Finding[] = [];
  if (readStdin && options.stdin) {
    const outcome = decodeSource(await options.stdin(), "<stdin>");
    if (outcome.ok) stdin = outcome.file;
    else if (outcome.reason !== "too-large") stdinFindings.push(inputFinding(INPUT_RULES.parseError, "<stdin>", outcome.line, `cannot read standard input: ${outcome.message}`));
  }
  options.progress?.update(`parsing ${workspace.files.length} files`);
  // rendered output (kustomize overlays, charts, `helm template` on stdin) is checked per deployment unit
  const rendered = renderedUnits(ctx, stdin);
  if (rendered.stdinRendered) stdin = undefined;
  const read = readManifests(ctx, workspace.files.filter((f) => f.roles.includes("manifest")), stdin);
  options.progress?.update(`pairing and analyzing`);
  const withDockerfiles = !ctx.prepared.stdinOnly;
  const checked = rendered.units.length
    ? checkWithUnits(ctx, read.manifests, rendered.units, options.analyzers, withDockerfiles)
    : checkManifests(ctx, read.manifests, options.analyzers, withDockerfiles);
  const inputFindings = [
    ...(withDockerfiles ? ctx.inputFindings : []),
    ...stdinFindings,
    ...read.inputFindings,
    ...rendered.inputFindings,
    ...templateNotes(read.templates, ctx.chartRoots),
  ];
  const findings = [...applyRuleSettings(inputFindings, config), ...checked.findings];
  sortFindings(findings);
  return {
    root,
    kube,
    config,
    findings,
    suppressed: checked.suppressedKeys.length,
    workloads: checked.workloads,
    dockerfiles: ctx.dockerfiles,
    manifests: [...read.manifests, ...rendered.units.flatMap((u) => u.manifests)],
    pairing: checked.pairing,
    filesScanned: ctx.sources.size + read.filesRead + rendered.filesRead,
    units: ctx.prepared.units,
  };
}

export function sortFindings(findings: Finding[]): void {
  findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : 1)));
}

/** One directory → it is the root; files or several paths → the current directory is; '-' alone → `--root` or the current directory. */
async function resolveInputs(
  paths: string[],
  rootOption: string | undefined,
): Promise<{ root: string; named?: Array<{ p: string; dir: boolean }>; readStdin: boolean; stdinOnly?: boolean }> {
  const list = paths.length ? paths : ["."];
  const readStdin = list.includes("-");
  const rest = list.filter((p) => p !== "-");
  if (rootOption !== undefined && !(readStdin && rest.length === 0)) throw new UsageError("--root goes with '-' alone (the repository that pairs with manifests read from standard input)");
  if (rest.length === 0) {
    const root = path.resolve(rootOption ?? ".");
    const st = await stat(root).catch(() => undefined);
    if (!st?.isDirectory()) throw new UsageError(`--root: not a directory: ${rootOption}`);
    return { root, readStdin, stdinOnly: true };
  }
  const kinds = await Promise.all(
    rest.map(async (p) => {
      const st = await stat(p).catch(() => undefined);
      if (!st) throw new UsageError(`no such file or directory: ${p}`);
      return { p: path.resolve(p), dir: st.isDirectory() };
    }),
  );
  if (kinds.length === 1 && kinds[0]!.dir && !readStdin) return { root: kinds[0]!.p, readStdin };
  // several: each directory is walked from the current directory's point of view (once the configuration is read)
  return { root: process.cwd(), named: kinds, readStdin };
}

/**
 * The files named, and those under the directories named, in the order given. The
 * configuration's `ignore:` patterns apply to the directories' files relative to the
 * root (the current directory), as they do when one directory is scanned; a file named
 * on the command line is read.
 */
async function expandNamed(root: string, named: Array<{ p: string; dir: boolean }>, patterns: string[]): Promise<{ files: string[]; unreadable: UnreadableDirectory[] }> {
  const ig = ignore().add(patterns);
  const files: string[] = [];
  const unreadable: UnreadableDirectory[] = [];
  // overlapping paths (`k8s .`) name a file twice: read twice, propose --write would append its volumes twice
  const seen = new Set<string>();
  const add = (abs: string) => {
    if (!seen.has(abs)) files.push(abs);
    seen.add(abs);
  };
  for (const { p, dir } of named) {
    if (!dir) {
      add(p);
      continue;
    }
    const found = await discover(p, undefined);
    for (const d of found.unreadable ?? []) unreadable.push({ ...d, rel: toRel(root, path.join(found.root, d.rel)) });
    for (const f of found.files) {
      const abs = absolutePath(found.root, f);
      const rel = toRel(root, abs);
      // a directory outside the root has no path the patterns could name
      if (patterns.length && !rel.startsWith("../") && ig.ignores(rel)) continue;
      add(abs);
    }
  }
  return { files, unreadable };
}
