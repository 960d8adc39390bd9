import type { ScanResult, ScannedWorkload } from "../scan/pipeline.js";
import type { PairingResult, UnpairedContainer } from "../pairing/pair-images.js";
import type { Pair } from "../pairing/pair.js";
import type { Finding } from "../analyze/finding.js";
import { formatKubeVersion } from "../kube/version.js";
import { locate } from "../source/source-file.js";
import { summarize, type Summary } from "./summary.js";
import { listOf, type ReportChunk, type ReportList } from "./report-list.js";
import { prettyJsonChunks } from "./json-chunks.js";
import { TOOL } from "../tool.js";
import type { UnitOutcome } from "../render/render.js";

export function pairJson(p: Pair) {
  return {
    dockerfile: p.dockerfile.file.path,
    stage: p.stage,
    image: p.image,
    workloads: p.targets.map(({ workload, container }) => ({
      file: workload.file.path,
      kind: workload.kind,
      name: workload.name,
      namespace: workload.namespace,
      container: container.name,
      ...(workload.rendered ? { unit: workload.rendered.unit } : {}),
    })),
    evidence: p.evidence,
    confidence: p.confidence,
  };
}
export type PairJson = ReturnType<typeof pairJson>;

export function pairsJson(pairing: PairingResult) {
  return {
    pairs: pairing.pairs.map(pairJson),
    unpairedDockerfiles: pairing.unpairedDockerfiles,
    unpairedContainers: pairing.unpairedContainers,
    unpairedReasons: pairing.unpairedReasons,
    thirdPartyContainers: pairing.thirdPartyContainers ?? [],
  };
}

export function workloadJson({ workload, pss }: ScannedWorkload) {
  return {
    file: workload.file.path,
    line: locate(workload.node).line,
    kind: workload.kind,
    name: workload.name,
    namespace: workload.namespace,
    containers: workload.containers.map((c) => ({ name: c.name, image: c.image?.value ?? null, type: c.kind })),
    pss,
    // rendered output: the deployment unit (kustomize overlay, chart) and the command; null for a plain file
    unit: workload.rendered?.unit ?? null,
    renderedBy: workload.rendered?.renderedBy ?? null,
  };
}
export type WorkloadJson = ReturnType<typeof workloadJson>;

/** A deployment unit found under the scanned paths: rendered by a command, or the note why not. */
export function unitJson(u: UnitOutcome) {
  return { unit: u.unit, kind: u.kind, file: u.file, renderedBy: u.renderedBy ?? null, note: u.note ?? null };
}

/**
 * The `scan --format json` object of docs/schema/scan.schema.json, which text, SARIF and
 * the other reporters are made from too. Its long lists are ReportLists: a large scan
 * keeps them on disk and a reporter reads each once, in order (see report-list.ts); the
 * counts in `summary` are complete before any list is read.
 */
export interface ScanReport {
  tool: typeof TOOL;
  kubeVersion: string;
  findings: ReportList<Finding>;
  workloads: ReportList<WorkloadJson>;
  pairs: ReportList<PairJson>;
  unpairedDockerfiles: string[];
  unpairedContainers: ReportList<UnpairedContainer>;
  units: Array<ReturnType<typeof unitJson>>;
  summary: Summary;
}

/** The report of one pass, every list in memory. */
export function scanJson(result: ScanResult): ScanReport {
  return {
    tool: TOOL,
    kubeVersion: formatKubeVersion(result.kube),
    findings: listOf(result.findings),
    workloads: listOf(result.workloads.map(workloadJson)),
    pairs: listOf(pairsJson(result.pairing).pairs),
    unpairedDockerfiles: result.pairing.unpairedDockerfiles,
    unpairedContainers: listOf(result.pairing.unpairedContainers),
    units: result.units.map(unitJson),
    summary: summarize(result.findings, result.filesScanned, result.suppressed),
  };
}

/** `scan --format json`: the report as text, piece by piece (fields in contract order). */
export function scanJsonChunks(report: ScanReport): Iterable<ReportChunk> {
  const { tool, kubeVersion, findings, workloads, pairs, unpairedDockerfiles, unpairedContainers, units, summary } = report;
  return prettyJsonChunks({ tool, kubeVersion, findings, workloads, pairs, unpairedDockerfiles, unpairedContainers, units, summary });
}

/** The report as one plain object, every list read into memory (tests, small reports). */
export function scanReportObject(report: ScanReport) {
  return {
    ...report,
    findings: [...report.findings.items()],
    workloads: [...report.workloads.items()],
    pairs: [...report.pairs.items()],
    unpairedContainers: [...report.unpairedContainers.items()],
  };
}
