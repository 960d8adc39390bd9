import type { Dockerfile } from "../dockerfile/model.js";
import type { Container, Workload } from "../manifest/workload.js";

export type EvidenceKind = "config" | "skaffold" | "compose" | "kustomize" | "ci" | "makefile" | "tilt" | "heuristic";
export type Confidence = "high" | "medium" | "low";

export interface Evidence {
  kind: EvidenceKind;
  file: string;
  line: number;
  detail: string;
}

/** A Dockerfile linked to the workload containers that deploy the image it builds. */
export interface Pair {
  dockerfile: Dockerfile;
  /** build target stage when one is named */
  stage: string | null;
  /** image repository, no tag or digest */
  image: string;
  targets: Array<{ workload: Workload; container: Container }>;
  evidence: Evidence[];
  confidence: Confidence;
}
