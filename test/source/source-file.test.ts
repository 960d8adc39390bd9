import { describe, expect, it } from "vitest";
import { SourceFile } from "../../src/source/source-file.js";

describe("SourceFile positions", () => {
  it.each([
    ["LF", "a\nbb\nccc"],
    ["CRLF", "a\r\nbb\r\nccc"],
    ["lone CR", "a\rbb\rccc"],
  ])("counts lines after %s", (_name, text) => {
    const f = new SourceFile("x", text);
    expect(f.position(text.indexOf("bb") + 1)).toEqual({ line: 2, column: 2 });
    expect(f.position(text.indexOf("ccc"))).toEqual({ line: 3, column: 1 });
    expect(f.lineOffset(3)).toBe(text.indexOf("ccc"));
  });
});
