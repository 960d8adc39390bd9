import { cpSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO, runCli } from "../cli/run-cli.js";
import { mayHoldKubernetesObjects } from "../../src/manifest/load.js";

/**
 * A manifest whose `kind` and `apiVersion` keys are written with escapes must not escape
 * the scan (issue 16): the pre-filter that spares a parse of files that cannot hold a
 * workload must be conservative. Each file of the corpus is a privileged, hostPID workload.
 */
const corpus = path.join(REPO, "test/hostile/corpus/escaped-keys");
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("escaped keys", () => {
  it.each([
    ["a directory scan", (dir: string) => [dir]],
    ["a large directory scan, checked in batches", (dir: string) => [dir]],
  ])("are read as workloads by %s, and the gate fails", (label, args) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "shipshape-escaped-"));
    made.push(dir);
    // a copy per run, with enough other files to batch for the second case
    cpSync(corpus, dir, { recursive: true });
    const env: Record<string, string> = label.includes("batches") ? { SHIPSHAPE_BATCH_FILES: "1" } : {};
    const r = runCli(["scan", ...args(dir), "--format", "json"], { env });
    const json = JSON.parse(r.stdout) as { workloads: Array<{ name: string; kind: string }>; findings: Array<{ ruleId: string; file: string }> };
    expect(json.workloads.map((w) => `${w.kind}/${w.name}`).sort()).toEqual(["Deployment/escaped-continuation", "Deployment/escaped-hex", "Pod/escaped-unicode"]);
    for (const file of ["yaml-hex-escape.yaml", "json-unicode-escape.json", "yaml-line-continuation.yaml"]) {
      const rules = json.findings.filter((f) => f.file === file).map((f) => f.ruleId);
      expect(rules, file).toEqual(expect.arrayContaining(["privileged/privileged", "host/namespaces"]));
    }
    expect(r.code).toBe(1);
  });
});

describe("the pre-filter (mayHoldKubernetesObjects)", () => {
  it.each([
    String.raw`"k\x69nd": Deployment`,
    String.raw`{"\u006bind": "Pod"}`,
    String.raw`{"\u006Bind": "Pod"}`,
    String.raw`"\U0000006b\U00000069\U0000006e\U00000064": Pod`,
    '? "ki\\\n    nd"\n: Deployment',
    '? "k\\\r\n  \\\n  ind"\n: Deployment',
    "kind: Deployment", // no apiVersion: still a workload to the model, so still parsed
    "? !!binary a2luZA==\n: Deployment",
  ])("parses a text that may spell kind: %j", (text) => {
    expect(mayHoldKubernetesObjects(text)).toBe(true);
  });

  it.each([
    "name: web\nreplicas: 3\n",
    String.raw`{"scripts": {"test": "echo \"no tests\""}, "regex": "^v\\d+$"}`,
    "k: 1\ni: 2\nn: 3\nd: 4\n",
  ])("spares the parse of a text that cannot: %j", (text) => {
    expect(mayHoldKubernetesObjects(text)).toBe(false);
  });
});
