import type { Finding } from "../analyze/finding.js";

export interface Summary {
  errors: number;
  warnings: number;
  notes: number;
  files: number;
  suppressed: number;
  /** findings left out because the baseline (`scan --baseline`) holds them; set only with one */
  baselined?: number;
}

export function summarize(findings: readonly Finding[], files: number, suppressed: number): Summary {
  const s: Summary = { errors: 0, warnings: 0, notes: 0, files, suppressed };
  for (const f of findings) {
    if (f.severity === "error") s.errors++;
    else if (f.severity === "warning") s.warnings++;
    else s.notes++;
  }
  return s;
}
