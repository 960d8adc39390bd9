import type { KubeVersion } from "../kube/version.js";
import type { Workload } from "../manifest/workload.js";

export type PssLevel = "privileged" | "baseline" | "restricted";

export interface PssViolation {
  level: Exclude<PssLevel, "privileged">;
  check: string;
  message: string;
}

export interface PssResult {
  level: PssLevel;
  violations: PssViolation[];
}

/** The highest Pod Security Standards level the workload's pod template satisfies. */
export function evaluatePss(_workload: Workload, _kube: KubeVersion): PssResult {
  // Replaced by the versioned checks of src/pss/checks/ (issue 3).
  return { level: "privileged", violations: [] };
}
