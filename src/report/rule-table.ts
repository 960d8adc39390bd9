import { severityRank, type Finding, type Severity } from "../analyze/finding.js";
import type { RuleMeta } from "../analyze/registry.js";
import type { Colors } from "./colors.js";

export interface RuleCount {
  ruleId: string;
  /** the most severe severity the rule's findings had in this run (configuration can change it) */
  severity: Severity;
  count: number;
}

/** Findings counted per rule, as they pass. */
export class RuleCounter {
  private readonly counts = new Map<string, RuleCount>();

  add(f: Finding): void {
    const row = this.counts.get(f.ruleId);
    if (!row) this.counts.set(f.ruleId, { ruleId: f.ruleId, severity: f.severity, count: 1 });
    else {
      row.count++;
      if (severityRank(f.severity) > severityRank(row.severity)) row.severity = f.severity;
    }
  }

  /** Most frequent first; ties by severity, then id. */
  rows(): RuleCount[] {
    return [...this.counts.values()].sort(
      (a, b) => b.count - a.count || severityRank(b.severity) - severityRank(a.severity) || (a.ruleId < b.ruleId ? -1 : 1),
    );
  }
}

/**
 * The closing table of the text report: rule, severity, count and the rule's one-line
 * summary, most frequent first (what ruff --statistics and Trivy's table give a large repository).
 */
export function ruleTable(rows: readonly RuleCount[], rules: readonly RuleMeta[], c: Colors): string {
  if (rows.length === 0) return "";
  const summaries = new Map(rules.map((r) => [r.id, r.summary]));
  const idWidth = Math.max(4, ...rows.map((r) => r.ruleId.length));
  const countWidth = Math.max(5, ...rows.map((r) => String(r.count).length));
  const head = `${"rule".padEnd(idWidth)}  ${"severity"}  ${"count".padStart(countWidth)}  summary`;
  const lines = rows.map((r) => {
    const sev = r.severity.padEnd(8);
    const colored = r.severity === "error" ? c.red(sev) : r.severity === "warning" ? c.yellow(sev) : c.blue(sev);
    return `${r.ruleId.padEnd(idWidth)}  ${colored}  ${String(r.count).padStart(countWidth)}  ${summaries.get(r.ruleId) ?? ""}`;
  });
  return [c.dim(head), ...lines].join("\n");
}
