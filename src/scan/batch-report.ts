import type { Analyzer } from "../analyze/define.js";
import { analyze, findingKey, keyFile } from "../analyze/engine.js";
import type { Finding } from "../analyze/finding.js";
import { compareEvidence } from "../pairing/pair-images.js";
import { pairJson, unitJson, workloadJson, type ScanReport } from "../report/json.js";
import { summarize } from "../report/summary.js";
import { formatKubeVersion } from "../kube/version.js";
import { TOOL } from "../tool.js";
import type { DiscoveredFile } from "../workspace/discover.js";
import { applyRuleSettings, type ScanContext } from "./context.js";
import { checkManifests, readManifests, templateNotes } from "./manifest-batch.js";
import { sortFindings } from "./pipeline.js";

/**
 * The report on one batch of manifest files, in the JSON report's terms. Only this
 * crosses a thread boundary, and the batch's YAML trees and models are garbage as soon as
 * it is made: a large scan keeps only what it reports.
 */
export interface BatchReport {
  /** findings in the batch's own files: no other batch can make them */
  findings: Finding[];
  /** findings elsewhere (a kustomization or Dockerfile line workloads share), deduplicated when merged */
  shared: Finding[];
  suppressedKeys: string[];
  /** files outside the batch where it suppressed a finding */
  suppressedElsewhere: string[];
  workloads: ScanReport["workloads"];
  pairs: ScanReport["pairs"];
  unpairedContainers: ScanReport["unpairedContainers"];
  templates: string[];
  filesRead: number;
}

export function batchReport(ctx: ScanContext, entries: readonly DiscoveredFile[], analyzers: readonly Analyzer[]): BatchReport {
  const read = readManifests(ctx, entries);
  const checked = checkManifests(ctx, read.manifests, analyzers, false);
  const mine = new Set(entries.map((e) => e.rel));
  const findings: Finding[] = [];
  const shared: Finding[] = [];
  for (const f of [...applyRuleSettings(read.inputFindings, ctx.prepared.config), ...checked.findings]) (mine.has(f.file) ? findings : shared).push(f);
  return {
    findings,
    shared,
    suppressedKeys: checked.suppressedKeys,
    suppressedElsewhere: checked.suppressedKeys.map(keyFile).filter((f) => !mine.has(f)),
    workloads: checked.workloads.map(workloadJson),
    pairs: checked.pairing.pairs.map(pairJson),
    unpairedContainers: checked.pairing.unpairedContainers,
    templates: read.templates,
    filesRead: read.filesRead,
  };
}

/** What the scan reports on the context itself: the Dockerfiles and unreadable files. */
export function contextReport(ctx: ScanContext, analyzers: readonly Analyzer[]): Pick<BatchReport, "shared" | "suppressedKeys" | "suppressedElsewhere"> {
  const { findings, suppressedKeys } = analyze(
    { workloads: [], dockerfiles: ctx.dockerfiles, pairs: [], kube: ctx.prepared.kube },
    analyzers.filter((a) => a.scope === "dockerfile"),
    ctx.prepared.config.rules,
  );
  return { shared: [...applyRuleSettings(ctx.inputFindings, ctx.prepared.config), ...findings], suppressedKeys, suppressedElsewhere: suppressedKeys.map(keyFile) };
}

const RANK = { low: 0, medium: 1, high: 2 } as const;

/**
 * Merge the batches, in file order, into the report one pass over every file gives: the
 * same finding or suppression from two batches (a pair finding on a shared Dockerfile
 * line) counts once, a pair's workloads and evidence are joined, Helm notes grouped.
 */
export function mergeBatches(
  ctx: ScanContext,
  own: Pick<BatchReport, "shared" | "suppressedKeys" | "suppressedElsewhere">,
  batches: readonly BatchReport[],
): ScanReport {
  const parts = [{ findings: [], ...own }, ...batches];
  // only a finding in a file some part does not own can come twice: key those alone
  const sharedFiles = new Set(parts.flatMap((p) => [...p.shared.map((f) => f.file), ...p.suppressedElsewhere]));
  const seen = new Set<string>();
  const suppressed = new Set<string>();
  let suppressedOnce = 0;
  const findings: Finding[] = [];
  const add = (f: Finding) => {
    const key = findingKey(f);
    if (seen.has(key) || suppressed.has(key)) return;
    seen.add(key);
    findings.push(f);
  };
  for (const part of parts) {
    for (const k of part.suppressedKeys) {
      if (!sharedFiles.has(keyFile(k))) suppressedOnce++;
      else if (!seen.has(k)) suppressed.add(k);
    }
    for (const f of part.findings) {
      if (sharedFiles.has(f.file)) add(f);
      else findings.push(f);
    }
    part.shared.forEach(add);
  }
  findings.push(...applyRuleSettings(templateNotes(batches.flatMap((b) => b.templates), ctx.chartRoots), ctx.prepared.config));
  sortFindings(findings);

  const pairs = new Map<string, ScanReport["pairs"][number]>();
  for (const p of batches.flatMap((b) => b.pairs)) {
    const key = `${p.dockerfile}\0${p.stage}\0${p.image}`;
    const seenPair = pairs.get(key);
    if (!seenPair) {
      pairs.set(key, { ...p, workloads: [...p.workloads], evidence: [...p.evidence] });
      continue;
    }
    seenPair.workloads.push(...p.workloads);
    const known = new Set(seenPair.evidence.map((e) => `${e.kind}\0${e.file}\0${e.line}\0${e.detail}`));
    for (const e of p.evidence) if (!known.has(`${e.kind}\0${e.file}\0${e.line}\0${e.detail}`)) seenPair.evidence.push(e);
    seenPair.evidence.sort(compareEvidence);
    if (RANK[p.confidence] > RANK[seenPair.confidence]) seenPair.confidence = p.confidence;
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const merged = [...pairs.values()].sort((a, b) => cmp(a.dockerfile, b.dockerfile) || cmp(a.stage ?? "", b.stage ?? "") || cmp(a.image, b.image));
  const paired = new Set(merged.map((p) => p.dockerfile));
  const files = ctx.sources.size + batches.reduce((n, b) => n + b.filesRead, 0);
  return {
    tool: TOOL,
    kubeVersion: formatKubeVersion(ctx.prepared.kube),
    findings,
    workloads: batches.flatMap((b) => b.workloads),
    pairs: merged,
    unpairedDockerfiles: ctx.dockerfiles.map((d) => d.file.path).filter((p) => !paired.has(p)).sort(),
    unpairedContainers: batches.flatMap((b) => b.unpairedContainers),
    units: ctx.prepared.units.map(unitJson),
    summary: summarize(findings, files, suppressed.size + suppressedOnce),
  };
}
