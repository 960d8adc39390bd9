import { analyzers } from "../../analyzers/index.js";
import type { Severity } from "./finding.js";
import { INPUT_RULES } from "./input-rules.js";

export interface RuleMeta {
  id: string;
  severity: Severity;
  summary: string;
  scope: string;
}

/** Every rule users can configure or see, analyzers and input rules alike, sorted by id. */
export function allRules(): RuleMeta[] {
  const list: RuleMeta[] = [...Object.values(INPUT_RULES), ...analyzers].map((r) => ({
    id: r.id,
    severity: r.severity,
    summary: r.summary,
    scope: r.scope,
  }));
  return list.sort((a, b) => (a.id < b.id ? -1 : 1));
}

export { analyzers };
