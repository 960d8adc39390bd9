import { severityRank, type Severity } from "../analyze/finding.js";
import type { FailOn } from "../analyze/fail-on.js";
import type { PlacedProposal } from "./place.js";

/**
 * propose as a pipeline gate: each proposal's outcome as a severity.
 * - error: `--probe` ran and the proposal did not behave like the baseline (not verified);
 * - warning: even with the proposal the workload stays below Pod Security 'restricted';
 * - note: the manifest lacks something the proposal adds (it is not yet as hardened as
 *   its image allows) — `--fail-on note` turns propose into a drift check.
 */
export function proposalSeverities(placed: readonly PlacedProposal[], probed: boolean): Severity[] {
  const out: Severity[] = [];
  for (const p of placed) {
    if (probed && !p.proposal.verified) out.push("error");
    if (p.proposal.pss && p.proposal.pss.level !== "restricted") out.push("warning");
    if (p.changes.length > 0) out.push("note");
  }
  return out;
}

export function proposeExitCode(placed: readonly PlacedProposal[], probed: boolean, failOn: FailOn): 0 | 1 {
  if (failOn === "none") return 0;
  return proposalSeverities(placed, probed).some((s) => severityRank(s) >= severityRank(failOn)) ? 1 : 0;
}
