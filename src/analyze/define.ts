import type { Dockerfile } from "../dockerfile/model.js";
import type { KnownImage } from "../known-images/lookup.js";
import type { Container, Workload } from "../manifest/workload.js";
import type { Pair } from "../pairing/pair.js";
import type { KubeVersion } from "../kube/version.js";
import type { Pos } from "../source/source-file.js";
import type { Fix, Severity } from "./finding.js";

export type Scope = "container" | "workload" | "dockerfile" | "pair";

export interface Report {
  /** where the user should look: the offending field, or its parent when it is missing */
  at: Pos | undefined;
  message: string;
  /** the failure the user will see, in one sentence */
  why?: string;
  fix?: Fix;
  /** override the rule's default severity for this finding (e.g. error vs warning by evidence) */
  severity?: Severity;
  /** other places that take part, e.g. the Dockerfile USER line of a pair finding */
  related?: Array<{ at: Pos; message: string }>;
}

type ReportFn = (r: Report) => void;

/** What is known about the image a container runs, without running it. */
export interface ContainerImageFacts {
  /** the Dockerfile pairing links to the container, when this repository builds its image */
  dockerfile?: Dockerfile;
  /** the known-images entry for the image it names, when no Dockerfile here builds it */
  known?: KnownImage;
  /**
   * The deploy tool replaces the written reference (pairing's evidence): skaffold and Tilt
   * deploy each build by its own tag (no `refs`); a kustomize `images:` entry makes it `refs`.
   */
  deployedAs?: { by: string; refs?: Array<{ ref: string; by: string }> };
}

export interface ContainerContext {
  container: Container;
  workload: Workload;
  kube: KubeVersion;
  report: ReportFn;
  image: ContainerImageFacts;
}
export interface WorkloadContext {
  workload: Workload;
  kube: KubeVersion;
  report: ReportFn;
}
export interface DockerfileContext {
  dockerfile: Dockerfile;
  kube: KubeVersion;
  report: ReportFn;
}
export interface PairContext {
  pair: Pair;
  dockerfile: Dockerfile;
  workload: Workload;
  container: Container;
  kube: KubeVersion;
  report: ReportFn;
}

interface Meta {
  /** `topic/short-name`, stable forever */
  id: string;
  severity: Severity;
  summary: string;
}

export type Analyzer =
  | (Meta & { scope: "container"; check(ctx: ContainerContext): void })
  | (Meta & { scope: "workload"; check(ctx: WorkloadContext): void })
  | (Meta & { scope: "dockerfile"; check(ctx: DockerfileContext): void })
  | (Meta & { scope: "pair"; check(ctx: PairContext): void });

/** Identity function that gives an analyzer object its type (and the editor its completions). */
export function defineAnalyzer<A extends Analyzer>(analyzer: A): A {
  return analyzer;
}
