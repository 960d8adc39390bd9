import { pathToFileURL } from "node:url";
import type { Finding, Severity } from "../analyze/finding.js";
import type { RuleMeta } from "../analyze/registry.js";
import { ruleDocsUrl } from "./rule-docs.js";
import { TOOL } from "../tool.js";
import { fingerprinter } from "../analyze/fingerprint.js";
import { ruleTags, securitySeverity } from "./security-severity.js";

export interface SarifOptions {
  /** the findings' fingerprints when the caller made them (over every finding, before a selection) */
  fingerprints?: ReadonlyMap<Finding, string>;
  /** a baseline left out the findings it holds: the rest are `baselineState: "new"` */
  baseline?: boolean;
}

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", note: "note" };

/** A repository-relative path as a URI reference (GitHub code scanning wants relative URIs). */
function relativeUri(file: string): string {
  return file.split("/").map(encodeURIComponent).join("/");
}

/** GitHub code scanning rejects a run of more results than this (and shows the 5,000 most severe). */
export const GITHUB_MAX_RESULTS = 25_000;

const RANK: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

/** At most `max` findings, the most severe first, in their original order; 0 keeps all. */
export function mostSevere(findings: readonly Finding[], max: number): readonly Finding[] {
  if (max <= 0 || findings.length <= max) return findings;
  const kept = new Set([...findings].sort((a, b) => RANK[a.severity] - RANK[b.severity]).slice(0, max));
  return findings.filter((f) => kept.has(f));
}

/**
 * SARIF 2.1.0 for GitHub code scanning and other consumers; locations relative to
 * %SRCROOT%. Over `maxResults` findings, the most severe are kept and the run says how
 * many were left out, so the upload is not rejected.
 */
export function sarifReport(all: readonly Finding[], rules: readonly RuleMeta[], root: string, maxResults = GITHUB_MAX_RESULTS, options: SarifOptions = {}) {
  const findings = mostSevere(all, maxResults);
  const omitted = all.length - findings.length;
  const fingerprints = options.fingerprints ?? fingerprintsOf(all);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const rootUri = pathToFileURL(root.endsWith("/") ? root : `${root}/`).href;
  const location = (file: string, line: number, column: number) => ({
    physicalLocation: {
      artifactLocation: { uri: relativeUri(file), uriBaseId: "%SRCROOT%" },
      region: { startLine: Math.max(1, line), startColumn: Math.max(1, column) },
    },
  });
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: TOOL.name,
            version: TOOL.version,
            semanticVersion: TOOL.version,
            informationUri: "https://github.com/shipshape-dev/shipshape",
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase()),
              shortDescription: { text: r.summary },
              fullDescription: { text: r.summary },
              helpUri: ruleDocsUrl(r.id),
              help: { text: `${r.summary}. See ${ruleDocsUrl(r.id)}`, markdown: `${r.summary}. [Rule documentation](${ruleDocsUrl(r.id)})` },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { tags: ruleTags(r), precision: "high", ...(securitySeverity(r) ? { "security-severity": securitySeverity(r) } : {}) },
            })),
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { uri: rootUri } },
        results: findings.map((f) => {
          const result: Record<string, unknown> = {
            ruleId: f.ruleId,
            level: LEVEL[f.severity],
            message: { text: f.why ? `${f.message}. ${f.why}` : f.message },
            locations: [location(f.file, f.line, f.column)],
            partialFingerprints: { "shipshape/v1": fingerprints.get(f)! },
          };
          if (options.baseline) result.baselineState = "new";
          const ruleIndex = index.get(f.ruleId);
          if (ruleIndex !== undefined) result.ruleIndex = ruleIndex;
          if (f.related?.length) {
            result.relatedLocations = f.related.map((r, i) => ({ id: i + 1, ...location(r.file, r.line, r.column), message: { text: r.message } }));
          }
          return result;
        }),
        columnKind: "utf16CodeUnits",
        ...(omitted > 0
          ? {
              invocations: [
                {
                  executionSuccessful: true,
                  toolExecutionNotifications: [{ level: "warning", message: { text: truncationMessage(all.length, findings.length) } }],
                },
              ],
            }
          : {}),
      },
    ],
  };
}

export function truncationMessage(total: number, kept: number): string {
  return `${total} findings, more than a SARIF run may carry for GitHub code scanning: the ${kept} most severe are included, ${total - kept} left out (--format json lists all; --sarif-max-results 0 lifts the cap)`;
}

/** Alert identities for code scanning (src/analyze/fingerprint.ts): stable across line shifts. */
function fingerprintsOf(findings: readonly Finding[]): Map<Finding, string> {
  const fingerprint = fingerprinter();
  return new Map(findings.map((f) => [f, fingerprint(f)]));
}
