import { pathToFileURL } from "node:url";
import type { Finding, Severity } from "../analyze/finding.js";
import type { RuleMeta } from "../analyze/registry.js";
import { ruleDocsUrl } from "./rule-docs.js";
import { TOOL } from "../tool.js";
import { fingerprinter } from "../analyze/fingerprint.js";
import { ruleTags, securitySeverity } from "./security-severity.js";
import type { ScanReport } from "./json.js";
import { summarize } from "./summary.js";

export interface SarifOptions {
  /**
   * The findings' fingerprints when the caller made them (over every finding, before a
   * selection); a WeakMap does for a streamed report, whose findings are read once.
   */
  fingerprints?: { get(f: Finding): string | undefined };
  /** run with a baseline: each result is `baselineState` "unchanged" when it holds it, "new" otherwise */
  baseline?: SarifBaseline;
  /** how many results of each severity are written, when not the report's summary (which counts new findings only) */
  counts?: { errors: number; warnings: number; notes: number };
}

/**
 * What a baseline says about a run. Findings it holds are written as "unchanged" results,
 * not left out: GitHub code scanning closes an alert as fixed when an upload no longer has
 * it. Fixed ones ("absent") are only counted in the run's properties: GitHub does not read
 * `baselineState`, and would open an alert for each.
 */
export interface SarifBaseline {
  holds(f: Finding): boolean;
  new: number;
  unchanged: number;
  absent: number;
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

type Quotas = Record<Severity, number>;

/** How many of each severity a run keeps: the most severe first, up to `max` (0: all). */
function quotasOf(counts: { errors: number; warnings: number; notes: number }, max: number): Quotas {
  const all = { error: counts.errors, warning: counts.warnings, note: counts.notes };
  if (max <= 0) return all;
  let left = max;
  const take = (n: number) => {
    const k = Math.min(n, left);
    left -= k;
    return k;
  };
  return { error: take(all.error), warning: take(all.warning), note: take(all.note) };
}

function location(file: string, line: number, column: number) {
  return {
    physicalLocation: {
      artifactLocation: { uri: relativeUri(file), uriBaseId: "%SRCROOT%" },
      region: { startLine: Math.max(1, line), startColumn: Math.max(1, column) },
    },
  };
}

function sarifResult(f: Finding, fingerprint: string, ruleIndex: number | undefined, options: SarifOptions): Record<string, unknown> {
  const result: Record<string, unknown> = {
    ruleId: f.ruleId,
    level: LEVEL[f.severity],
    message: { text: f.why ? `${f.message}. ${f.why}` : f.message },
    locations: [location(f.file, f.line, f.column)],
    partialFingerprints: { "shipshape/v1": fingerprint },
  };
  if (options.baseline) result.baselineState = options.baseline.holds(f) ? "unchanged" : "new";
  if (ruleIndex !== undefined) result.ruleIndex = ruleIndex;
  if (f.related?.length) {
    result.relatedLocations = f.related.map((r, i) => ({ id: i + 1, ...location(r.file, r.line, r.column), message: { text: r.message } }));
  }
  return result;
}

/** The document around the results: the run's tool and rules, and the truncation notice when results were left out. */
function sarifDocument(rules: readonly RuleMeta[], root: string, total: number, kept: number, baseline?: SarifBaseline) {
  const rootUri = pathToFileURL(root.endsWith("/") ? root : `${root}/`).href;
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
        results: [] as Array<Record<string, unknown>>,
        columnKind: "utf16CodeUnits",
        ...(baseline ? { properties: { "shipshape/baseline": { new: baseline.new, unchanged: baseline.unchanged, absent: baseline.absent } } } : {}),
        ...(total > kept
          ? {
              invocations: [
                {
                  executionSuccessful: true,
                  toolExecutionNotifications: [{ level: "warning", message: { text: truncationMessage(total, kept) } }],
                },
              ],
            }
          : {}),
      },
    ],
  };
}

/**
 * The SARIF results of findings in report order, each with its fingerprint, keeping the
 * quota of each severity: the first `quota.error` errors, and so on (what `mostSevere`
 * keeps). Findings come sorted by file, so a fingerprint's rank needs counts for one file only.
 */
function* sarifResults(findings: Iterable<Finding>, quotas: Quotas, rules: readonly RuleMeta[], options: SarifOptions): Generator<Record<string, unknown>> {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const taken: Quotas = { error: 0, warning: 0, note: 0 };
  const fingerprint = fingerprinter();
  for (const f of findings) {
    // every finding counts for the ranks in fingerprints, kept or not
    const fp = options.fingerprints ? options.fingerprints.get(f)! : fingerprint(f);
    if (taken[f.severity] >= quotas[f.severity]) continue;
    taken[f.severity]++;
    yield sarifResult(f, fp, index.get(f.ruleId), options);
  }
}

/**
 * SARIF 2.1.0 for GitHub code scanning and other consumers; locations relative to
 * %SRCROOT%. Over `maxResults` findings, the most severe are kept and the run says how
 * many were left out, so the upload is not rejected. `all` in report order (sorted by file).
 */
export function sarifReport(all: readonly Finding[], rules: readonly RuleMeta[], root: string, maxResults = GITHUB_MAX_RESULTS, options: SarifOptions = {}) {
  const counts = summarize(all, 0, 0);
  const quotas = quotasOf(counts, maxResults);
  const doc = sarifDocument(rules, root, all.length, quotas.error + quotas.warning + quotas.note, options.baseline);
  doc.runs[0]!.results = [...sarifResults(all, quotas, rules, options)];
  return doc;
}

/**
 * `JSON.stringify(sarifReport(…), null, 2) + "\n"` piece by piece, reading the findings
 * once: the counts (known before the findings are read) decide which results are kept.
 */
export function* sarifChunks(
  report: Pick<ScanReport, "findings" | "summary">,
  rules: readonly RuleMeta[],
  root: string,
  maxResults = GITHUB_MAX_RESULTS,
  options: SarifOptions = {},
): Generator<string> {
  const quotas = quotasOf(options.counts ?? report.summary, maxResults);
  const doc = sarifDocument(rules, root, report.findings.count, quotas.error + quotas.warning + quotas.note, options.baseline);
  const text = JSON.stringify(doc, null, 2);
  const marker = '\n      "results": []';
  const at = text.indexOf(marker);
  yield `${text.slice(0, at)}\n      "results": [`;
  let first = true;
  for (const result of sarifResults(report.findings.items(), quotas, rules, options)) {
    // an item at depth 4 of the document
    yield `${first ? "" : ","}\n        ${JSON.stringify(result, null, 2).replace(/\n/g, "\n        ")}`;
    first = false;
  }
  yield `${first ? "]" : "\n      ]"}${text.slice(at + marker.length)}\n`;
}

export function truncationMessage(total: number, kept: number): string {
  return `${total} findings, more than a SARIF run may carry for GitHub code scanning: the ${kept} most severe are included, ${total - kept} left out (--format json lists all; --sarif-max-results 0 lifts the cap)`;
}
