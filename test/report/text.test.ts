import { describe, expect, it } from "vitest";
import { analyzers } from "../../src/analyze/registry.js";
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
    const privileged = report.findings.find((f) => f.ruleId === "privileged/privileged" && f.file === "k8s/app.yaml")!;
    expect(plain).toContain(`    k8s/app.yaml:${privileged.line}:${privileged.column}  error   ${privileged.message} [app]  privileged/privileged`);
    // every file appears once, as a heading
    const headings = lines.filter((l) => l !== "" && !l.startsWith(" ") && !/^\d+ errors?,/.test(l));
    expect(new Set(headings).size).toBe(headings.length);
    expect(headings.sort()).toEqual([...new Set(report.findings.map((f) => f.file))].sort());
  });

  it("ends with a summary line of counts, workloads and PSS levels", () => {
    const last = plain.trimEnd().split("\n").at(-1)!;
    const s = report.summary;
    expect(last).toMatch(new RegExp(`^${s.errors} errors?, ${s.warnings} warnings?, ${s.notes} notes? in ${s.files} files?`));
    expect(last).toContain(`Kubernetes ${report.kubeVersion}`);
    expect(last).toMatch(/PSS: \d+ restricted, \d+ baseline, \d+ privileged$/);
  });

  it("has colour only when asked, and the same text underneath", () => {
    expect(plain.includes(ESC)).toBe(false);
    const coloured = textReport(report, colorsFor({ isTTY: true }, {}));
    expect(coloured.includes(ESC)).toBe(true);
    expect(coloured.replace(/\u001b\[\d+m/g, "")).toBe(plain);
  });
});
