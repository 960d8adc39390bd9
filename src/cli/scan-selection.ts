import { baselineText, readBaseline } from "../analyze/baseline.js";
import type { Finding } from "../analyze/finding.js";
import { parseRuleFilter, parseSeverity, selector, type FindingSelection } from "../analyze/selection.js";
import { allRules } from "../analyze/registry.js";
import type { ScanReport } from "../report/json.js";
import { jsonItemsOf, listOf, type ReportList } from "../report/report-list.js";
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
 *
 * A large report's findings are not in memory: they are read once here to count (and
 * record), and once more when written; the selector decides the same way both times
 * (same findings, same order), and the fingerprints of the reported ones are kept only
 * while each finding is alive (a WeakMap filled as they are read).
 */
export async function selectReport(
  report: ScanReport,
  selection: FindingSelection,
  writeBaseline: string | undefined,
): Promise<{ report: ScanReport; baselined: number; fingerprints?: WeakMap<Finding, string> }> {
  // nothing to choose: the report as it is (a large one is not walked once more)
  if (!selection.rules?.length && !selection.minSeverity && !selection.baseline && !writeBaseline) return { report, baselined: 0 };
  const counts = summarize([], report.summary.files, report.summary.suppressed);
  const selected: Array<{ finding: Finding; fingerprint: string }> = [];
  let baselined = 0;
  const decide = selector(selection);
  for (const finding of report.findings.items()) {
    const { verdict, fingerprint } = decide(finding);
    if (verdict === "filtered") continue;
    if (writeBaseline) selected.push({ finding, fingerprint });
    if (verdict === "baselined") baselined++;
    else counts[finding.severity === "error" ? "errors" : finding.severity === "warning" ? "warnings" : "notes"]++;
  }
  const fingerprints = new WeakMap<Finding, string>();
  let findings: ReportList<Finding> = reportedOnly(report.findings, selection, fingerprints, counts.errors + counts.warnings + counts.notes);
  if (writeBaseline) {
    await emit(baselineText(selected), writeBaseline);
    process.stderr.write(`shipshape: recorded ${selected.length} finding${selected.length === 1 ? "" : "s"} in ${writeBaseline}\n`);
    baselined = selected.length;
    findings = listOf([]);
    counts.errors = counts.warnings = counts.notes = 0;
  }
  const tracked = selection.baseline !== undefined || writeBaseline !== undefined;
  return { report: { ...report, findings, summary: tracked ? { ...counts, baselined } : counts }, baselined, fingerprints };
}

/** The findings a selection reports, read from the report's list each time they are read. */
function reportedOnly(all: ReportList<Finding>, selection: FindingSelection, fingerprints: WeakMap<Finding, string>, count: number): ReportList<Finding> {
  function* items(): Generator<Finding> {
    const decide = selector(selection);
    for (const finding of all.items()) {
      const { verdict, fingerprint } = decide(finding);
      if (verdict !== "reported") continue;
      fingerprints.set(finding, fingerprint);
      yield finding;
    }
  }
  return { count, items, jsonItems: () => jsonItemsOf(items()) };
}
