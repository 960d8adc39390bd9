import { baselineText, readBaseline } from "../analyze/baseline.js";
import type { Finding } from "../analyze/finding.js";
import { parseRuleFilter, parseSeverity, selector, type FindingSelection } from "../analyze/selection.js";
import { allRules } from "../analyze/registry.js";
import type { ScanReport } from "../report/json.js";
import { summarize } from "../report/summary.js";
import { UsageError } from "../errors.js";
import { emit } from "./output.js";

/** The options of `scan` that choose which findings are reported and gated on. */
export interface SelectionOptions {
  quiet?: boolean;
  severity?: string;
  rule: string[];
  baseline?: string;
  writeBaseline?: string;
}

/** Check the options before the scan starts (a typo must not cost a whole scan). */
export async function parseSelection(opts: SelectionOptions): Promise<FindingSelection> {
  if (opts.quiet && opts.severity && opts.severity !== "error") throw new UsageError("--quiet reports errors only: it goes with no --severity, or --severity error");
  const rules = parseRuleFilter(opts.rule, allRules().map((r) => r.id));
  const minSeverity = opts.quiet ? "error" : opts.severity !== undefined ? parseSeverity(opts.severity, "--severity") : undefined;
  const baseline = opts.baseline ? await readBaseline(opts.baseline) : undefined;
  return { rules, minSeverity, baseline };
}

/**
 * The report as the selection sees it: only the findings reported, the summary counted
 * from them (the exit code follows), and how many the baseline held. With
 * --write-baseline, every selected finding is recorded first, so none is new.
 */
export async function selectReport(
  report: ScanReport,
  selection: FindingSelection,
  writeBaseline: string | undefined,
): Promise<{ report: ScanReport; baselined: number; fingerprints?: Map<Finding, string> }> {
  // nothing to choose: the report as it is (a large one is not walked once more)
  if (!selection.rules?.length && !selection.minSeverity && !selection.baseline && !writeBaseline) return { report, baselined: 0 };
  const decide = selector(selection);
  const reported: Finding[] = [];
  const selected: Array<{ finding: Finding; fingerprint: string }> = [];
  const fingerprints = new Map<Finding, string>();
  let baselined = 0;
  for (const finding of report.findings) {
    const { verdict, fingerprint } = decide(finding);
    if (verdict === "filtered") continue;
    selected.push({ finding, fingerprint });
    if (verdict === "baselined") baselined++;
    else {
      reported.push(finding);
      fingerprints.set(finding, fingerprint);
    }
  }
  if (writeBaseline) {
    await emit(baselineText(selected), writeBaseline);
    process.stderr.write(`shipshape: recorded ${selected.length} finding${selected.length === 1 ? "" : "s"} in ${writeBaseline}\n`);
    baselined = selected.length;
    reported.length = 0;
  }
  const summary = summarize(reported, report.summary.files, report.summary.suppressed);
  const tracked = selection.baseline !== undefined || writeBaseline !== undefined;
  return { report: { ...report, findings: reported, summary: tracked ? { ...summary, baselined } : summary }, baselined, fingerprints };
}
