import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parseDockerfile } from "../../src/dockerfile/parse.js";
import type { Dockerfile } from "../../src/dockerfile/model.js";
import { SourceFile } from "../../src/source/source-file.js";

/** Parse and touch every position, the way reporters will. */
function parseAndReport(text: string): Dockerfile {
  const file = new SourceFile("Dockerfile", text);
  const df = parseDockerfile(file, { buildArgs: { A: "1" }, target: "x" });
  for (const p of df.problems) file.position(p.node.offset);
  for (const s of df.stages) {
    for (const i of s.instructions) {
      expect(i.node.offset).toBeGreaterThanOrEqual(0);
      expect(i.node.offset).toBeLessThanOrEqual(text.length);
    }
  }
  // No internal failure: everything odd must be a problem Docker would report, not a crash.
  expect(df.problems.filter((p) => p.value.startsWith("could not read"))).toEqual([]);
  return df;
}

/** A small deterministic PRNG so failures reproduce. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

describe("odd input never throws", () => {
  test.each([
    ["empty", ""],
    ["whitespace", " \n\t\r\n  "],
    ["BOM", "\uFEFFFROM alpine\nUSER 1"],
    ["NUL bytes", "FROM alpine\u0000\nUSER \u0000\u0000"],
    ["lone CR line ends", "FROM alpine\rUSER 1000\rEXPOSE 80\r"],
    ["mixed line ends", "FROM alpine\r\nRUN a \\\r\n  b\rUSER 1\n"],
    ["continuation at end of file", "FROM alpine\nRUN useradd \\"],
    ["continuation into comments only", "FROM alpine\nRUN a \\\n# c\n# d\n"],
    ["escape directive backtick", "# escape=`\nFROM alpine\nRUN a `\n  b\nUSER `$X"],
    ["unknown escape directive", "# escape=x\nFROM alpine"],
    ["unterminated heredoc", "FROM alpine\nRUN <<EOF\nuseradd -u 1 a\n"],
    ["heredoc without name", "FROM alpine\nRUN <<\n"],
    ["unterminated quotes", "FROM alpine\nRUN echo 'a \"b\nUSER \"x"],
    ["unterminated substitution", "FROM ${A\nUSER ${B:-\nEXPOSE ${"],
    ["deep default nesting", `FROM alpine\nUSER ${"${A:-".repeat(500)}1${"}".repeat(500)}`],
    ["huge range", "FROM alpine\nEXPOSE 1-65535 1-65535"],
    ["only flags", "FROM --platform=x\nCOPY --chown=a\nHEALTHCHECK --interval=1s\nRUN --mount=x"],
    ["instruction keywords only", "FROM\nUSER\nEXPOSE\nVOLUME\nCMD\nENTRYPOINT\nHEALTHCHECK\nSHELL\nWORKDIR\nCOPY\nARG\nENV\nONBUILD"],
    ["JSON edge cases", 'FROM a\nCMD ["\\u00e9", "\\x"]\nVOLUME []\nENTRYPOINT [\nSHELL ["a",]'],
    ["stage references", "FROM 5\nFROM 0 AS a\nFROM a AS a\nFROM A\nFROM -1"],
    ["long line", `FROM alpine\nRUN ${"x ".repeat(100_000)}`],
    ["many lines", `FROM alpine\n${"RUN useradd -u 1 a\n".repeat(5000)}`],
    ["prototype names", "FROM alpine AS constructor\nUSER constructor:__proto__\nFROM __proto__\nARG toString\nUSER $toString"],
  ])("%s", (_name, text) => {
    parseAndReport(text);
  });

  test("random bytes", () => {
    const rand = prng(42);
    for (let n = 0; n < 200; n++) {
      const len = Math.floor(rand() * 400);
      let text = "";
      for (let i = 0; i < len; i++) text += String.fromCharCode(Math.floor(rand() * 256));
      parseAndReport(text);
    }
  });

  test("random mutations of real Dockerfiles", () => {
    const rand = prng(7);
    const alphabet = ["\\", "\n", "\r", "$", "{", "}", '"', "'", "[", "]", ":", "-", "<<EOF\n", "EOF", "#", " ", "`", "=", ",", "&&"];
    const sources = readdirSync("fixtures/dockerfiles").map((f) => readFileSync(`fixtures/dockerfiles/${f}`, "utf8"));
    for (let n = 0; n < 300; n++) {
      let text = sources[n % sources.length]!;
      for (let k = 0; k < 1 + Math.floor(rand() * 8); k++) {
        const at = Math.floor(rand() * text.length);
        const cut = Math.floor(rand() * 5);
        text = text.slice(0, at) + alphabet[Math.floor(rand() * alphabet.length)]! + text.slice(at + cut);
      }
      parseAndReport(text);
    }
  });

  test("garbage yields a bounded list of problems", () => {
    const df = parseAndReport(Array.from({ length: 500 }, (_, i) => `garbage${i} x`).join("\n"));
    expect(df.problems.length).toBeLessThanOrEqual(22);
    expect(df.problems.at(-1)!.value).toMatch(/more problems/);
  });

  test("CRLF gives the same model as LF", () => {
    const lf = readFileSync("fixtures/dockerfiles/node-alpine-multistage.Dockerfile", "utf8");
    const a = parseAndReport(lf);
    const b = parseAndReport(lf.replace(/\n/g, "\r\n"));
    const shape = (df: Dockerfile) =>
      df.stages.map((s) => ({
        user: s.user && { ...s.user, node: df.file.position(s.user.node.offset) },
        setcap: s.setcap.map((c) => [c.value, df.file.position(c.node.offset)]),
        expose: s.expose.map((e) => [e.value, df.file.position(e.node.offset)]),
        instructions: s.instructions.map((i) => [i.value, df.file.position(i.node.offset)]),
      }));
    expect(shape(b)).toEqual(shape(a));
    expect([...b.suppressions]).toEqual([...a.suppressions]);
  });
});
