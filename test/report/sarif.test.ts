import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import AjvDraft04 from "ajv-draft-04";
import addFormatsPlugin from "ajv-formats";
import { GITHUB_MAX_RESULTS, mostSevere, sarifChunks, sarifReport } from "../../src/report/sarif.js";
import { listOf } from "../../src/report/report-list.js";
import { summarize } from "../../src/report/summary.js";
import type { Finding } from "../../src/analyze/finding.js";
import { allRules } from "../../src/analyze/registry.js";

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"));

// the packages' default exports are CommonJS; their typings hide that under NodeNext
const Ajv = AjvDraft04 as unknown as typeof import("ajv-draft-04").default;
const addFormats = addFormatsPlugin as unknown as typeof import("ajv-formats").default;
// compiled once: the schema's `uri` and `date-time` formats are checked (ajv-formats), not ignored with a warning per compile
const validateSchema = (() => {
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
})();

/** Validate against the official SARIF 2.1.0 schema. */
export function validateSarif(doc: unknown): string[] {
  return validateSchema(doc) ? [] : (validateSchema.errors ?? []).map((e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message}`);
}

const finding = (over: Partial<Finding> = {}): Finding => ({
  ruleId: "capabilities/not-dropped",
  severity: "error",
  message: "container 'web' keeps the runtime's default capabilities",
  file: "k8s/web app.yaml",
  line: 17,
  column: 9,
  workload: { kind: "Deployment", name: "web", namespace: "default" },
  container: "web",
  dockerfile: null,
  ...over,
});

describe("SARIF", () => {
  it("is valid SARIF 2.1.0 with rule metadata, help URIs and relative %SRCROOT% locations", () => {
    const rules = allRules();
    const doc = sarifReport(
      [finding(), finding({ ruleId: "user/dockerfile-root", severity: "warning", file: "web/Dockerfile", line: 1, column: 1, related: [{ file: "k8s/a.yaml", line: 3, column: 5, message: "deployed here" }] })],
      rules,
      "/repo",
    );
    expect(validateSarif(doc)).toEqual([]);
    const run = doc.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(rules.map((r) => r.id));
    expect(run.tool.driver.rules.every((r) => r.helpUri.endsWith(`docs/rules/${r.id}.md`))).toBe(true);
    expect(run.originalUriBaseIds["%SRCROOT%"].uri).toBe("file:///repo/");
    const loc = (run.results[0] as { locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number } } }> }).locations[0]!.physicalLocation;
    expect(loc.artifactLocation).toEqual({ uri: "k8s/web%20app.yaml", uriBaseId: "%SRCROOT%" });
    expect(loc.region.startLine).toBe(17);
    expect(run.results[1]).toMatchObject({ level: "warning", ruleIndex: rules.findIndex((r) => r.id === "user/dockerfile-root") });
  });

  it("keeps the most severe findings, in their order, when there are more than a run may carry", () => {
    const list = [
      finding({ severity: "note", line: 1 }),
      finding({ severity: "error", line: 2 }),
      finding({ severity: "warning", line: 3 }),
      finding({ severity: "error", line: 4 }),
      finding({ severity: "warning", line: 5 }),
    ];
    expect(mostSevere(list, 3).map((f) => f.line)).toEqual([2, 3, 4]);
    expect(mostSevere(list, 2).map((f) => f.line)).toEqual([2, 4]);
    expect(mostSevere(list, 0)).toHaveLength(5);
    expect(mostSevere(list, 9)).toHaveLength(5);
  });

  it("says in the run how many results it left out, and stays valid SARIF", () => {
    const list = Array.from({ length: 7 }, (_, i) => finding({ line: i + 1, severity: i % 2 ? "warning" : "error" }));
    const doc = sarifReport(list, allRules(), "/repo", 4);
    expect(validateSarif(doc)).toEqual([]);
    const run = doc.runs[0]! as unknown as { results: Array<{ level: string }>; invocations: Array<{ toolExecutionNotifications: Array<{ message: { text: string } }> }> };
    expect(run.results.map((r) => r.level)).toEqual(["error", "error", "error", "error"]);
    expect(run.invocations[0]!.toolExecutionNotifications[0]!.message.text).toMatch(/^7 findings, .* the 4 most severe are included, 3 left out/);
    // under the cap, or with no cap, nothing is left out and nothing is said
    expect("invocations" in sarifReport(list, allRules(), "/repo", 7).runs[0]!).toBe(false);
    expect(sarifReport(list, allRules(), "/repo", 0).runs[0]!.results).toHaveLength(7);
    expect(GITHUB_MAX_RESULTS).toBe(25_000);
  });

  it("gives each finding its own fingerprint, stable when lines shift", () => {
    const fp = (list: Finding[]) =>
      (sarifReport(list, allRules(), "/repo").runs[0]!.results as Array<{ partialFingerprints: Record<string, string> }>).map((r) => r.partialFingerprints["shipshape/v1"]);
    const two = [finding({ ruleId: "capabilities/dangerous-add", line: 20, message: "adds 'SYS_ADMIN'" }), finding({ ruleId: "capabilities/dangerous-add", line: 20, column: 30, message: "adds 'NET_ADMIN'" })];
    const [a, b] = fp(two);
    expect(a).not.toBe(b);
    expect(a).toBe("capabilities/dangerous-add|k8s/web app.yaml|Deployment|web|web|");
    // the same findings three lines further down keep their identities
    expect(fp(two.map((f) => ({ ...f, line: f.line + 3 })))).toEqual([a, b]);
  });

  it("streams exactly the document it builds, reading the findings once, with and without the cap", () => {
    const list = Array.from({ length: 40 }, (_, i) =>
      finding({ file: `k8s/${String.fromCharCode(97 + (i % 4))}.yaml`, line: i, severity: (["note", "error", "warning"] as const)[i % 3], ruleId: i % 5 ? "capabilities/dangerous-add" : "seccomp/missing" }),
    ).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
    for (const max of [0, 1, 10, 14, 20, 27, 40, 41]) {
      let reads = 0;
      const findings = { ...listOf(list), items: () => (reads++, list) };
      const text = [...sarifChunks({ findings, summary: summarize(list, 4, 0) }, allRules(), "/repo", max)].join("");
      expect(text, `max ${max}`).toBe(JSON.stringify(sarifReport(list, allRules(), "/repo", max), null, 2) + "\n");
      expect(reads).toBe(1);
    }
    expect([...sarifChunks({ findings: listOf([]), summary: summarize([], 0, 0) }, allRules(), "/repo")].join("")).toBe(JSON.stringify(sarifReport([], allRules(), "/repo"), null, 2) + "\n");
  });

  it("catches an invalid document (the validator is not vacuous)", () => {
    const doc = sarifReport([finding()], allRules(), "/repo") as unknown as { runs: Array<{ results: Array<{ level: string }> }> };
    doc.runs[0]!.results[0]!.level = "fatal";
    expect(validateSarif(doc).length).toBeGreaterThan(0);
  });
});
