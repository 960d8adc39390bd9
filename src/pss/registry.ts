import { PSS_CHECKS } from "./checks/index.js";
import type { CheckPodFn, PssCheck, PssCheckLevel } from "./checks/types.js";

/** One check as it applies at one policy version. */
export interface ResolvedCheck {
  id: string;
  level: PssCheckLevel;
  minimumVersion: number;
  checkPod: CheckPodFn;
  /** a restricted check replaces this baseline check when restricted is evaluated */
  overriddenBy?: string;
}

/** The highest minimumVersion of any check: newer versions evaluate like this one (admission's maxVersion). */
export function maxPolicyMinor(checks: readonly PssCheck[] = PSS_CHECKS): number {
  let max = 0;
  for (const c of checks) max = Math.max(max, c.versions[c.versions.length - 1]!.minimumVersion);
  return max;
}

/** The checks that apply at 1.minor, each at its newest revision not newer than that version. */
export function resolveChecks(minor: number, checks: readonly PssCheck[] = PSS_CHECKS): ResolvedCheck[] {
  const out: ResolvedCheck[] = [];
  const overrides = new Map<string, string>();
  for (const check of checks) {
    let revision;
    for (const v of check.versions) if (v.minimumVersion <= minor) revision = v;
    if (!revision) continue;
    out.push({ id: check.id, level: check.level, minimumVersion: revision.minimumVersion, checkPod: revision.checkPod });
    for (const id of revision.overrideCheckIds ?? []) overrides.set(id, check.id);
  }
  for (const r of out) {
    const by = overrides.get(r.id);
    if (by !== undefined && r.level === "baseline") r.overriddenBy = by;
  }
  return out;
}

const MAX_MINOR = maxPolicyMinor();
/** Resolved once per version, so evaluating a workload allocates nothing for the registry. */
const TABLE: ResolvedCheck[][] = Array.from({ length: MAX_MINOR + 1 }, (_, minor) => resolveChecks(minor));

export function checksAt(minor: number): readonly ResolvedCheck[] {
  return TABLE[Math.max(0, Math.min(minor, MAX_MINOR))]!;
}
