/** Where each rule's page lives; SARIF help URIs and `shipshape rules` link here. */
export const RULE_DOCS_BASE = "https://github.com/shipshape-dev/shipshape/blob/main/docs/rules/";

export function ruleDocsUrl(ruleId: string): string {
  return `${RULE_DOCS_BASE}${ruleId}.md`;
}

/** The docs page path inside the repository, e.g. docs/rules/capabilities/not-dropped.md */
export function ruleDocsPath(ruleId: string): string {
  return `docs/rules/${ruleId}.md`;
}
