import path from "node:path";
import { stat } from "node:fs/promises";
import { UsageError } from "../cli/errors.js";
import { loadConfig, type Config } from "../config/config.js";
import { discover, type DiscoveredFile, type Workspace } from "../workspace/discover.js";
import { readSource, decodeSource, MAX_FILE_BYTES } from "./read-input.js";
import type { SourceFile } from "../source/source-file.js";
import { parseDockerfile } from "../dockerfile/parse.js";
import { lazyDockerfile } from "../dockerfile/lazy.js";
import type { Dockerfile } from "../dockerfile/model.js";
import { loadManifest, mayHoldKubernetesObjects, type ManifestFile } from "../manifest/load.js";
import { looksLikeTemplate, chartRootOf } from "../manifest/template-detect.js";
import type { Workload } from "../manifest/workload.js";
import { pairImages, type PairingResult } from "../pairing/pair-images.js";
import { analyze } from "../analyze/engine.js";
import type { Analyzer } from "../analyze/define.js";
import { INPUT_RULES } from "../analyze/input-rules.js";
import type { Finding } from "../analyze/finding.js";
import { parseKubeVersion, type KubeVersion } from "../kube/version.js";
import { evaluatePss, type PssResult } from "../pss/evaluate.js";
import type { Progress } from "../cli/progress.js";

export interface ScanOptions {
  paths: string[];
  /** manifests read from standard input when a path is '-' */
  stdin?: () => Promise<Buffer>;
  kubeVersion?: string;
  configFile?: string;
  analyzers: readonly Analyzer[];
  progress?: Progress;
}

/** What a scan reads, decided once (the main thread hands it to shard workers). */
export interface PreparedScan {
  root: string;
  config: Config;
  kube: KubeVersion;
  workspace: Workspace;
  /** explicit file paths were given (then every YAML/JSON named is read) */
  explicit: boolean;
  readStdin: boolean;
}

/**
 * A part of a large scan: only these manifest files. Dockerfiles and build configs are
 * read by every shard (pairing needs them all), but only the primary shard reports on
 * them; the others parse a Dockerfile only when one of their containers deploys it.
 */
export interface Shard {
  manifests: Set<string>;
  primary: boolean;
}

export interface ScannedWorkload {
  workload: Workload;
  pss: PssResult;
}

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
}

/** discover → read → parse → pair → analyze: the whole static pass, data flowing one way. */
export async function scan(options: ScanOptions): Promise<ScanResult> {
  return scanPrepared(await prepareScan(options), options);
}

/** Resolve the inputs, read the configuration and discover the files. */
export async function prepareScan(options: Pick<ScanOptions, "paths" | "kubeVersion" | "configFile" | "analyzers">): Promise<PreparedScan> {
  const { root, explicit, readStdin } = await resolveInputs(options.paths);
  const config = await loadConfig(root, options.configFile, knownRuleIds(options.analyzers));
  const kube = parseKubeVersion(options.kubeVersion ?? config.kubeVersion);
  const workspace = await discover(root, explicit, { ignore: config.ignore });
  return { root, config, kube, workspace, explicit: explicit !== undefined, readStdin };
}

export function knownRuleIds(analyzers: readonly Analyzer[]): Set<string> {
  return new Set([...analyzers.map((a) => a.id), ...Object.values(INPUT_RULES).map((r) => r.id)]);
}

export async function scanPrepared(prepared: PreparedScan, options: ScanOptions, shard?: Shard): Promise<ScanResult> {
  const { root, config, kube, workspace, readStdin } = prepared;
  const primary = shard?.primary ?? true;
  const files = shard ? workspace.files.filter((f) => !f.roles.includes("manifest") || f.roles.length > 1 || shard.manifests.has(f.rel)) : workspace.files;
  options.progress?.update(`reading ${files.length} files`);

  const inputFindings: Finding[] = [];
  const inputFinding = (rule: (typeof INPUT_RULES)[keyof typeof INPUT_RULES], file: string, line: number, message: string, column = 1) =>
    inputFindings.push({ ruleId: rule.id, severity: rule.severity, message, file, line, column, workload: null, container: null, dockerfile: null });

  const sources = readAll(files, (f, outcome) => {
    if (outcome.reason === "too-large")
      inputFinding(INPUT_RULES.fileTooLarge, f.rel, 1, `skipped: ${(outcome.bytes / 1048576).toFixed(1)} MiB is over the ${MAX_FILE_BYTES / 1048576} MiB limit`);
    else inputFinding(INPUT_RULES.parseError, f.rel, outcome.line, `cannot read ${f.rel}: ${outcome.message}`);
  });
  if (readStdin && options.stdin) {
    const outcome = decodeSource(await options.stdin(), "<stdin>");
    if (outcome.ok) sources.push({ entry: { rel: "<stdin>", abs: "-", roles: ["manifest"] }, file: outcome.file });
    else if (outcome.reason !== "too-large") inputFinding(INPUT_RULES.parseError, "<stdin>", outcome.line, `cannot read standard input: ${outcome.message}`);
  }

  const chartRoots = new Set(workspace.files.map((f) => chartRootOf(f.rel)).filter((r): r is string => r !== undefined));
  const templateNotes = new Map<string, string[]>();
  const dockerfiles: Dockerfile[] = [];
  const manifests: ManifestFile[] = [];
  const buildConfigs: SourceFile[] = [];
  options.progress?.update(`parsing ${sources.length} files`);
  let done = 0;
  for (const { entry, file } of sources) {
    if (++done % 500 === 0) options.progress?.update(`parsing ${done}/${sources.length} files`);
    if (entry.roles.includes("build-config")) buildConfigs.push(file);
    if (entry.roles.includes("dockerfile")) {
      if (!primary) {
        dockerfiles.push(lazyDockerfile(file, { buildArgs: config.buildArgs }));
        continue;
      }
      const df = parseDockerfile(file, { buildArgs: config.buildArgs });
      for (const p of df.problems) {
        const pos = file.position(p.node.offset);
        inputFinding(INPUT_RULES.parseError, file.path, pos.line, `Dockerfile ${file.path}: ${p.value}`, pos.column);
      }
      if (df.stages.length > 0) dockerfiles.push(df);
      continue;
    }
    if (!entry.roles.includes("manifest")) continue;
    if (shard && !shard.manifests.has(entry.rel)) continue;
    const explicitFile = prepared.explicit || entry.abs === "-";
    if (!explicitFile && !mayHoldKubernetesObjects(file.text)) continue;
    if (looksLikeTemplate(file.path, file.text, chartRoots)) {
      const chart = [...chartRoots].find((r) => file.path.startsWith(r) && r !== "") ?? (chartRoots.has("") ? "" : undefined);
      const key = chart ?? file.path;
      templateNotes.set(key, [...(templateNotes.get(key) ?? []), file.path]);
      continue;
    }
    const manifest = loadManifest(file);
    if (manifest.error) {
      inputFinding(INPUT_RULES.parseError, file.path, manifest.error.line, `YAML syntax error: ${manifest.error.message}`, manifest.error.column);
    }
    manifests.push(manifest);
  }
  for (const [key, files] of templateNotes) {
    const where = files.length === 1 ? files[0]! : `${files.length} files under ${key || "."}`;
    inputFinding(
      INPUT_RULES.templateSkipped,
      files[0]!,
      1,
      `${where}: Go/Helm template text is not YAML until rendered; scan the rendered output instead: helm template <release> ${key || "."} | shipshape scan -`,
    );
  }

  const workloads = manifests.flatMap((m) => m.workloads);
  options.progress?.update(`pairing ${dockerfiles.length} Dockerfiles with ${workloads.length} workloads`);
  const pairing = pairImages({ root, dockerfiles, workloads, buildConfigs, config });
  options.progress?.update(`analyzing`);
  // Dockerfile findings come from the primary shard only (every shard reads them for pairing)
  const analyzers = primary ? options.analyzers : options.analyzers.filter((a) => a.scope !== "dockerfile");
  const { findings, suppressed } = analyze({ workloads, dockerfiles, pairs: pairing.pairs, kube }, analyzers, config.rules);
  const allFindings = [...applyRuleSettings(inputFindings, config), ...findings];
  sortFindings(allFindings);
  return {
    root,
    kube,
    config,
    findings: allFindings,
    suppressed,
    workloads: workloads.map((workload) => ({ workload, pss: evaluatePss(workload, kube) })),
    dockerfiles,
    manifests,
    pairing,
    filesScanned: shard && !primary ? sources.filter((s) => shard.manifests.has(s.entry.rel) && s.entry.roles.length === 1).length : sources.length,
  };
}

function applyRuleSettings(findings: Finding[], config: Config): Finding[] {
  return findings.flatMap((f) => {
    const s = config.rules.get(f.ruleId);
    if (s?.enabled === false) return [];
    return [s?.severity ? { ...f, severity: s.severity } : f];
  });
}

export function sortFindings(findings: Finding[]): void {
  findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : 1)));
}

/** One directory → it is the root; files or several paths → the current directory is. */
async function resolveInputs(paths: string[]): Promise<{ root: string; explicit?: string[]; readStdin: boolean }> {
  const list = paths.length ? paths : ["."];
  const readStdin = list.includes("-");
  const rest = list.filter((p) => p !== "-");
  if (rest.length === 0) return { root: process.cwd(), explicit: [], readStdin };
  const kinds = await Promise.all(
    rest.map(async (p) => {
      const st = await stat(p).catch(() => undefined);
      if (!st) throw new UsageError(`no such file or directory: ${p}`);
      return { p: path.resolve(p), dir: st.isDirectory() };
    }),
  );
  if (kinds.length === 1 && kinds[0]!.dir && !readStdin) return { root: kinds[0]!.p, readStdin };
  if (kinds.every((k) => !k.dir)) return { root: process.cwd(), explicit: kinds.map((k) => k.p), readStdin };
  // a mix: walk each directory from the current directory's point of view
  const root = process.cwd();
  const explicit: string[] = [];
  for (const k of kinds) {
    if (!k.dir) explicit.push(k.p);
    else explicit.push(...(await discover(k.p, undefined)).files.map((f) => f.abs));
  }
  return { root, explicit, readStdin };
}

function readAll(
  files: DiscoveredFile[],
  onSkip: (f: DiscoveredFile, outcome: Exclude<ReturnType<typeof readSource>, { ok: true }>) => void,
): Array<{ entry: DiscoveredFile; file: SourceFile }> {
  const out: Array<{ entry: DiscoveredFile; file: SourceFile }> = [];
  for (const f of files) {
    const outcome = readSource(f.abs, f.rel);
    if (outcome.ok) out.push({ entry: f, file: outcome.file });
    else onSkip(f, outcome);
  }
  return out;
}
