import { analyze } from "../analyze/engine.js";
import type { Analyzer } from "../analyze/define.js";
import type { Finding } from "../analyze/finding.js";
import { INPUT_RULES } from "../analyze/input-rules.js";
import { loadManifest, mayHoldKubernetesObjects, type ManifestFile } from "../manifest/load.js";
import { looksLikeTemplate } from "../manifest/template-detect.js";
import type { PairingResult } from "../pairing/pair-images.js";
import { evaluatePss, type PssResult } from "../pss/evaluate.js";
import { locate, type SourceFile } from "../source/source-file.js";
import { absolutePath, type DiscoveredFile } from "../workspace/discover.js";
import { inputFinding, isManifestOnly, unreadable, type ScanContext } from "./context.js";
import type { Workload } from "../manifest/workload.js";
import { readSource } from "./read-input.js";

export interface ReadManifests {
  manifests: ManifestFile[];
  /** files that are Go/Helm templates: noted once per chart when every batch is in (templateNotes) */
  templates: string[];
  /** unreadable files and YAML syntax errors */
  inputFindings: Finding[];
  /** manifest-only files read (the context counts the others) */
  filesRead: number;
}

/** Read and parse a batch of manifest files; `stdin` is the text piped in for '-'. */
export function readManifests(ctx: ScanContext, entries: readonly DiscoveredFile[], stdin?: SourceFile): ReadManifests {
  const out: ReadManifests = { manifests: [], templates: [], inputFindings: [], filesRead: 0 };
  for (const entry of entries) {
    let file = ctx.sources.get(entry.rel);
    if (!file) {
      // a file with other roles was read by the context, which reported it if unreadable
      if (!isManifestOnly(entry)) continue;
      const outcome = readSource(absolutePath(ctx.prepared.workspace.root, entry), entry.rel);
      if (!outcome.ok) {
        out.inputFindings.push(unreadable(entry.rel, outcome));
        continue;
      }
      out.filesRead++;
      file = outcome.file;
    }
    addManifest(ctx, out, file, ctx.prepared.explicit);
  }
  if (stdin) {
    out.filesRead++;
    addManifest(ctx, out, stdin, true);
  }
  return out;
}

function addManifest(ctx: ScanContext, out: ReadManifests, file: SourceFile, explicit: boolean): void {
  if (!explicit && !mayHoldKubernetesObjects(file.text)) return;
  if (looksLikeTemplate(file.path, file.text, ctx.chartRoots)) {
    out.templates.push(file.path);
    return;
  }
  const manifest = loadManifest(file);
  if (manifest.error) {
    out.inputFindings.push(inputFinding(INPUT_RULES.parseError, file.path, manifest.error.line, `YAML syntax error: ${manifest.error.message}`, manifest.error.column));
  }
  out.inputFindings.push(...invalidWorkloadFindings(manifest), ...duplicateKeyFindings(manifest));
  out.manifests.push(manifest);
}

/** input/invalid-workload findings for the workload parts of the wrong type in a manifest. */
export function invalidWorkloadFindings(manifest: ManifestFile): Finding[] {
  return (manifest.problems ?? []).map((p) => {
    const { line, column } = locate(p.at);
    return inputFinding(INPUT_RULES.invalidWorkload, p.at.file.path, line, p.message, column);
  });
}

/**
 * input/duplicate-key errors, at the line whose value shipshape reads (the last), with the
 * other lines as related locations: which one the cluster gets depends on the tool.
 */
export function duplicateKeyFindings(manifest: ManifestFile): Finding[] {
  return (manifest.duplicates ?? []).map(({ key, at }) => {
    const places = at.map(locate);
    const used = places[places.length - 1]!;
    const before = places.slice(0, -1);
    // a flow mapping on one line: line and column tell the places apart
    const oneLine = new Set(places.map((p) => p.line)).size < places.length;
    const name = (p: (typeof places)[number]) => (oneLine ? `${p.line}:${p.column}` : String(p.line));
    const where = `${oneLine ? "at" : "lines"} ${before.map(name).join(", ")} and ${name(used)}`;
    const written = at.length === 2 ? "twice" : `${at.length} times`;
    const finding = inputFinding(
      INPUT_RULES.duplicateKey,
      used.file,
      used.line,
      `key '${key}' is written ${written} in one mapping (${where}): shipshape checks the last (${oneLine ? "at " : "line "}${name(used)}), but which one counts depends on the tool (kustomize and kubectl apply --validate=strict refuse the file); keep one`,
      used.column,
    );
    finding.related = before.map((p) => ({ ...p, message: `'${key}' first written here` }));
    return finding;
  });
}

/** One note per chart (or per template file outside a chart), suggesting to render it first. */
export function templateNotes(templates: readonly string[], chartRoots: Set<string>): Finding[] {
  const byKey = new Map<string, string[]>();
  for (const path of templates) {
    const chart = [...chartRoots].find((r) => path.startsWith(r) && r !== "") ?? (chartRoots.has("") ? "" : undefined);
    const key = chart ?? path;
    const files = byKey.get(key);
    if (files) files.push(path);
    else byKey.set(key, [path]);
  }
  return [...byKey].map(([key, files]) => {
    const where = files.length === 1 ? files[0]! : `${files.length} files under ${key || "."}`;
    return inputFinding(
      INPUT_RULES.templateSkipped,
      files[0]!,
      1,
      `${where}: Go/Helm template text is not YAML until rendered; scan the rendered output instead: helm template <release> ${key || "."} | shipshape scan -`,
    );
  });
}

export interface ScannedWorkload {
  workload: Workload;
  pss: PssResult;
}

export interface CheckedManifests {
  findings: Finding[];
  suppressedKeys: string[];
  workloads: ScannedWorkload[];
  pairing: PairingResult;
}

/**
 * Pair the workloads of these manifests with the context's Dockerfiles and run the
 * analyzers over them. Dockerfile-scope analyzers run only when asked (once per scan).
 */
export function checkManifests(ctx: ScanContext, manifests: readonly ManifestFile[], analyzers: readonly Analyzer[], withDockerfiles: boolean): CheckedManifests {
  const { config, kube } = ctx.prepared;
  const workloads = manifests.flatMap((m) => m.workloads);
  const pairing = ctx.pairer.pair(workloads);
  const { findings, suppressedKeys } = analyze(
    { workloads, dockerfiles: withDockerfiles ? ctx.dockerfiles : [], pairs: pairing.pairs, kube },
    withDockerfiles ? analyzers : analyzers.filter((a) => a.scope !== "dockerfile"),
    config.rules,
  );
  return { findings, suppressedKeys, workloads: workloads.map((workload) => ({ workload, pss: evaluatePss(workload, kube) })), pairing };
}
