import { severityRank, type Severity } from "../analyze/finding.js";
import type { FailOn } from "../analyze/fail-on.js";
import { writableChanges, type PlacedProposal } from "./place.js";

/**
 * propose as a pipeline gate: each proposal's outcome as a severity.
 * - error: `--probe` ran and changes remain unverified (its final trial failed, or could not
 *   run the image);
 * - warning: the image needs what Pod Security 'restricted' forbids (root, a capability,
 *   privilege escalation), as the evidence shows, so even the full proposal stays below it;
 * - note: the manifest lacks a change `--write` (with the same flags) would make — `--fail-on
 *   note` is a drift check, which passes on what `--write` produced.
 * Changes held back as unverified, advice and the manifest's own explicit choices are shown,
 * not gated: `scan` reports the settings themselves.
 */
export function proposalSeverities(placed: readonly PlacedProposal[], probed: boolean, includeUnverified = false): Severity[] {
  const out: Severity[] = [];
  for (const p of placed) {
    if (probed && p.changes.some((c) => c.kind === "unverified")) out.push("error");
    if (p.proposal.pss && p.proposal.pss.level !== "restricted" && p.proposal.pss.imageNeeds) out.push("warning");
    if (writableChanges(p, includeUnverified).length > 0) out.push("note");
  }
  return out;
}

export function proposeExitCode(placed: readonly PlacedProposal[], probed: boolean, failOn: FailOn, includeUnverified = false): 0 | 1 {
  if (failOn === "none") return 0;
  return proposalSeverities(placed, probed, includeUnverified).some((s) => severityRank(s) >= severityRank(failOn)) ? 1 : 0;
}
