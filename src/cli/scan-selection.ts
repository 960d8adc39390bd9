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

/** What the selection leaves in the report beside the findings it reports. */
export interface SelectedReport {
  report: ScanReport;
  /** findings the baseline holds (with --write-baseline: all recorded) */
  baselined: number;
  fingerprints?: WeakMap<Finding, string>;
  /** with `keepBaselined` and a baseline: which findings of the list it holds, and how many of its entries no finding matched (fixed) */
  baseline?: { holds(f: Finding): boolean; absent: number };
  /** with `keepBaselined`: how many findings of each severity the list holds, new and baselined */
  listed?: { errors: number; warnings: number; notes: number };
}

/**
 * The report as the selection sees it: only the findings reported, the summary counted
 * from them (the exit code follows), and how many the baseline held. With
 * --write-baseline, every selected finding is recorded first, so none is new.
 * `keepBaselined` (SARIF) keeps the findings the baseline holds in the list, marked, while
 * the summary and so the gate still count the new ones only.
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
  options: { keepBaselined?: boolean } = {},
): Promise<SelectedReport> {
  // nothing to choose: the report as it is (a large one is not walked once more)
  if (!selection.rules?.length && !selection.minSeverity && !selection.baseline && !writeBaseline) return { report, baselined: 0 };
  const counts = summarize([], report.summary.files, report.summary.suppressed);
  const listed = summarize([], 0, 0);
  const selected: Array<{ finding: Finding; fingerprint: string }> = [];
  const matched = new Set<string>();
  let baselined = 0;
  const decide = selector(selection);
  for (const finding of report.findings.items()) {
    const { verdict, fingerprint } = decide(finding);
    // a baseline entry that a finding still matches, reported or not, is not fixed
    if (selection.baseline?.has(fingerprint)) matched.add(fingerprint);
    if (verdict === "filtered") continue;
    if (writeBaseline) selected.push({ finding, fingerprint });
    const severity = finding.severity === "error" ? "errors" : finding.severity === "warning" ? "warnings" : "notes";
    listed[severity]++;
    if (verdict === "baselined") baselined++;
    else counts[severity]++;
  }
  const fingerprints = new WeakMap<Finding, string>();
  const held = new WeakSet<Finding>();
  const keep = options.keepBaselined === true;
  let findings: ReportList<Finding> = reportedOnly(report.findings, selection, fingerprints, keep ? held : undefined, keep ? baselined + counts.errors + counts.warnings + counts.notes : counts.errors + counts.warnings + counts.notes);
  if (writeBaseline) {
    await emit(baselineText(selected), writeBaseline);
    process.stderr.write(`shipshape: recorded ${selected.length} finding${selected.length === 1 ? "" : "s"} in ${writeBaseline}\n`);
    baselined = selected.length;
    // what was just recorded is what the baseline holds from now on
    const recorded = new Set(selected.map((s) => s.fingerprint));
    findings = keep ? reportedOnly(report.findings, { ...selection, baseline: recorded }, fingerprints, held, selected.length) : listOf([]);
    counts.errors = counts.warnings = counts.notes = 0;
    matched.clear();
  }
  const tracked = selection.baseline !== undefined || writeBaseline !== undefined;
  return {
    report: { ...report, findings, summary: tracked ? { ...counts, baselined } : counts },
    baselined,
    fingerprints,
    ...(keep && tracked ? { baseline: { holds: (f: Finding) => held.has(f), absent: selection.baseline && !writeBaseline ? selection.baseline.size - matched.size : 0 } } : {}),
    ...(keep ? { listed } : {}),
  };
}

/** The findings a selection reports (and the baselined ones, marked in `held`, when given), read from the report's list each time they are read. */
function reportedOnly(all: ReportList<Finding>, selection: FindingSelection, fingerprints: WeakMap<Finding, string>, held: WeakSet<Finding> | undefined, count: number): ReportList<Finding> {
  function* items(): Generator<Finding> {
    const decide = selector(selection);
    for (const finding of all.items()) {
      const { verdict, fingerprint } = decide(finding);
      if (verdict === "filtered" || (verdict === "baselined" && !held)) continue;
      if (verdict === "baselined") held!.add(finding);
      fingerprints.set(finding, fingerprint);
      yield finding;
    }
  }
  return { count, items, jsonItems: () => jsonItemsOf(items()) };
}
