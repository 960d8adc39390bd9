import type { Dockerfile } from "../dockerfile/model.js";
import type { Container, Workload } from "../manifest/workload.js";
import type { Pos } from "../source/source-file.js";

export type EvidenceKind = "config" | "skaffold" | "compose" | "kustomize" | "ci" | "makefile" | "tilt" | "bake" | "heuristic";
export type Confidence = "high" | "medium" | "low";

export interface Evidence {
  kind: EvidenceKind;
  file: string;
  line: number;
  detail: string;
}

/** The image a container finally deploys (after kustomize `images:` rewrites) that made the pair. */
export interface DeployedImage {
  /** the reference deployed, e.g. `ghcr.io/acme/web:1.4.2` */
  ref: string;
  repository: string;
  tag?: string;
  digest?: string;
  /** where the tag (or digest) is decided: the kustomize `images:` entry that set it, else the container's `image` */
  at: Pos;
  /** the kustomize rewrites applied, inner first */
  rewrites: Evidence[];
}

/** One build config's build of the paired image: what it tags and where it says so. */
export interface PairBuild {
  evidence: Evidence;
  at: Pos;
  /** tags it gives this repository (may hold unresolved parts, see image-ref.ts); undefined when decided elsewhere (skaffold, Tilt, metadata-action …) */
  tags?: string[];
  /** the tags come from a variable the user sets when building (a Makefile's `?=`): the default is not the only one */
  overridable?: boolean;
}

/** A Dockerfile linked to the workload containers that deploy the image it builds. */
export interface Pair {
  dockerfile: Dockerfile;
  /** build target stage when one is named */
  stage: string | null;
  /** image repository, no tag or digest */
  image: string;
  targets: Array<{ workload: Workload; container: Container; deployed?: DeployedImage[] }>;
  evidence: Evidence[];
  confidence: Confidence;
  /** the builds that make the image (absent when a pair is made by hand, e.g. in docs examples) */
  builds?: PairBuild[];
}
