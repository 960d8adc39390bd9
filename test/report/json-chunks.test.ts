import { describe, expect, it } from "vitest";
import { prettyJsonChunks } from "../../src/report/json-chunks.js";

describe("prettyJsonChunks", () => {
  it.each([
    { tool: { name: "shipshape" }, findings: [{ a: 1, b: [1, { c: "x\ny" }] }, { a: 2 }], empty: [], n: 3, s: "q\"", nil: null, skip: undefined },
    {},
    { only: [] },
    { nested: [[1, [2]], { deep: { er: [] } }] },
    // more items than one chunk holds, with a cut between chunks
    { findings: Array.from({ length: 1300 }, (_, i) => ({ i, at: { line: i, tags: i % 2 ? [] : ["x"] } })), after: [1] },
  ])("writes exactly JSON.stringify(value, null, 2)", (value) => {
    expect([...prettyJsonChunks(value as Record<string, unknown>)].join("")).toBe(JSON.stringify(value, null, 2) + "\n");
  });
});
