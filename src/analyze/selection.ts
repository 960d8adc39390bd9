import { UsageError } from "../errors.js";
import { fingerprinter } from "./fingerprint.js";
import { severityRank, SEVERITIES, type Finding, type Severity } from "./finding.js";

/** Which findings a run reports and gates on (`scan --rule/--severity/--quiet/--baseline`). */
export interface FindingSelection {
  /** rule ids, or `topic/*`; none: every rule */
  rules?: readonly string[];
  /** the least severe severity reported */
  minSeverity?: Severity;
  /** fingerprints of findings accepted earlier: they are neither reported nor gated on */
  baseline?: ReadonlySet<string>;
}

export type Verdict = "reported" | "filtered" | "baselined";

/**
 * Decide each finding of a report, called in report order (fingerprints count per file).
 * Every finding is fingerprinted, selected or not, so a finding's identity does not
 * depend on the filters of the run that recorded it.
 */
export function selector(selection: FindingSelection): (f: Finding) => { verdict: Verdict; fingerprint: string } {
  const fingerprint = fingerprinter();
  const exact = new Set(selection.rules?.filter((r) => !r.endsWith("/*")));
  const topics = selection.rules?.filter((r) => r.endsWith("/*")).map((r) => r.slice(0, -1)) ?? [];
  const min = selection.minSeverity ? severityRank(selection.minSeverity) : 0;
  const ruleWanted = (id: string) => !selection.rules?.length || exact.has(id) || topics.some((t) => id.startsWith(t));
  return (f) => {
    const fp = fingerprint(f);
    if (!ruleWanted(f.ruleId) || severityRank(f.severity) < min) return { verdict: "filtered", fingerprint: fp };
    if (selection.baseline?.has(fp)) return { verdict: "baselined", fingerprint: fp };
    return { verdict: "reported", fingerprint: fp };
  };
}

/** `--rule` values (repeatable, comma-separated): each a known rule id or `topic/*` of a known topic. */
export function parseRuleFilter(values: readonly string[], knownIds: readonly string[]): string[] {
  const rules = values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
  for (const r of rules) {
    const known = r.endsWith("/*") ? knownIds.some((id) => id.startsWith(r.slice(0, -1))) : knownIds.includes(r);
    if (!known) throw new UsageError(`--rule: '${r}' names no rule (see \`shipshape rules\`; a whole topic is 'topic/*')`);
  }
  return rules;
}

export function parseSeverity(v: string, option: string): Severity {
  if ((SEVERITIES as readonly string[]).includes(v)) return v as Severity;
  throw new UsageError(`${option}: expected error, warning or note, got '${v}'`);
}
