import type { Dockerfile } from "../dockerfile/model.js";
import type { Container, Workload } from "../manifest/workload.js";
import type { ScanResult } from "../scan/pipeline.js";
import { decideContainer, type ContainerDecision, type ProbeFacts } from "./decide.js";
import { knownImageFacts, staticImageFacts, type StaticImageFacts } from "./image-facts.js";
import { knownImage } from "../known-images/lookup.js";
import { nodeAgentReason } from "./node-agent.js";
import { placeWorkload, type PlacedProposal } from "./place.js";

/** The Dockerfile (and stage) a workload container runs, as pairing linked them. */
export interface ContainerImage {
  dockerfile: Dockerfile;
  stage: string | null;
  facts: StaticImageFacts;
}

/** Key of one container of one workload, stable across the scan. */
export function containerKey(w: Workload, c: Container): string {
  return `${workloadKey(w)}#${c.kind}/${c.name}`;
}

/** Which Dockerfile each workload container runs, from the pairing result. */
export function imagesByContainer(scan: Pick<ScanResult, "pairing">): Map<string, ContainerImage> {
  const out = new Map<string, ContainerImage>();
  for (const pair of scan.pairing.pairs) {
    const found = staticImageFacts(pair.dockerfile, pair.stage);
    if (!found) continue;
    const facts = pair.confidence === "low" ? { ...found, certain: false } : found;
    for (const t of pair.targets) {
      const key = containerKey(t.workload, t.container);
      if (!out.has(key)) out.set(key, { dockerfile: pair.dockerfile, stage: pair.stage, facts });
    }
  }
  return out;
}

export interface ProposeOptions {
  /** probe facts by container key (propose --probe) */
  probes?: Map<string, ProbeFacts>;
  /** verified flag by workload (file#doc#kind/ns/name); absent = false */
  verified?: Map<string, { verified: boolean; evidence: string[] }>;
}

export function workloadKey(w: Workload): string {
  // two overlays may deploy one base resource under the same namespace and name
  return `${w.rendered ? `${w.rendered.unit}#` : ""}${w.file.path}#${w.docIndex}#${w.kind}/${w.namespace}/${w.name}`;
}

/** The proposal of every workload of a scan, static evidence plus probe facts when given. */
export function proposeAll(scan: ScanResult, options: ProposeOptions = {}): PlacedProposal[] {
  const images = imagesByContainer(scan);
  const out: PlacedProposal[] = [];
  for (const { workload, pss } of scan.workloads) {
    const decisions: ContainerDecision[] = [];
    for (const container of workload.containers) {
      if (container.kind === "ephemeralContainer") continue; // debugging containers are not part of the template
      const key = containerKey(workload, container);
      const built = images.get(key)?.facts;
      // an image built elsewhere: what the known-images list says about it, if anything
      const known = built ? undefined : knownImage(container.image?.value);
      decisions.push(decideContainer({ workload, container, image: built ?? (known ? knownImageFacts(known) : undefined), probe: options.probes?.get(key), kube: scan.kube, restricted: pss.level === "restricted" }));
    }
    if (decisions.length === 0) continue;
    const v = options.verified?.get(workloadKey(workload));
    out.push(placeWorkload(workload, decisions, scan.kube, v?.verified ?? false, v?.evidence ?? [], nodeAgentReason(workload)));
  }
  return out;
}
