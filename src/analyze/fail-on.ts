import { UsageError } from "../errors.js";
import { severityRank, type Finding, type Severity } from "./finding.js";

/** The lowest severity that makes a command exit 1 (`--fail-on`). */
export type FailOn = Severity | "none";

export function parseFailOn(v: string): FailOn {
  if (v === "error" || v === "warning" || v === "note" || v === "none") return v;
  throw new UsageError(`--fail-on: expected error, warning, note or none, got '${v}'`);
}

/** Exit code 1 when a finding is at or above the --fail-on severity, else 0. */
export function exitCodeFor(findings: readonly Finding[], failOn: FailOn): 0 | 1 {
  if (failOn === "none") return 0;
  const min = severityRank(failOn);
  return findings.some((f) => severityRank(f.severity) >= min) ? 1 : 0;
}

/** exitCodeFor from a report's counts (a large report's findings are not all in memory). */
export function exitCodeForCounts(counts: { errors: number; warnings: number; notes: number }, failOn: FailOn): 0 | 1 {
  if (failOn === "none") return 0;
  const min = severityRank(failOn);
  const at = (s: Severity, n: number) => n > 0 && severityRank(s) >= min;
  return at("error", counts.errors) || at("warning", counts.warnings) || at("note", counts.notes) ? 1 : 0;
}
