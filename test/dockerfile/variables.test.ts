import { describe, expect, test } from "vitest";
import { substitute, VariableScope } from "../../src/dockerfile/variables.js";
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
