import type { Finding } from "../analyze/finding.js";
import { INPUT_RULES } from "../analyze/input-rules.js";
import type { Config } from "../config/config.js";
import type { Dockerfile } from "../dockerfile/model.js";
import { parseDockerfile } from "../dockerfile/parse.js";
import { chartRootOf } from "../manifest/template-detect.js";
import { imagePairer, type ImagePairer } from "../pairing/pair-images.js";
import type { SourceFile } from "../source/source-file.js";
import type { KubeVersion } from "../kube/version.js";
import { absolutePath, type DiscoveredFile, type Workspace } from "../workspace/discover.js";
import type { UnitOutcome } from "../render/render.js";
import { MAX_FILE_BYTES, readSource, type ReadOutcome } from "./read-input.js";

/** What every scan of one set of paths starts from: the root, its configuration, the version and the discovered files. */
export interface PreparedScan {
  root: string;
  config: Config;
  kube: KubeVersion;
  workspace: Workspace;
  /** explicit file paths were given (then every YAML/JSON named is read) */
  explicit: boolean;
  readStdin: boolean;
  /** '-' alone: the root's files serve pairing only (no Dockerfile findings, no manifests of its own) */
  stdinOnly?: boolean;
  /** the kustomize overlays and Helm charts found, rendered or with the reason they were not */
  units: UnitOutcome[];
}

/**
 * What every batch of manifest files is checked against, read once per thread: the
 * Dockerfiles, the build configs and the pairing index made from them.
 */
export interface ScanContext {
  prepared: PreparedScan;
  dockerfiles: Dockerfile[];
  buildConfigs: SourceFile[];
  pairer: ImagePairer;
  /** files read here that are not only manifests (manifests are read by their batch) */
  sources: Map<string, SourceFile>;
  chartRoots: Set<string>;
  /** unreadable files and Dockerfile syntax problems */
  inputFindings: Finding[];
}

/** A manifest-only file is read by the batch that checks it; everything else is read here. */
export function isManifestOnly(f: DiscoveredFile): boolean {
  return f.roles.length === 1 && f.roles[0] === "manifest";
}

export function openContext(prepared: PreparedScan): ScanContext {
  const { workspace, config } = prepared;
  const inputFindings: Finding[] = (workspace.unreadable ?? []).map((d) =>
    inputFinding(INPUT_RULES.unreadableDirectory, d.rel, 1, `cannot read directory ${d.rel}: ${d.code}; the files under it were not scanned`),
  );
  const sources = new Map<string, SourceFile>();
  const dockerfiles: Dockerfile[] = [];
  const buildConfigs: SourceFile[] = [];
  for (const entry of workspace.files) {
    if (isManifestOnly(entry)) continue;
    const outcome = readSource(absolutePath(workspace.root, entry), entry.rel);
    if (!outcome.ok) {
      inputFindings.push(unreadable(entry.rel, outcome));
      continue;
    }
    const file = outcome.file;
    sources.set(entry.rel, file);
    if (entry.roles.includes("build-config")) buildConfigs.push(file);
    if (!entry.roles.includes("dockerfile")) continue;
    const df = parseDockerfile(file, { buildArgs: config.buildArgs });
    for (const p of df.problems) {
      const pos = file.position(p.node.offset);
      inputFindings.push(inputFinding(INPUT_RULES.parseError, file.path, pos.line, `Dockerfile ${file.path}: ${p.value}`, pos.column));
    }
    if (df.stages.length > 0) dockerfiles.push(df);
  }
  const chartRoots = new Set(workspace.files.map((f) => chartRootOf(f.rel)).filter((r): r is string => r !== undefined));
  const pairer = imagePairer({ root: prepared.root, dockerfiles, buildConfigs, config });
  return { prepared, dockerfiles, buildConfigs, pairer, sources, chartRoots, inputFindings };
}

export function inputFinding(rule: (typeof INPUT_RULES)[keyof typeof INPUT_RULES], file: string, line: number, message: string, column = 1): Finding {
  return { ruleId: rule.id, severity: rule.severity, message, file, line, column, workload: null, container: null, dockerfile: null };
}

export function unreadable(rel: string, outcome: Exclude<ReadOutcome, { ok: true }>): Finding {
  if (outcome.reason === "too-large") {
    return inputFinding(INPUT_RULES.fileTooLarge, rel, 1, `skipped: ${(outcome.bytes / 1048576).toFixed(1)} MiB is over the ${MAX_FILE_BYTES / 1048576} MiB limit`);
  }
  return inputFinding(INPUT_RULES.parseError, rel, outcome.line, `cannot read ${rel}: ${outcome.message}`);
}

/** Rule settings from the configuration, for findings that no analyzer made (input problems). */
export function applyRuleSettings(findings: Finding[], config: Config): Finding[] {
  return findings.flatMap((f) => {
    const s = config.rules.get(f.ruleId);
    if (s?.enabled === false) return [];
    return [s?.severity ? { ...f, severity: s.severity } : f];
  });
}
