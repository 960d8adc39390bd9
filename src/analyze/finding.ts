export const SEVERITIES = ["error", "warning", "note"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Rank for --fail-on comparisons: higher is more severe. */
export function severityRank(s: Severity): number {
  return s === "error" ? 3 : s === "warning" ? 2 : 1;
}

export interface WorkloadRef {
  kind: string;
  name: string;
  namespace: string;
}

/**
 * A mechanical fix, as data: set `value` at `set`, a path under the container
 * (`on: "container"`, the default) or the pod spec (`on: "pod"`) or the pod template's
 * metadata (`on: "podMetadata"`). `propose` and the reporters decide what to do with it.
 */
export interface Fix {
  set: Array<string | number>;
  value: unknown;
  on?: "container" | "pod" | "podMetadata";
  /** a fix that adds to a list rather than replacing it */
  merge?: "append";
}

export interface RelatedLocation {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** relative to the scanned root, '/' separators */
  file: string;
  line: number;
  column: number;
  workload: WorkloadRef | null;
  container: string | null;
  dockerfile: string | null;
  /** why it matters: the failure the user will see */
  why?: string;
  fix?: Fix;
  /** other places that take part (the Dockerfile line of a pair finding, …) */
  related?: RelatedLocation[];
  /** the deployment units (kustomize overlays, rendered charts) whose rendered output has this finding */
  units?: string[];
}
