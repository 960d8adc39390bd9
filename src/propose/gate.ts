import { severityRank, type Severity } from "../analyze/finding.js";
import type { FailOn } from "../analyze/fail-on.js";
import { writableChanges, type PlacedProposal } from "./place.js";

/**
 * propose as a pipeline gate: each proposal's outcome as a severity.
 * - error: `--probe` ran and changes remain unverified (its final trial failed, or could not
 *   run the image);
 * - note: the manifest lacks a change `--write` (with the same flags) would make — `--fail-on
 *   note` is a drift check, which passes on what `--write` produced.
 * What keeps a workload below Pod Security 'restricted' (an image that needs root for port
 * 80, a manifest's explicit choice) is shown in `pss`, not gated here: `--write` cannot
 * change it, so a drift check would fail forever; `scan` gates the settings themselves.
 * Changes held back as unverified and advice are shown, not gated.
 */
export function proposalSeverities(placed: readonly PlacedProposal[], probed: boolean, includeUnverified = false): Severity[] {
  const out: Severity[] = [];
  for (const p of placed) {
    if (probed && p.changes.some((c) => c.kind === "unverified")) out.push("error");
    if (writableChanges(p, includeUnverified).length > 0) out.push("note");
  }
  return out;
}

export function proposeExitCode(placed: readonly PlacedProposal[], probed: boolean, failOn: FailOn, includeUnverified = false): 0 | 1 {
  if (failOn === "none") return 0;
  return proposalSeverities(placed, probed, includeUnverified).some((s) => severityRank(s) >= severityRank(failOn)) ? 1 : 0;
}
