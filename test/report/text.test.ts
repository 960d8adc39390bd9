import { describe, expect, it } from "vitest";
import { allRules, analyzers } from "../../src/analyze/registry.js";
import { colorsFor } from "../../src/report/colors.js";
import { scanJson } from "../../src/report/json.js";
import { textReport } from "../../src/report/text.js";
import { scan } from "../../src/scan/pipeline.js";
import { fixture } from "../cli/run-cli.js";

const ESC = "\u001b[";

describe("colorsFor", () => {
  it.each([
    ["a terminal", { isTTY: true }, {}, true],
    ["a pipe or file", { isTTY: false }, {}, false],
    ["a terminal with NO_COLOR set", { isTTY: true }, { NO_COLOR: "1" }, false],
    // no-color.org: only a non-empty value disables colour
    ["a terminal with NO_COLOR empty", { isTTY: true }, { NO_COLOR: "" }, true],
    ["a dumb terminal", { isTTY: true }, { TERM: "dumb" }, false],
  ])("colours %s: %s", (_, stream, env, coloured) => {
    expect(colorsFor(stream, env).red("x").includes(ESC)).toBe(coloured);
  });
});

describe("textReport", async () => {
  const report = scanJson(await scan({ paths: [fixture("scan/basic")], analyzers }));
  const plain = textReport(report, colorsFor({ isTTY: false }, {}));

  it("groups findings by file, then by workload, each with file:line:col", () => {
    const lines = plain.split("\n");
    const fileLine = lines.indexOf("k8s/app.yaml");
    expect(fileLine).toBeGreaterThanOrEqual(0);
    expect(lines[fileLine + 1]).toBe("  Deployment prod/app");
    const privileged = [...report.findings.items()].find((f) => f.ruleId === "privileged/privileged" && f.file === "k8s/app.yaml")!;
    expect(plain).toContain(`    k8s/app.yaml:${privileged.line}:${privileged.column}  error   ${privileged.message} [app]  privileged/privileged`);
    // every file appears once, as a heading
    // the findings end where the closing table of rules starts
    const headings = lines.slice(0, lines.findIndex((l) => l.startsWith("rule "))).filter((l) => l !== "" && !l.startsWith(" "));
    expect(new Set(headings).size).toBe(headings.length);
    expect(headings.sort()).toEqual([...new Set([...report.findings.items()].map((f) => f.file))].sort());
  });

  it("ends with a summary line of counts, workloads and PSS levels", () => {
    const last = plain.trimEnd().split("\n").at(-1)!;
    const s = report.summary;
    expect(last).toMatch(new RegExp(`^${s.errors} errors?, ${s.warnings} warnings?, ${s.notes} notes? in ${s.files} files?`));
    expect(last).toContain(`Kubernetes ${report.kubeVersion}`);
    expect(last).toMatch(/PSS: \d+ restricted, \d+ baseline, \d+ privileged$/);
  });

  it("prints a rule's why: once, on its first finding, and on every one with verbose", () => {
    const whys = (text: string) => text.split("\n").filter((l) => l.startsWith("      why: "));
    const distinct = new Set([...report.findings.items()].filter((f) => f.why).map((f) => `${f.ruleId} ${f.why}`));
    expect([...report.findings.items()].filter((f) => f.why).length).toBeGreaterThan(distinct.size);
    expect(whys(plain)).toHaveLength(distinct.size);
    expect(plain).toContain("(each rule's why: is shown on its first finding; --verbose shows it on every one)");
    const verbose = textReport(report, colorsFor({ isTTY: false }, {}), { verbose: true });
    expect(whys(verbose)).toHaveLength([...report.findings.items()].filter((f) => f.why).length);
    expect(verbose).not.toContain("--verbose shows it");
  });

  it("closes with a table of rules: id, severity, count, summary, most frequent first", () => {
    const text = textReport(report, colorsFor({ isTTY: false }, {}), { rules: allRules() });
    const lines = text.split("\n");
    const head = lines.findIndex((l) => l.startsWith("rule "));
    expect(lines[head]).toMatch(/^rule +severity +count +summary$/);
    const rows = lines.slice(head + 1, lines.indexOf("", head)).map((l) => /^(\S+) +(error|warning|note) +(\d+) +(.+)$/.exec(l)!);
    const counts = new Map<string, number>();
    for (const f of report.findings.items()) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
    expect(rows.map((m) => [m[1], Number(m[3])])).toEqual(expect.arrayContaining([...counts]));
    expect(rows).toHaveLength(counts.size);
    const shown = rows.map((m) => Number(m[3]));
    expect(shown).toEqual([...shown].sort((a, b) => b - a));
    const summaries = new Map(allRules().map((r) => [r.id, r.summary]));
    for (const m of rows) expect(m[4]).toBe(summaries.get(m[1]!));
  });

  it("has colour only when asked, and the same text underneath", () => {
    expect(plain.includes(ESC)).toBe(false);
    const coloured = textReport(report, colorsFor({ isTTY: true }, {}));
    expect(coloured.includes(ESC)).toBe(true);
    expect(coloured.replace(/\u001b\[\d+m/g, "")).toBe(plain);
  });
});
