import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixture, runCli } from "./run-cli.js";
import { validateSarif } from "../report/sarif.test.js";

interface ScanJson {
  tool: { name: string; version: string };
  kubeVersion: string;
  findings: Array<{ ruleId: string; severity: string; file: string; line: number; column: number; container: string | null; workload: { kind: string; name: string; namespace: string } | null; message: string }>;
  workloads: Array<{ file: string; line: number; kind: string; name: string; namespace: string; containers: Array<{ name: string; image: string }>; pss: { level: string } }>;
  pairs: unknown[];
  summary: { errors: number; warnings: number; notes: number; files: number; suppressed: number };
}

const basic = fixture("scan/basic");
const scanJson = (...args: string[]) => {
  const r = runCli(["scan", ...args, "--format", "json"]);
  return { ...r, json: JSON.parse(r.stdout) as ScanJson };
};

describe("shipshape scan (built CLI)", () => {
  const { code, json, stderr } = scanJson(basic);

  it("prints one JSON object with the contract's top-level fields and exits 1 on errors", () => {
    expect(code).toBe(1);
    expect(stderr).toBe("");
    expect(json.tool.name).toBe("shipshape");
    expect(json.kubeVersion).toMatch(/^1\.\d+$/);
    expect(Object.keys(json)).toEqual(expect.arrayContaining(["findings", "workloads", "pairs", "summary"]));
  });

  it("gives the same report when a large scan is checked in batches by worker threads", () => {
    const monorepo = path.join(import.meta.dirname, "../../fixtures/pairs/monorepo");
    const onePass = runCli(["scan", monorepo, "--format", "json"], { env: { SHIPSHAPE_BATCH_FILES: "100000" } });
    const threaded = runCli(["scan", monorepo, "--format", "json", "--threads", "3"], { env: { SHIPSHAPE_BATCH_FILES: "2", SHIPSHAPE_WORKER_THRESHOLD: "1" } });
    expect(threaded.stderr).toBe("");
    expect(threaded.code).toBe(onePass.code);
    expect(JSON.parse(onePass.stdout).pairs.length).toBeGreaterThan(5);
    expect(JSON.parse(threaded.stdout)).toEqual(JSON.parse(onePass.stdout));
  });

  it("points a finding at the offending field", () => {
    const f = json.findings.find((x) => x.ruleId === "privileged/privileged" && x.file === "k8s/app.yaml");
    expect(f).toMatchObject({ severity: "error", line: 18, column: 13, container: "app", workload: { kind: "Deployment", name: "app", namespace: "prod" } });
  });

  it("reports a YAML syntax error with its line and a non-UTF-8 file, and goes on", () => {
    const parse = json.findings.filter((x) => x.ruleId === "input/parse-error");
    expect(parse.map((p) => [p.file, p.line])).toEqual([
      ["k8s/broken.yaml", 8],
      ["k8s/latin1.yaml", 4],
    ]);
    expect(parse.every((p) => p.severity === "error")).toBe(true);
  });

  it("notes Helm templates once per chart instead of failing on them", () => {
    const notes = json.findings.filter((x) => x.ruleId === "input/template-skipped");
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ severity: "note", file: "charts/web/templates/deployment.yaml" });
    expect(notes[0]!.message).toContain("helm template");
  });

  it("lists workloads in file order and skips .gitignore'd and config-ignored paths", () => {
    expect(json.workloads.map((w) => `${w.file}:${w.line} ${w.kind}/${w.name}`)).toEqual(["k8s/app.yaml:2 Deployment/app", "k8s/hardened.yaml:1 Pod/hardened"]);
    expect(json.findings.some((f) => f.file.startsWith("generated/") || f.file.startsWith("legacy/"))).toBe(false);
  });

  it("applies suppressions and counts them", () => {
    expect(json.findings.some((f) => f.ruleId === "capabilities/not-dropped" && f.workload?.name === "hardened")).toBe(false);
    expect(json.findings.some((f) => f.ruleId === "user/dockerfile-root")).toBe(false);
    expect(json.summary.suppressed).toBe(2);
    expect(json.summary.errors).toBe(json.findings.filter((f) => f.severity === "error").length);
  });

  it("honours --fail-on: exit 1 only for findings at or above it", () => {
    expect(runCli(["scan", basic, "--fail-on", "none"]).code).toBe(0);
    // every rule off but one, demoted to a warning: the severity decides the exit code
    const dir = mkdtempSync(path.join(os.tmpdir(), "shipshape-failon-"));
    const ids = (JSON.parse(runCli(["rules", "--format", "json"]).stdout) as { rules: Array<{ id: string }> }).rules.map((r) => r.id);
    const rules = ids.map((id) => `  ${id}: ${id === "privileged/privileged" ? "warning" : "off"}`).join("\n");
    writeFileSync(path.join(dir, ".shipshape.yaml"), `rules:\n${rules}\n`);
    writeFileSync(path.join(dir, "app.yaml"), readFileSync(path.join(basic, "k8s/app.yaml")));
    const at = (failOn: string) => runCli(["scan", dir, "--fail-on", failOn]).code;
    const codes = [at("error"), at("warning"), at("note")];
    writeFileSync(path.join(dir, "app.yaml"), readFileSync(path.join(basic, "k8s/app.yaml"), "utf8").replace("privileged: true", "privileged: false"));
    const clean = at("note");
    rmSync(dir, { recursive: true, force: true });
    expect(codes).toEqual([0, 1, 1]);
    expect(clean).toBe(0);
  });

  it("exits 2 with a message naming the key on a bad config, and on bad arguments", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "shipshape-cfg-"));
    writeFileSync(path.join(dir, ".shipshape.yaml"), "rules:\n  no/such-rule: off\n");
    const r = runCli(["scan", dir]);
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("rules.no/such-rule");
    expect(runCli(["scan", basic, "--format", "xml"]).code).toBe(2);
    expect(runCli(["scan", basic, "--kube-version", "2.0"]).code).toBe(2);
    expect(runCli(["scan", "/no/such/dir"]).code).toBe(2);
  });

  it("reads manifests from standard input", () => {
    const input = readFileSync(path.join(basic, "k8s/app.yaml"), "utf8");
    const r = runCli(["scan", "-", "--format", "json"], { input });
    const j = JSON.parse(r.stdout) as ScanJson;
    expect(j.workloads.map((w) => w.name)).toEqual(["app"]);
    expect(j.findings.find((f) => f.ruleId === "privileged/privileged")).toMatchObject({ file: "<stdin>", line: 18 });
  });

  it("writes valid SARIF to --output and nothing to stdout", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "shipshape-out-"));
    const out = path.join(dir, "r.sarif");
    const r = runCli(["scan", basic, "--format", "sarif", "--output", out]);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    rmSync(dir, { recursive: true, force: true });
    expect(r.stdout).toBe("");
    expect(r.code).toBe(1);
    expect(validateSarif(doc)).toEqual([]);
    expect(doc.runs[0].results.length).toBe(json.findings.length);
  });

  it("caps SARIF results at --sarif-max-results, most severe first, and says so; the exit code still counts all", () => {
    const all = runCli(["scan", basic, "--format", "sarif"]);
    const capped = runCli(["scan", basic, "--format", "sarif", "--sarif-max-results", "2"]);
    const results = (r: { stdout: string }) => (JSON.parse(r.stdout) as { runs: Array<{ results: Array<{ level: string }> }> }).runs[0]!.results;
    expect(results(all).length).toBeGreaterThan(2);
    expect(results(capped).map((x) => x.level)).toEqual(["error", "error"]);
    expect(capped.stderr).toMatch(new RegExp(`^shipshape: ${results(all).length} findings, .* the 2 most severe are included`));
    expect(validateSarif(JSON.parse(capped.stdout))).toEqual([]);
    expect(capped.code).toBe(all.code);
    expect(runCli(["scan", basic, "--format", "sarif", "--sarif-max-results", "lots"]).code).toBe(2);
  });

  it("prints text grouped by file with file:line:col, without colour when not a TTY", () => {
    const r = runCli(["scan", basic]);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    expect(r.stdout).toContain("k8s/app.yaml:18:13");
    expect(r.stdout).toMatch(/^k8s\/app\.yaml$/m);
    expect(r.stdout).toContain("Deployment prod/app");
  });

  describe("files it cannot read as text", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "shipshape-odd-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    it("skips a file over the size limit with a note, reports a binary one with its line, and checks the rest", () => {
      mkdirSync(path.join(dir, "k8s"));
      writeFileSync(path.join(dir, "k8s/pod.yaml"), readFileSync(path.join(basic, "k8s/hardened.yaml")));
      // a generated dump of many objects, over the 5 MiB limit
      const big = readFileSync(path.join(basic, "k8s/app.yaml"), "utf8");
      writeFileSync(path.join(dir, "k8s/dump.yaml"), `${big}\n---\n`.repeat(Math.ceil((6 << 20) / big.length)));
      writeFileSync(path.join(dir, "k8s/blob.yaml"), Buffer.concat([Buffer.from("apiVersion: v1\nkind: Pod\n"), Buffer.from([0, 1, 2, 0xff])]));
      const r = runCli(["scan", dir, "--format", "json", "--fail-on", "none"]);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout) as ScanJson;
      const input = j.findings.filter((f) => f.ruleId.startsWith("input/")).map((f) => [f.ruleId, f.file, f.line, f.severity]);
      expect(input).toEqual([
        ["input/parse-error", "k8s/blob.yaml", 3, "error"],
        ["input/file-too-large", "k8s/dump.yaml", 1, "note"],
      ]);
      expect(j.findings.find((f) => f.ruleId === "input/file-too-large")!.message).toMatch(/skipped: 6\.\d MiB is over the 5 MiB limit/);
      expect(j.workloads.map((w) => w.file)).toEqual(["k8s/pod.yaml"]);
    });
  });

  describe("symlinks", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "shipshape-links-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    it("never follows a link out of the root or into a loop", () => {
      const outside = mkdtempSync(path.join(os.tmpdir(), "shipshape-outside-"));
      writeFileSync(path.join(outside, "pod.yaml"), readFileSync(path.join(basic, "k8s/app.yaml")));
      mkdirSync(path.join(dir, "k8s"));
      writeFileSync(path.join(dir, "k8s/pod.yaml"), readFileSync(path.join(basic, "k8s/hardened.yaml")));
      symlinkSync(outside, path.join(dir, "escape"));
      symlinkSync(path.join(outside, "pod.yaml"), path.join(dir, "escape.yaml"));
      symlinkSync(dir, path.join(dir, "k8s/loop"));
      const r = runCli(["scan", dir, "--format", "json"]);
      rmSync(outside, { recursive: true, force: true });
      const j = JSON.parse(r.stdout) as ScanJson;
      expect(j.workloads.map((w) => w.file)).toEqual(["k8s/pod.yaml"]);
    });
  });
});

describe("shipshape rules", () => {
  it("lists every rule with id, severity and summary", () => {
    const r = runCli(["rules", "--format", "json"]);
    const { rules } = JSON.parse(r.stdout) as { rules: Array<{ id: string; severity: string; summary: string; helpUri: string }> };
    expect(r.code).toBe(0);
    expect(rules.map((x) => x.id)).toEqual(expect.arrayContaining(["capabilities/not-dropped", "privileged/privileged", "input/parse-error"]));
    for (const rule of rules) {
      expect(rule.id).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
      expect(["error", "warning", "note"]).toContain(rule.severity);
      expect(rule.summary.length).toBeGreaterThan(10);
    }
    const text = runCli(["rules"]).stdout;
    expect(text).toContain("capabilities/not-dropped");
  });
});
