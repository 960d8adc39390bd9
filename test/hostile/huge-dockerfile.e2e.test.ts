import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_DOCKERFILE_CHARS } from "../../src/dockerfile/parse.js";
import { runCli } from "../cli/run-cli.js";

/**
 * A small or large Dockerfile must not decide whether the scan survives (issue 16). The scan
 * runs with its heap capped at 128 MB, so unbounded memory ends it with an out-of-memory
 * abort instead of a report.
 */
interface Finding {
  ruleId: string;
  file: string;
  line: number;
  message: string;
}

const root = mkdtempSync(path.join(os.tmpdir(), "shipshape-huge-dockerfile-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Scan a folder holding these files (relative path → text) with the heap capped at 128 MB. */
function scanCapped(name: string, text: string | Record<string, string>): { code: number; findings: Finding[]; stderr: string } {
  const dir = path.join(root, name);
  for (const [rel, content] of Object.entries(typeof text === "string" ? { Dockerfile: text } : text)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  const r = runCli(["scan", dir, "--format", "json"], { env: { NODE_OPTIONS: "--max-old-space-size=128" } });
  const findings = r.stdout ? (JSON.parse(r.stdout) as { findings: Finding[] }).findings : [];
  return { code: r.code, findings, stderr: r.stderr };
}

describe("a huge Dockerfile under a 128 MB heap", () => {
  it("ARG values that double on every line are cut at 65,536 characters, with an error at each line that was cut", () => {
    // 24 doublings of 20 characters would be 335M characters: the whole Dockerfile was lost
    // ("could not read the Dockerfile: Invalid string length", after 6 s and 1.7 GB)
    const doubling = Array.from({ length: 24 }, (_, i) => `ARG A${i + 1}=\${A${i}}\${A${i}}`);
    const uses = ["ENV E=$A24", "WORKDIR /$A24", "RUN echo $A24", "USER $A24", "USER 0"];
    const r = scanCapped("doubling", ["FROM scratch", `ARG A0=${"x".repeat(20)}`, ...doubling, ...uses].join("\n") + "\n");
    expect(r.stderr).not.toContain("heap out of memory");
    const cut = r.findings.filter((f) => f.ruleId === "input/parse-error" && f.message.includes("was cut"));
    expect(cut.map((f) => f.line)).toEqual(Array.from({ length: 13 }, (_, i) => 14 + i));
    expect(cut[0]!.message).toContain("ARG A12: the value expands to more than 65536 characters and was cut there");
    // the rest of the Dockerfile is still read, and the gate fails
    expect(r.findings.filter((f) => f.ruleId === "user/dockerfile-root").map((f) => f.line)).toEqual([31]);
    expect(r.code).toBe(1);
  });

  it("a 5 MB Dockerfile is not parsed: an error at its first line, and the other Dockerfiles are still checked", () => {
    // dockerfile-ast builds a positioned node per word: this one took 2.1 GB and 28 s
    const r = scanCapped("five-mb", {
      "huge/Dockerfile": `FROM scratch\nRUN ${"a ".repeat(2_500_000)}\nUSER 0\n`,
      "app/Dockerfile": "FROM scratch\nCOPY app /app\nUSER 0\n",
    });
    expect(r.stderr).not.toContain("heap out of memory");
    const errors = r.findings.filter((f) => f.ruleId === "input/parse-error");
    expect(errors.map((f) => [f.file, f.line, f.message])).toEqual([
      ["huge/Dockerfile", 1, "Dockerfile huge/Dockerfile: not read: 4883 KiB is over the 128 KiB limit for a Dockerfile, so nothing in it is checked"],
    ]);
    expect(r.findings.filter((f) => f.ruleId === "user/dockerfile-root").map((f) => [f.file, f.line])).toEqual([["app/Dockerfile", 3]]);
    expect(r.code).toBe(1);
  });

  it("a Dockerfile just under the limit is read in full, also with a long RUN", () => {
    const text = `FROM scratch\nRUN ${"a ".repeat(64_000)}\nUSER 0\n`;
    expect(text.length).toBeLessThan(MAX_DOCKERFILE_CHARS);
    const r = scanCapped("under-limit", text);
    expect(r.findings.filter((f) => f.ruleId === "input/parse-error")).toEqual([]);
    expect(r.findings.filter((f) => f.ruleId === "user/dockerfile-root").map((f) => f.line)).toEqual([3]);
    expect(r.code).toBe(0);
  });

  it("a Dockerfile of useradd and USER lines up to the limit is read in full: the last USER is the last user created", () => {
    // each creation looks up its group and each USER its user, every name new: lookups that
    // scanned every earlier creation made this quadratic (bench/dockerfile)
    const lines = ["FROM debian"];
    let n = 0;
    while (lines.join("\n").length < MAX_DOCKERFILE_CHARS - 200) {
      n++;
      lines.push(`RUN groupadd -g ${20000 + n} g${n} && useradd -u ${10000 + n} -g g${n} u${n}`, `USER u${n}`);
    }
    const r = scanCapped("useradd-lines", {
      "app/Dockerfile": lines.join("\n") + "\n",
      "k8s/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n    - name: app\n      image: ghcr.io/acme/app:1\n",
    });
    expect(n).toBeGreaterThan(1000);
    expect(r.findings.filter((f) => f.ruleId === "input/parse-error")).toEqual([]);
    const named = r.findings.filter((f) => f.ruleId === "consistency/non-numeric-user");
    expect(named.map((f) => f.message.match(/set 'runAsUser: \d+'|USER \d+:\d+/g))).toEqual([[`set 'runAsUser: ${10000 + n}'`, `USER ${10000 + n}:${20000 + n}`]]);
  });
});
