import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO, runCli } from "./run-cli.js";
import { validateSarif } from "../report/sarif.test.js";

interface Finding {
  ruleId: string;
  severity: "error" | "warning" | "note";
  file: string;
  line: number;
  column: number;
  message: string;
}
interface ScanJson {
  findings: Finding[];
  summary: { errors: number; warnings: number; notes: number; baselined?: number };
}

const shop = path.join(REPO, "examples/shop");
const json = (...args: string[]) => {
  const r = runCli(["scan", ...args, "--format", "json"]);
  return { ...r, report: JSON.parse(r.stdout) as ScanJson };
};
const all = json(shop).report;

const tmp = mkdtempSync(path.join(os.tmpdir(), "shipshape-output-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("--format compact", () => {
  it("prints one `file:line:col: severity rule message` line per finding, in report order", () => {
    const r = runCli(["scan", shop, "--format", "compact"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toEqual(all.findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.ruleId} ${f.message}`));
    for (const l of lines) expect(l).toMatch(/^[^:\s]+:\d+:\d+: (error|warning|note) [a-z]+\/[a-z-]+ \S/);
  });
});

describe("choosing what is reported: --quiet, --severity, --rule", () => {
  it("--quiet reports errors only, and the exit code follows what is reported", () => {
    const { report, code } = json(shop, "--quiet");
    expect(report.findings.length).toBe(all.summary.errors);
    expect(report.findings.every((f) => f.severity === "error")).toBe(true);
    expect(report.summary).toMatchObject({ errors: all.summary.errors, warnings: 0, notes: 0 });
    expect(code).toBe(1);
    // warnings are not reported, so they do not fail a --fail-on warning gate either
    expect(runCli(["scan", shop, "--quiet", "--rule", "seccomp/missing", "--fail-on", "warning"]).code).toBe(0);
  });

  it("--severity warning leaves out notes", () => {
    const { report } = json(shop, "--severity", "warning");
    expect(report.findings.length).toBe(all.summary.errors + all.summary.warnings);
    expect(report.findings.some((f) => f.severity === "note")).toBe(false);
  });

  it("--rule takes ids and topics, repeated or comma-separated", () => {
    const { report } = json(shop, "--rule", "seccomp/missing,image/*", "--rule", "user/may-run-as-root");
    const wanted = all.findings.filter((f) => f.ruleId === "seccomp/missing" || f.ruleId.startsWith("image/") || f.ruleId === "user/may-run-as-root");
    expect(wanted.length).toBeGreaterThan(2);
    expect(report.findings).toEqual(wanted);
  });

  it("refuses a rule, topic or severity that does not exist (exit 2, before scanning)", () => {
    for (const [args, message] of [
      [["--rule", "seccomp/mising"], "--rule: 'seccomp/mising' names no rule"],
      [["--rule", "nope/*"], "--rule: 'nope/*' names no rule"],
      [["--severity", "high"], "--severity: expected error, warning or note, got 'high'"],
      [["--quiet", "--severity", "note"], "--quiet reports errors only"],
    ] as const) {
      const r = runCli(["scan", shop, ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(message);
    }
  });
});

describe("a baseline for adopting the gate", () => {
  /** A copy of the example whose files the test may change. */
  const repo = () => {
    const dir = mkdtempSync(path.join(tmp, "shop-"));
    cpSync(shop, dir, { recursive: true });
    return dir;
  };

  it("records today's findings, then reports and gates only new ones, also after lines move", () => {
    const dir = repo();
    const baseline = path.join(dir, ".shipshape-baseline.json");
    const write = runCli(["scan", ".", "--write-baseline", baseline, "--format", "json"], { cwd: dir });
    expect(write.stderr).toBe(`shipshape: recorded ${all.findings.length} findings in ${baseline}\n`);
    expect(write.code).toBe(0);
    expect(JSON.parse(write.stdout).findings).toEqual([]);
    const recorded = JSON.parse(readFileSync(baseline, "utf8")) as { findings: Array<{ fingerprint: string; ruleId: string }> };
    expect(recorded.findings.map((f) => f.ruleId)).toEqual(all.findings.map((f) => f.ruleId));

    // nothing new: exit 0, the baselined ones counted; the baseline file itself is not read as a manifest
    const same = runCli(["scan", ".", "--baseline", baseline, "--format", "json"], { cwd: dir });
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout)).toMatchObject({ findings: [], summary: { errors: 0, warnings: 0, notes: 0, baselined: all.findings.length } });

    // lines shift (a comment on top of every manifest): still nothing new
    for (const f of ["k8s/web.yaml", "k8s/api.yaml", "k8s/worker.yaml"]) {
      const p = path.join(dir, f);
      writeFileSync(p, `# moved\n# down\n${readFileSync(p, "utf8")}`);
    }
    expect(runCli(["scan", ".", "--baseline", baseline], { cwd: dir }).code).toBe(0);

    // a new privileged container is new: reported alone, exit 1; the text says how many the baseline holds
    const web = path.join(dir, "k8s/web.yaml");
    writeFileSync(web, readFileSync(web, "utf8").replace(/containers:\n/, "containers:\n        - { name: debug, image: busybox:1.36, securityContext: { privileged: true } }\n"));
    const after = runCli(["scan", ".", "--baseline", baseline, "--format", "json"], { cwd: dir });
    expect(after.code).toBe(1);
    const fresh = (JSON.parse(after.stdout) as ScanJson).findings;
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((f) => f.file === "k8s/web.yaml" && f.message.includes("'debug'"))).toBe(true);
    const text = runCli(["scan", ".", "--baseline", baseline], { cwd: dir });
    expect(text.stdout).toContain(`(${all.findings.length} in the baseline)`);

    // SARIF: the new results are "new", the ones the baseline holds are kept as "unchanged"
    // (left out, GitHub code scanning would close their alerts as fixed); the gate counts the new only
    const sarif = runCli(["scan", ".", "--baseline", baseline, "--format", "sarif"], { cwd: dir });
    expect(sarif.code).toBe(1);
    const doc = JSON.parse(sarif.stdout);
    expect(validateSarif(doc)).toEqual([]);
    const results = doc.runs[0].results as Array<{ baselineState: string; message: { text: string } }>;
    expect(results.filter((r) => r.baselineState === "new").map((r) => r.message.text)).toEqual(fresh.map((f) => expect.stringContaining(f.message)));
    expect(results.filter((r) => r.baselineState === "unchanged")).toHaveLength(all.findings.length);
    expect(results).toHaveLength(fresh.length + all.findings.length);
    expect(doc.runs[0].properties).toEqual({ "shipshape/baseline": { new: fresh.length, unchanged: all.findings.length, absent: 0 } });

    // a fixed finding is counted as absent, not written as a result (GitHub would open an alert for it)
    const fixedFile = "k8s/worker.yaml";
    const fixedCount = all.findings.filter((f) => f.file === fixedFile).length;
    expect(fixedCount).toBeGreaterThan(0);
    rmSync(path.join(dir, fixedFile));
    const fixed = runCli(["scan", ".", "--baseline", baseline, "--format", "sarif"], { cwd: dir });
    const fixedDoc = JSON.parse(fixed.stdout);
    expect(validateSarif(fixedDoc)).toEqual([]);
    expect(fixedDoc.runs[0].properties["shipshape/baseline"]).toEqual({ new: fresh.length, unchanged: all.findings.length - fixedCount, absent: fixedCount });
    expect((fixedDoc.runs[0].results as Array<{ baselineState: string }>).some((r) => r.baselineState === "absent")).toBe(false);

    // nothing new: exit 0 though every result is written, as "unchanged"
    writeFileSync(path.join(dir, "k8s/web.yaml"), readFileSync(path.join(shop, "k8s/web.yaml"), "utf8"));
    const clean = runCli(["scan", ".", "--baseline", baseline, "--format", "sarif"], { cwd: dir });
    expect(clean.code).toBe(0);
    const cleanResults = JSON.parse(clean.stdout).runs[0].results as Array<{ baselineState: string }>;
    expect(cleanResults.map((r) => r.baselineState)).toEqual(Array(all.findings.length - fixedCount).fill("unchanged"));
  });

  it("writes the findings it records as unchanged SARIF results, and exits 0", () => {
    const dir = repo();
    const baseline = path.join(dir, ".shipshape-baseline.json");
    const r = runCli(["scan", ".", "--write-baseline", baseline, "--format", "sarif"], { cwd: dir });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(validateSarif(doc)).toEqual([]);
    expect((doc.runs[0].results as Array<{ baselineState: string }>).map((x) => x.baselineState)).toEqual(Array(all.findings.length).fill("unchanged"));
    expect(doc.runs[0].properties).toEqual({ "shipshape/baseline": { new: 0, unchanged: all.findings.length, absent: 0 } });
  });

  it("refuses a baseline it cannot read (exit 2)", () => {
    const bad = path.join(tmp, "bad.json");
    writeFileSync(bad, '{"findings": []}');
    const r = runCli(["scan", shop, "--baseline", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is not a shipshape baseline");
    expect(runCli(["scan", shop, "--baseline", path.join(tmp, "missing.json")]).stderr).toContain("--baseline: cannot read");
  });
});

describe("SARIF rules for GitHub code scanning", () => {
  it("carry properties.security-severity and tags", () => {
    const doc = JSON.parse(runCli(["scan", shop, "--format", "sarif"]).stdout);
    const rules = doc.runs[0].tool.driver.rules as Array<{ id: string; properties: { tags: string[]; "security-severity"?: string } }>;
    const byId = new Map(rules.map((r) => [r.id, r.properties]));
    expect(byId.get("privileged/privileged")).toMatchObject({ "security-severity": "9.3", tags: ["security", "kubernetes", "privileged"] });
    expect(byId.get("capabilities/not-dropped")).toMatchObject({ "security-severity": "8.0" });
    expect(byId.get("user/dockerfile-root")).toMatchObject({ "security-severity": "5.5", tags: ["security", "dockerfile", "user"] });
    expect(byId.get("input/parse-error")!["security-severity"]).toBeUndefined();
    for (const p of byId.values()) if (p["security-severity"]) expect(Number(p["security-severity"])).toBeGreaterThan(0);
  });
});
