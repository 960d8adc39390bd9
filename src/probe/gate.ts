import { severityRank, type Severity } from "../analyze/finding.js";
import type { FailOn } from "../analyze/fail-on.js";
import type { ProbeReport } from "./report.js";

/**
 * A gate for pipelines: the probe's outcome as severities. No verified proposal is an
 * error; needing root, or a capability beyond NET_BIND_SERVICE (which keeps the workload
 * out of Pod Security 'restricted'), is a warning.
 */
export function probeExitCode(report: ProbeReport, failOn: FailOn): 0 | 1 {
  if (failOn === "none") return 0;
  const outcomes: Severity[] = [];
  if (!report.verified) outcomes.push("error");
  if (!report.runsAsNonRoot) outcomes.push("warning");
  if (report.capabilities.needed.some((c) => c !== "NET_BIND_SERVICE")) outcomes.push("warning");
  return outcomes.some((s) => severityRank(s) >= severityRank(failOn)) ? 1 : 0;
}
