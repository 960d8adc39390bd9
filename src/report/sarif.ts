import { pathToFileURL } from "node:url";
import type { Finding, Severity } from "../analyze/finding.js";
import type { RuleMeta } from "../analyze/registry.js";
import { ruleDocsUrl } from "./rule-docs.js";
import { TOOL } from "../tool.js";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", note: "note" };

/** A repository-relative path as a URI reference (GitHub code scanning wants relative URIs). */
function relativeUri(file: string): string {
  return file.split("/").map(encodeURIComponent).join("/");
}

/** SARIF 2.1.0 for GitHub code scanning and other consumers; locations relative to %SRCROOT%. */
export function sarifReport(findings: readonly Finding[], rules: readonly RuleMeta[], root: string) {
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
              properties: { tags: ["security", "kubernetes", r.id.split("/")[0]!], precision: "high" },
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
            partialFingerprints: {
              // stable across line shifts: rule, file, workload and container identify the problem
              "shipshape/v1": [f.ruleId, f.file, f.workload?.kind ?? "", f.workload?.name ?? "", f.container ?? "", f.dockerfile ?? ""].join("|"),
            },
          };
          const ruleIndex = index.get(f.ruleId);
          if (ruleIndex !== undefined) result.ruleIndex = ruleIndex;
          if (f.related?.length) {
            result.relatedLocations = f.related.map((r, i) => ({ id: i + 1, ...location(r.file, r.line, r.column), message: { text: r.message } }));
          }
          return result;
        }),
        columnKind: "utf16CodeUnits",
      },
    ],
  };
}
