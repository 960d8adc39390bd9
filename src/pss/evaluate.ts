import type { KubeVersion } from "../kube/version.js";
import type { Workload } from "../manifest/workload.js";
import { podViewOf } from "./pod-view.js";
import { checksAt } from "./registry.js";

export type PssLevel = "privileged" | "baseline" | "restricted";

export interface PssViolation {
  level: Exclude<PssLevel, "privileged">;
  /** admission's check id, e.g. `runAsNonRoot` */
  check: string;
  /** admission's wording, `reason (detail)`, plus a hint of ours where admission is terse */
  message: string;
  /** admission's ForbiddenReason, e.g. `runAsNonRoot != true` */
  reason: string;
  /** admission's ForbiddenDetail; may be empty */
  detail: string;
}

export interface PssResult {
  level: PssLevel;
  violations: PssViolation[];
}

/**
 * The highest Pod Security Standards level the workload's pod template satisfies at the
 * requested Kubernetes version, with every failed check. Versions newer than the newest
 * check revision evaluate like it, as admission does for `latest`.
 */
export function evaluatePss(workload: Pick<Workload, "podSpec" | "podAnnotations">, kube: KubeVersion): PssResult {
  const pod = podViewOf(workload);
  const violations: PssViolation[] = [];
  let baselineOk = true;
  let restrictedOk = true;
  for (const check of checksAt(kube.minor)) {
    const failure = check.checkPod(pod);
    if (!failure) continue;
    if (check.level === "baseline") baselineOk = false;
    else restrictedOk = false;
    let message = failure.detail ? `${failure.reason} (${failure.detail})` : failure.reason;
    if (failure.hint) message += `: ${failure.hint}`;
    violations.push({ level: check.level, check: check.id, message, reason: failure.reason, detail: failure.detail });
  }
  // Restricted includes baseline, so a baseline failure caps the level at privileged.
  const level: PssLevel = !baselineOk ? "privileged" : restrictedOk ? "restricted" : "baseline";
  return { level, violations };
}
