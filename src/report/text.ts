import type { Finding, Severity } from "../analyze/finding.js";
import type { ScanReport } from "./json.js";
import type { Colors } from "./colors.js";
import type { RuleMeta } from "../analyze/registry.js";
import { RuleCounter, ruleTable } from "./rule-table.js";
import { joinChunks } from "./report-list.js";

export interface TextReportOptions {
  /** every finding's `why:`, not only the first of each rule's */
  verbose?: boolean;
  /** the rules' summaries for the closing table */
  rules?: readonly RuleMeta[];
  /** findings left out because the baseline holds them */
  baselined?: number;
}

function severityLabel(s: Severity, c: Colors): string {
  const label = s.padEnd(7);
  return s === "error" ? c.red(label) : s === "warning" ? c.yellow(label) : c.blue(label);
}

/** Findings grouped by file, then by workload, each with file:line:col, for people. */
export function textReport(result: ScanReport, c: Colors, options: TextReportOptions = {}): string {
  return joinChunks(textReportChunks(result, c, options));
}

/**
 * textReport piece by piece: the findings come sorted by file, so one file's are held at
 * a time (and per rule, a count and whether its why: was shown).
 */
export function* textReportChunks(result: ScanReport, c: Colors, options: TextReportOptions = {}): Generator<string> {
  const state: TextState = { counter: new RuleCounter(), whyShown: new Set(), whyElided: false };
  let file: string | undefined;
  let findings: Finding[] = [];
  for (const f of result.findings.items()) {
    if (f.file !== file) {
      if (file !== undefined) yield fileSection(file, findings, c, options, state);
      file = f.file;
      findings = [];
    }
    findings.push(f);
  }
  if (file !== undefined) yield fileSection(file, findings, c, options, state);
  const out: string[] = [];
  const table = ruleTable(state.counter.rows(), options.rules ?? [], c);
  if (table) out.push(table, "");
  if (state.whyElided) out.push(c.dim("(each rule's why: is shown on its first finding; --verbose shows it on every one)"), "");
  out.push(summaryLine(result, c, options));
  yield out.join("\n") + "\n";
}

interface TextState {
  counter: RuleCounter;
  // a why repeated on every finding of a rule buried the findings (2,110 of 5,192 lines on a large repository)
  whyShown: Set<string>;
  whyElided: boolean;
}

function fileSection(file: string, findings: readonly Finding[], c: Colors, options: TextReportOptions, state: TextState): string {
  const out: string[] = [c.bold(c.underline(file))];
  const groups = new Map<string, Finding[]>();
  // appended in place: copying the list per finding was quadratic (a 5,000-object List took 20 s)
  for (const f of findings) {
    // rendered output names the deployment units (overlays, charts) a finding is in
    const units = f.units?.length ? ` in ${f.units.join(", ")}` : "";
    // one finding of several units: its workload's namespace and name may differ between them
    const who = f.workload && (f.units?.length ?? 0) > 1 ? `${f.workload.kind} ${f.workload.name}` : f.workload ? `${f.workload.kind} ${f.workload.namespace}/${f.workload.name}` : "";
    const key = who ? who + units : units.trimStart();
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  for (const [workload, list] of groups) {
    if (workload) out.push(`  ${c.cyan(workload)}`);
    for (const f of list) {
      const where = c.dim(`${f.file}:${f.line}:${f.column}`);
      const who = f.container ? c.dim(` [${f.container}]`) : "";
      out.push(`    ${where}  ${severityLabel(f.severity, c)} ${f.message}${who}  ${c.dim(f.ruleId)}`);
      state.counter.add(f);
      if (f.why) {
        const key = `${f.ruleId}\0${f.why}`;
        if (options.verbose || !state.whyShown.has(key)) out.push(`      ${c.dim("why:")} ${f.why}`);
        else state.whyElided = true;
        state.whyShown.add(key);
      }
      for (const r of f.related ?? []) out.push(`      ${c.dim("see:")} ${r.file}:${r.line}:${r.column} ${r.message}`);
    }
  }
  out.push("");
  return out.join("\n") + "\n";
}

function summaryLine(result: ScanReport, c: Colors, options: TextReportOptions): string {
  const s = result.summary;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  const byLevel = { restricted: 0, baseline: 0, privileged: 0 };
  for (const w of result.workloads.count ? result.workloads.items() : []) byLevel[w.pss.level]++;
  const levels = result.workloads.count
    ? ` · PSS: ${(["restricted", "baseline", "privileged"] as const).map((l) => `${byLevel[l]} ${l}`).join(", ")}`
    : "";
  const line = `${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}, ${plural(s.notes, "note")} in ${plural(s.files, "file")}${
    s.suppressed ? ` (${s.suppressed} suppressed)` : ""
  }${options.baselined ? ` (${options.baselined} in the baseline)` : ""} · ${plural(result.workloads.count, "workload")}, ${plural(result.pairs.count, "pair")} · Kubernetes ${result.kubeVersion}${levels}`;
  return s.errors ? c.red(line) : s.warnings ? c.yellow(line) : c.green(line);
}
