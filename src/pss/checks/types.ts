import type { PodView } from "../pod-view.js";

export type PssCheckLevel = "baseline" | "restricted";

/** Why a check forbids the pod; absent when it allows it. Mirrors admission's CheckResult. */
export interface CheckFailure {
  /** short, e.g. "host namespaces" */
  reason: string;
  /** specific, e.g. "hostNetwork=true"; may be empty */
  detail: string;
  /** a hint of ours, beyond what admission says */
  hint?: string;
}

export type CheckPodFn = (pod: PodView) => CheckFailure | undefined;

export interface VersionedCheck {
  /** first Kubernetes minor (1.x) this revision applies to */
  minimumVersion: number;
  checkPod: CheckPodFn;
  /** baseline checks this restricted revision replaces when restricted is evaluated */
  overrideCheckIds?: readonly string[];
}

/** One Pod Security Standards check, as `policy/check_<id>.go` defines it. */
export interface PssCheck {
  id: string;
  level: PssCheckLevel;
  /** strictly increasing minimumVersion */
  versions: readonly VersionedCheck[];
}
