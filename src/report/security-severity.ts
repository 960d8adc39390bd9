import type { RuleMeta } from "../analyze/registry.js";

/**
 * Rules whose finding lets a compromised container reach the node (privileged, host
 * namespaces and paths, unmasked /proc, capabilities that escape): critical for GitHub.
 */
const NODE_ESCAPE = new Set([
  "privileged/privileged",
  "host/host-path",
  "host/namespaces",
  "host/windows-host-process",
  "procmount/unmasked",
  "capabilities/dangerous-add",
]);

/**
 * SARIF `properties.security-severity`, the score GitHub code scanning ranks alerts by
 * (over 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, below low); undefined for rules
 * about the input rather than security (an unparsable file).
 */
export function securitySeverity(rule: RuleMeta): string | undefined {
  if (rule.scope === "input") return undefined;
  if (NODE_ESCAPE.has(rule.id)) return "9.3";
  return rule.severity === "error" ? "8.0" : rule.severity === "warning" ? "5.5" : "2.0";
}

/** SARIF tags: `security` for security rules (GitHub files those under security), what the rule reads, its topic. */
export function ruleTags(rule: RuleMeta): string[] {
  const topic = rule.id.split("/")[0]!;
  if (rule.scope === "input") return ["kubernetes", "dockerfile", topic];
  const reads = rule.scope === "dockerfile" ? ["dockerfile"] : rule.scope === "pair" ? ["kubernetes", "dockerfile"] : ["kubernetes"];
  return ["security", ...reads, topic];
}
