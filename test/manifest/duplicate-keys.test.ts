import { describe, expect, it } from "vitest";
import { duplicateKeys } from "../../src/manifest/duplicate-keys.js";
import { loadYaml } from "../../src/manifest/yaml-load.js";
import { SourceFile } from "../../src/source/source-file.js";

/** Each duplicate as key@line:column of every place, as written. */
function found(text: string): string[] {
  const file = new SourceFile("k.yaml", text);
  const { docs } = loadYaml(file);
  return duplicateKeys(docs[0]!.positions).map((d) => `${d.key}@${d.at.map((p) => Object.values(file.position(p.offset)).join(":")).join(",")}`);
}

describe("duplicateKeys", () => {
  it.each([
    ["block mapping", "a: 1\nb: 2\na: 3\n", ["a@1:1,3:1"]],
    ["null values", "a:\na:\nb: 2\n", ["a@1:1,2:1"]],
    ["quoted, plain and escaped spellings of one key", "a: 1\n'a': 2\n\"\\x61\": 3\n", ["a@1:1,2:1,3:1"]],
    ["a number and its string", "1: x\n'1': y\n", ["1@1:1,2:1"]],
    ["flow mapping on one line", "x: {a: 1, a: 2}\n", ["a@1:5,1:11"]],
    ["JSON", '{"a":1,"a":2}', ["a@1:2,1:8"]],
    ["explicit keys", "? a\n: 1\n? a # why\n: 2\n", ["a@1:3,3:3"]],
    ["in a list item", "l:\n- a: 1\n  a: 2\n", ["a@2:3,3:3"]],
    ["block scalars as values", "a: |\n  x\na: >\n  y\n", ["a@1:1,3:1"]],
    ["a document followed by another", "a: 1\nb:\n  - x\na: 2\n---\nc: 1\n", ["a@1:1,4:1"]],
  ])("finds a key written twice: %s", (_, text, expected) => {
    expect(found(text)).toEqual(expected);
  });

  it.each([
    ["keys beside a merge key override it", "base: &b {x: 1}\nm:\n  <<: *b\n  x: 2\n"],
    ["the same key in different mappings", "a: {x: 1}\nb: {x: 2}\nx: 3\n"],
    ["keys that differ by a blank", "a b: 1\na  b: 2\n"],
    ["several documents", "a: 1\n---\na: 2\n---\na: 3\n"],
  ])("finds none when %s", (_, text) => {
    expect(found(text)).toEqual([]);
  });
});
