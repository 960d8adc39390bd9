import { describe, expect, test } from "vitest";
import { MAX_EXPANDED_LENGTH, substitute, VariableScope } from "../../src/dockerfile/variables.js";
import { parseText } from "./parse-text.js";

describe("substitute", () => {
  const vars: Record<string, string | null> = { A: "a", EMPTY: "", NOVALUE: null };
  const lookup = (n: string) => vars[n];
  test.each([
    ["$A", "a", []],
    ["${A}x", "ax", []],
    ["$Ax", "", ["Ax"]],
    ["${B:-def}", "def", []],
    ["${EMPTY:-def}", "def", []],
    ["${EMPTY-def}", "", []],
    ["${B-def}", "def", []],
    ["${A:+alt}", "alt", []],
    ["${EMPTY:+alt}", "", []],
    ["${EMPTY+alt}", "alt", []],
    ["${B:-${A}}", "a", []],
    ["${NOVALUE}", "", ["NOVALUE"]],
    ["\\$A", "$A", []],
    ["$", "$", []],
    ["${", "${", []],
    ["${A/x/y}", "${A/x/y}", []],
  ])("%s → %j", (text, expected, missing) => {
    const out = substitute(text, lookup);
    expect(out.text).toBe(expected);
    expect(out.missing).toEqual(missing);
  });

  test("the escape directive's character escapes $", () => {
    expect(substitute("`$A", lookup, "`").text).toBe("$A");
  });
});

describe("scopes", () => {
  test("build args override defaults and fill re-declared globals", () => {
    const global = new VariableScope({ V: "cli" });
    global.declareArg("V", "default");
    global.declareArg("W", "w");
    const stage = new VariableScope({ V: "cli" }, global);
    stage.declareArg("W", undefined);
    stage.declareArg("X", undefined);
    expect([global.lookup("V"), stage.lookup("W"), stage.lookup("X"), stage.lookup("Y")]).toEqual(["cli", "w", null, undefined]);
  });

  test("a build arg the Dockerfile never declares is not visible", () => {
    const df = parseText("FROM alpine\nUSER $SECRET", { buildArgs: { SECRET: "1" } });
    expect(df.effectiveUser?.resolvedBy).toBe("unresolved");
  });

  test("global ARGs in FROM, with build arg override", () => {
    const text = "ARG REG=docker.io\nARG TAG=3.19\nFROM ${REG}/library/alpine:${TAG} AS base\nFROM base";
    expect(parseText(text).stages[0]!.baseImage.value).toBe("docker.io/library/alpine:3.19");
    expect(parseText(text, { buildArgs: { TAG: "3.20" } }).stages[0]!.baseImage.value).toBe("docker.io/library/alpine:3.20");
    expect(parseText(text).stages[1]!.parent?.name).toBe("base");
  });

  test("a FROM whose variable has no value keeps the text as written", () => {
    const df = parseText("ARG IMAGE\nFROM $IMAGE");
    expect(df.problems).toEqual([]);
    expect(df.stages[0]!.baseImage.value).toBe("$IMAGE");
  });

  test("ENV values see the scope before the ENV; quotes are removed", () => {
    const df = parseText('FROM alpine\nENV A=1\nENV A=2 B="x $A" C=\'$A\'\nUSER $B');
    expect(df.effectiveUser?.user).toBe("x 1");
  });

  test("ENV legacy form", () => {
    expect(parseText("FROM alpine\nENV UID 1234\nUSER $UID").effectiveUser?.uid).toBe(1234);
  });

  test("ARG in a stage does not leak into the next stage, ENV does through FROM <stage>", () => {
    const df = parseText("FROM alpine AS a\nARG P=81\nENV Q=82\nFROM a\nEXPOSE $P $Q");
    expect(df.final!.expose.map((e) => e.value.port)).toEqual([82]);
  });
});

describe("expansion is bounded", () => {
  test("a value that would pass MAX_EXPANDED_LENGTH is cut there and says so", () => {
    const big = "x".repeat(40_000);
    const sub = substitute("${A}${A}${A}", (n) => (n === "A" ? big : undefined));
    expect(sub.text.length).toBe(MAX_EXPANDED_LENGTH);
    expect(sub.cut).toBe(true);
    expect(substitute("${A}", (n) => (n === "A" ? big : undefined)).cut).toBeUndefined();
  });

  test("ARG values that double on every line stay bounded, each cut ARG is a problem at its line", () => {
    const lines = ["ARG A0=x", ...Array.from({ length: 24 }, (_, i) => `ARG A${i + 1}=\${A${i}}\${A${i}}`), "FROM alpine", "ARG A24", "ENV E=${A24}${A24}", "USER 1000"];
    const df = parseText(lines.join("\n"));
    const cut = df.problems.filter((p) => p.value.includes("was cut"));
    expect(cut.map((p) => p.node.file.position(p.node.offset).line)).toEqual([17, 18, 19, 20, 21, 22, 23, 24, 25, 28]);
    expect(cut[0]!.value).toMatch(/^ARG A16: the value expands to more than 65536 characters/);
    expect(cut.at(-1)!.value).toMatch(/^ENV E: /);
    expect(df.final!.user?.uid).toBe(1000);
  });
});
