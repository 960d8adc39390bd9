import type { Finding } from "../analyze/finding.js";

/**
 * `--format compact`: one line per finding, `file:line:col: severity rule message`, the
 * shape editors' problem matchers and grep expect (ESLint's compact, gcc's diagnostics).
 * A generator over the findings, so a large report is written as it is read.
 */
export function* compactLines(findings: Iterable<Finding>): Generator<string> {
  for (const f of findings) {
    yield `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.ruleId} ${f.message.replace(/\s*\n\s*/g, " ")}\n`;
  }
}
