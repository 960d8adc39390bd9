import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO, runCli } from "../cli/run-cli.js";

/**
 * A key written twice in one YAML mapping (issue 16): readers disagree on which value
 * counts, so the scan must fail the gate with both lines, and what it checks must point at
 * the line whose value it read (the last).
 */
interface Finding {
  ruleId: string;
  severity: string;
  file: string;
  line: number;
  message: string;
  related?: Array<{ file: string; line: number }>;
}

const corpus = path.join(REPO, "test/hostile/corpus/duplicate-keys");
const scanJson = (args: string[], env: Record<string, string> = {}) => {
  const r = runCli(["scan", ...args, "--format", "json"], { env });
  return { code: r.code, stderr: r.stderr, json: JSON.parse(r.stdout) as { findings: Finding[] } };
};
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (files: Record<string, string>) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "shipshape-dup-"));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
};

describe("a key written twice in one mapping", () => {
  it.each([
    ["one pass", {}],
    ["batches", { SHIPSHAPE_BATCH_FILES: "1" }],
  ])("is an input/duplicate-key error at the line read, with the earlier lines, and the gate fails (%s)", (_, env: Record<string, string>) => {
    const { code, json } = scanJson([corpus], env);
    const dups = json.findings.filter((f) => f.ruleId === "input/duplicate-key");
    expect(dups.map((f) => [f.file, f.line, f.related?.map((r) => r.line)])).toEqual([
      ["before-a-broken-document.yaml", 5, [4]],
      ["image-three-times.yaml", 10, [8, 9]],
      ["json-duplicate.json", 2, [2]],
      ["privileged-false-then-true.yaml", 11, [10]],
      ["privileged-true-then-false.yaml", 11, [10]],
    ]);
    expect(dups.every((f) => f.severity === "error")).toBe(true);
    expect(dups.find((f) => f.file === "privileged-true-then-false.yaml")?.message).toContain("key 'privileged' is written twice in one mapping (lines 10 and 11)");
    expect(dups.find((f) => f.file === "image-three-times.yaml")?.message).toContain("key 'image' is written 3 times in one mapping (lines 8, 9 and 10)");
    // both on one line: line and column tell them apart
    expect(dups.find((f) => f.file === "json-duplicate.json")?.message).toContain("key 'hostPID' is written twice in one mapping (at 2:11 and 2:28)");
    // the merge key's overrides are no duplicate
    expect(json.findings.filter((f) => f.file === "merge-key-override.yaml" && f.ruleId.startsWith("input/"))).toEqual([]);
    // the broken document after the duplicate is still reported, once
    expect(json.findings.filter((f) => f.file === "before-a-broken-document.yaml" && f.ruleId === "input/parse-error")).toHaveLength(1);
    expect(code).toBe(1);
  });

  it("points the privileged finding at the line whose value is read", () => {
    const { json } = scanJson([corpus]);
    const privileged = json.findings.filter((f) => f.ruleId === "privileged/privileged");
    expect(privileged.map((f) => [f.file, f.line])).toEqual([["privileged-false-then-true.yaml", 11]]);
    // the image read is the last one written
    const pinned = json.findings.filter((f) => f.ruleId === "image/not-pinned" && f.file === "image-three-times.yaml");
    expect(pinned.map((f) => [f.line, f.message.includes("'app:3'")])).toEqual([[10, true]]);
  });

  it("fails the gate even when the last value is the safe one", () => {
    const dir = tempDir({ "pod.yaml": "kind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: a@sha256:" + "0".repeat(64) + "\n      securityContext:\n        privileged: true\n        privileged: false\n" });
    const { code, json } = scanJson([dir, "--fail-on", "error"]);
    expect(json.findings.some((f) => f.ruleId === "privileged/privileged")).toBe(false);
    expect(json.findings.filter((f) => f.ruleId === "input/duplicate-key").map((f) => f.line)).toEqual([10]);
    expect(code).toBe(1);
  });

  it("is not reported for a file without one (keys alike in different mappings, quoted and plain)", () => {
    const dir = tempDir({
      "pod.yaml": 'kind: Pod\nmetadata:\n  name: p\n  labels: {name: p, "app": p}\nspec:\n  containers:\n    - name: a\n      image: a\n    - name: b\n      image: b\n',
    });
    const { json } = scanJson([dir]);
    expect(json.findings.filter((f) => f.ruleId.startsWith("input/"))).toEqual([]);
  });

  it("in .shipshape.yaml is a usage error that names the file and line", () => {
    const dir = tempDir({ ".shipshape.yaml": "kubeVersion: '1.30'\nkubeVersion: '1.29'\n", "pod.yaml": "kind: Pod\nmetadata:\n  name: p\n" });
    const r = runCli(["scan", dir, "--format", "json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(".shipshape.yaml:2: invalid YAML: duplicated mapping key");
    expect(r.stdout).toBe("");
  });

  it("in compose and skaffold files read for pairing does not stop the scan", () => {
    const dir = tempDir({
      "docker-compose.yaml": "services:\n  web:\n    build: ./web\n    build: ./web\n    image: web\n",
      "skaffold.yaml": "apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n    - image: api\n      context: api\n      context: api\n",
      "web/Dockerfile": "FROM scratch\nUSER 1000\n",
      "api/Dockerfile": "FROM scratch\nUSER 1000\n",
      "deploy.yaml": "kind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: web\n      image: web:1\n    - name: api\n      image: api:1\n",
    });
    const r = runCli(["pairs", dir, "--format", "json"]);
    expect(r.code).toBe(0);
    const pairs = (JSON.parse(r.stdout) as { pairs: Array<{ dockerfile: string }> }).pairs.map((p) => p.dockerfile).sort();
    expect(pairs).toEqual(["api/Dockerfile", "web/Dockerfile"]);
    const { json } = scanJson([dir]);
    // skaffold.yaml is read as a manifest too (it has a kind): its duplicate is reported
    expect(json.findings.filter((f) => f.ruleId === "input/duplicate-key").map((f) => [f.file, f.line])).toEqual([["skaffold.yaml", 7]]);
  });
});
