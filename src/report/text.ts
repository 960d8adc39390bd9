import type { Finding, Severity } from "../analyze/finding.js";
import type { ScanReport } from "./json.js";
import type { Colors } from "./colors.js";
import type { RuleMeta } from "../analyze/registry.js";
import { RuleCounter, ruleTable } from "./rule-table.js";

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
  const out: string[] = [];
  const counter = new RuleCounter();
  // a why repeated on every finding of a rule buried the findings (2,110 of 5,192 lines on a large repository)
  const whyShown = new Set<string>();
  let whyElided = false;
  const byFile = new Map<string, Finding[]>();
  // appended in place: copying the list per finding was quadratic (a 5,000-object List took 20 s)
  for (const f of result.findings) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }
  for (const [file, findings] of byFile) {
    out.push(c.bold(c.underline(file)));
    const groups = new Map<string, Finding[]>();
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
        counter.add(f);
        if (f.why) {
          const key = `${f.ruleId}\0${f.why}`;
          if (options.verbose || !whyShown.has(key)) out.push(`      ${c.dim("why:")} ${f.why}`);
          else whyElided = true;
          whyShown.add(key);
        }
        for (const r of f.related ?? []) out.push(`      ${c.dim("see:")} ${r.file}:${r.line}:${r.column} ${r.message}`);
      }
    }
    out.push("");
  }
  const table = ruleTable(counter.rows(), options.rules ?? [], c);
  if (table) out.push(table, "");
  if (whyElided) out.push(c.dim("(each rule's why: is shown on its first finding; --verbose shows it on every one)"), "");
  const s = result.summary;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  const levels = result.workloads.length
    ? ` · PSS: ${["restricted", "baseline", "privileged"]
        .map((l) => `${result.workloads.filter((w) => w.pss.level === l).length} ${l}`)
        .join(", ")}`
    : "";
  const line = `${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}, ${plural(s.notes, "note")} in ${plural(s.files, "file")}${
    s.suppressed ? ` (${s.suppressed} suppressed)` : ""
  }${options.baselined ? ` (${options.baselined} in the baseline)` : ""} · ${plural(result.workloads.length, "workload")}, ${plural(result.pairs.length, "pair")} · Kubernetes ${result.kubeVersion}${levels}`;
  out.push(s.errors ? c.red(line) : s.warnings ? c.yellow(line) : c.green(line));
  return out.join("\n") + "\n";
}
