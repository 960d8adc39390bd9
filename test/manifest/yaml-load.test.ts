import { describe, expect, it } from "vitest";
import { SourceFile } from "../../src/source/source-file.js";
import { loadYaml } from "../../src/manifest/yaml-load.js";

const lc = (file: SourceFile, pos: { offset: number } | undefined) => (pos ? file.position(pos.offset) : undefined);

describe("loadYaml positions", () => {
  it("gives the 1-based line and column of keys, through comments and blank lines", () => {
    const file = new SourceFile(
      "a.yaml",
      ["# header", "a: 1", "", "# about b", "b:", "  # inner", "  c: [x, 'y']", "  d:", "    - e: true", "      f: null", ""].join("\n"),
    );
    const { docs, error } = loadYaml(file);
    expect(error).toBeUndefined();
    const root = docs[0]!.value as { b: { c: string[]; d: Array<{ e: boolean }> } };
    const p = docs[0]!.positions;
    expect(lc(file, p.key(root, "a"))).toEqual({ line: 2, column: 1 });
    expect(lc(file, p.key(root, "b"))).toEqual({ line: 5, column: 1 });
    expect(lc(file, p.key(root.b, "c"))).toEqual({ line: 7, column: 3 });
    expect(lc(file, p.item(root.b.c, 1))).toEqual({ line: 7, column: 10 });
    expect(lc(file, p.item(root.b.d, 0))).toEqual({ line: 9, column: 7 });
    expect(lc(file, p.key(root.b.d[0]!, "f"))).toEqual({ line: 10, column: 7 });
  });

  it("reads every document of a multi-document file and JSON", () => {
    const file = new SourceFile("m.yaml", "kind: A\n---\nkind: B\n...\n---\n{\"kind\": \"C\", \"spec\": {\"x\": 1}}\n");
    const { docs } = loadYaml(file);
    expect(docs.map((d) => (d.value as { kind: string }).kind)).toEqual(["A", "B", "C"]);
    const c = docs[2]!.value as { spec: object };
    expect(lc(file, docs[2]!.positions.key(c.spec, "x"))).toEqual({ line: 6, column: 24 });
  });

  it("reports a syntax error with its line and keeps the documents before it", () => {
    const file = new SourceFile("bad.yaml", "kind: A\n---\nkind: B\n  bad: [unclosed\n---\nkind: C\nspec: {x: 1}\n");
    const { docs, error } = loadYaml(file);
    expect(docs.map((d) => (d.value as { kind: string }).kind)).toEqual(["A", "C"]);
    expect(error?.line).toBe(4);
    const c = docs[1]!.value as { spec: object };
    expect(lc(file, docs[1]!.positions.key(c.spec, "x"))).toEqual({ line: 7, column: 8 });
  });

  it("turns nesting too deep for the parser into a syntax error instead of a crash", () => {
    const file = new SourceFile("deep.yaml", "kind: A\n---\nx: " + "[".repeat(20000) + "]".repeat(20000) + "\n");
    const { docs, error } = loadYaml(file);
    expect(error?.message).toMatch(/nesting too deep/);
    expect(docs.map((d) => (d.value as { kind: string }).kind)).toEqual(["A"]);
  });
});
