import type { ScanResult, ScannedWorkload } from "../scan/pipeline.js";
import type { PairingResult } from "../pairing/pair-images.js";
import type { Pair } from "../pairing/pair.js";
import { formatKubeVersion } from "../kube/version.js";
import { locate } from "../source/source-file.js";
import { summarize } from "./summary.js";
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

export function pairsJson(pairing: PairingResult) {
  return {
    pairs: pairing.pairs.map(pairJson),
    unpairedDockerfiles: pairing.unpairedDockerfiles,
    unpairedContainers: pairing.unpairedContainers,
  };
}

export type ScanReport = ReturnType<typeof scanJson>;

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

/** A deployment unit found under the scanned paths: rendered by a command, or the note why not. */
export function unitJson(u: UnitOutcome) {
  return { unit: u.unit, kind: u.kind, file: u.file, renderedBy: u.renderedBy ?? null, note: u.note ?? null };
}

/** The `scan --format json` object of docs/schema/scan.schema.json; text and SARIF are made from it too. */
export function scanJson(result: ScanResult) {
  return {
    tool: TOOL,
    kubeVersion: formatKubeVersion(result.kube),
    findings: result.findings,
    workloads: result.workloads.map(workloadJson),
    pairs: pairsJson(result.pairing).pairs,
    unpairedDockerfiles: result.pairing.unpairedDockerfiles,
    unpairedContainers: result.pairing.unpairedContainers,
    units: result.units.map(unitJson),
    summary: summarize(result.findings, result.filesScanned, result.suppressed),
  };
}
