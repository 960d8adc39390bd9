import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO, runCli } from "../cli/run-cli.js";

/**
 * The input/* rules are not analyzers (the readers report them), so docs.test.ts cannot run
 * their pages' examples. An example there is a ```yaml block whose first line says what the
 * scan reports: `# <rule> at line <N>: <message>` (lines counted in the block, that line
 * being 1; the message as it begins). Each one is scanned through the CLI, as a user would,
 * and must give exactly one such finding.
 */
const DOCS = path.join(REPO, "docs", "rules", "input");
const ANNOTATION = /^# (input\/[\w-]+) at line (\d+): (.+)$/;

interface Example {
  page: string;
  line: number;
  ruleId: string;
  at: number;
  message: string;
  text: string;
}

function examples(): Example[] {
  const out: Example[] = [];
  for (const page of readdirSync(DOCS).filter((n) => n.endsWith(".md")).sort()) {
    const lines = readFileSync(path.join(DOCS, page), "utf8").split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] !== "```yaml") continue;
      const end = lines.indexOf("```", i + 1);
      const body = lines.slice(i + 1, end);
      const m = ANNOTATION.exec(body[0] ?? "");
      if (m) out.push({ page, line: i + 1, ruleId: m[1]!, at: Number(m[2]), message: m[3]!, text: body.join("\n") + "\n" });
      i = end;
    }
  }
  return out;
}

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("docs/rules/input: annotated examples", () => {
  const all = examples();
  it("there are some (a page format change would silently drop them)", () => {
    expect(all.map((e) => e.ruleId)).toEqual(expect.arrayContaining(["input/duplicate-key", "input/invalid-workload"]));
  });

  it.each(all.map((e) => [`${e.page}:${e.line}`, e] as const))("%s reports what its first line says", (_, e) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "shipshape-input-doc-"));
    made.push(dir);
    writeFileSync(path.join(dir, "example.yaml"), e.text);
    const r = runCli(["scan", dir, "--format", "json"]);
    const findings = (JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; line: number; message: string }> }).findings;
    const own = findings.filter((f) => f.ruleId === e.ruleId);
    expect(own.map((f) => ({ line: f.line, message: f.message.slice(0, e.message.length) }))).toEqual([{ line: e.at, message: e.message }]);
  });
});
