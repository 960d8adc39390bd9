import { describe, expect, it } from "vitest";
import { SourceFile } from "../../src/source/source-file.js";
import jsyaml from "js-yaml";
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

  it("tells keys apart by their whole name, quoted or not, and skips nested collections", () => {
    const file = new SourceFile(
      "k.yaml",
      ["ab: 1", "a b: 2", "'a': {x: [1, {y: 2}], z: 3}", '"q" : 4', "ab : 5", "list:", "  - [1, 2]", "  - {k: v}", "  - last", "empty: {}", ""].join("\n"),
    );
    const { docs } = loadYaml(file);
    const root = docs[0]!.value as { a: { x: unknown[] }; list: unknown[]; empty: object };
    const p = docs[0]!.positions;
    expect(lc(file, p.key(root, "a"))).toEqual({ line: 3, column: 1 });
    // 'ab' is repeated on line 5: its value is the one read, so findings about it point there (issue 16)
    expect(lc(file, p.key(root, "ab"))).toEqual({ line: 5, column: 1 });
    expect(lc(file, p.key(root, "a b"))).toEqual({ line: 2, column: 1 });
    expect(lc(file, p.key(root, "q"))).toEqual({ line: 4, column: 1 });
    expect(lc(file, p.key(root.a, "z"))).toEqual({ line: 3, column: 23 });
    expect(lc(file, p.item(root.a.x, 1))).toEqual({ line: 3, column: 14 });
    expect(lc(file, p.item(root.list, 2))).toEqual({ line: 9, column: 5 });
    expect(p.item(root.list, 3)).toBeUndefined();
    expect(p.key(root, "missing")).toBeUndefined();
    expect(lc(file, p.of(root.list))).toEqual({ line: 7, column: 5 });
    expect(p.of(root.empty)).toBeDefined();
  });

  it("keeps an anchored collection's own place when an alias repeats it", () => {
    const file = new SourceFile("anchor.yaml", ["base: &b", "  user: 1000", "copy: *b", ""].join("\n"));
    const { docs } = loadYaml(file);
    const root = docs[0]!.value as { base: object; copy: object };
    expect(root.copy).toBe(root.base);
    expect(lc(file, docs[0]!.positions.key(root.copy, "user"))).toEqual({ line: 2, column: 3 });
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

  it.each([
    ["an indentation error", "kind: A\n---\nkind: B\nspec:\n  - a\n  b: 1\n---\nkind: C\n"],
    ["an unclosed flow mapping late in a document", "kind: A\n---\n# c\nkind: B\nmetadata:\n  labels: {a: 1, b: [2\n---\nkind: C\n"],
    ["a tab where indentation is expected", "---\nkind: A\n---\nkind: B\nspec:\n\tx: 1\n"],
  ])("places %s where parsing the whole file does, though documents are re-read one by one", (_, text) => {
    const file = new SourceFile("bad.yaml", text);
    let whole: { line: number; column: number } | undefined;
    try {
      jsyaml.loadAll(text, () => undefined, { schema: jsyaml.CORE_SCHEMA });
    } catch (e) {
      const mark = (e as jsyaml.YAMLException).mark as { line: number; column: number };
      whole = { line: mark.line + 1, column: mark.column + 1 };
    }
    expect(whole).toBeDefined();
    const { docs, error } = loadYaml(file);
    expect({ line: error?.line, column: error?.column }).toEqual(whole);
    // the documents around the broken one are still read, with their own positions
    const kinds = docs.map((d) => (d.value as { kind: string }).kind);
    expect(kinds[0]).toBe("A");
    const a = docs[0]!.value as object;
    expect(lc(file, docs[0]!.positions.key(a, "kind"))).toEqual({ line: text.startsWith("---") ? 2 : 1, column: 1 });
  });

  it("turns nesting too deep for the parser into a syntax error instead of a crash", () => {
    const file = new SourceFile("deep.yaml", "kind: A\n---\nx: " + "[".repeat(20000) + "]".repeat(20000) + "\n");
    const { docs, error } = loadYaml(file);
    expect(error?.message).toMatch(/nesting too deep/);
    expect(docs.map((d) => (d.value as { kind: string }).kind)).toEqual(["A"]);
  });

  it("points a too deep nesting at the line where the parser stopped, not at line 1", () => {
    const file = new SourceFile("deep.yaml", "kind: A\n---\nkind: B\nspec:\n  x:\n" + "  - ".repeat(1) + "[\n".repeat(20000) + "]".repeat(20000) + "\n");
    const { error } = loadYaml(file);
    expect(error?.message).toMatch(/^nesting too deep for the YAML parser \(\d+ levels open here\)$/);
    // on the opening brackets (one per line from line 6), deep inside: not line 1
    expect(error!.line).toBeGreaterThan(1000);
    expect(error!.line).toBeLessThanOrEqual(20_006);
    expect(file.text.split("\n")[error!.line - 1]).toBe("[");
  });
});
