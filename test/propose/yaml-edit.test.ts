import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { editYamlText } from "../../src/propose/yaml-edit.js";
import { writeFileEdit, type FileEdit } from "../../src/propose/write.js";
import { unifiedDiff } from "../../src/propose/unified-diff.js";

const container = { index: 0, key: "name", value: "app" };

describe("editYamlText splices only what changes", () => {
  it("adds to an empty flow mapping, a key with no value, and keeps CRLF and a missing final newline", () => {
    const text = "spec:\r\n  containers:\r\n  - name: app\r\n    securityContext: {}\r\n  volumes:";
    const r = editYamlText(text, [
      {
        docIndex: 0,
        prefix: [],
        changes: [
          { op: "set", path: ["spec", "containers", container, "securityContext", "privileged"], value: false },
          { op: "append", path: ["spec", "volumes"], value: { name: "tmp", emptyDir: {} } },
          { op: "set", path: ["spec", "securityContext", "runAsNonRoot"], value: true },
        ],
      },
    ]);
    expect(r.problems).toEqual([]);
    expect(r.text).toBe(
      "spec:\r\n  containers:\r\n  - name: app\r\n    securityContext: { privileged: false }\r\n  volumes:\r\n  - name: tmp\r\n    emptyDir: {}\r\n  securityContext:\r\n    runAsNonRoot: true",
    );
  });

  it("refuses to edit through an alias, and when the container at the index is another one", () => {
    const text = "base: &sc {runAsUser: 1}\nspec:\n  securityContext: *sc\n  containers:\n  - name: other\n";
    const r = editYamlText(text, [
      {
        docIndex: 0,
        prefix: [],
        changes: [
          { op: "set", path: ["spec", "securityContext", "runAsNonRoot"], value: true },
          { op: "set", path: ["spec", "containers", container, "privileged"], value: false },
        ],
      },
    ]);
    expect(r.text).toBe(text);
    expect(r.problems).toHaveLength(2);
  });

  it("appends after an item that ends with a block scalar, in the middle of a file and at its end", () => {
    // a kustomization's inline patch is a block scalar: its range ends after its newline
    const append = (text: string) =>
      editYamlText(text, [{ docIndex: 0, prefix: [], changes: [{ op: "append", path: ["patches"], value: { path: "new.yaml" } }] }]);
    const inline = "patches:\n  - target: { kind: Deployment }\n    patch: |-\n      - op: add\n        path: /spec/x\n        value: 1\n";
    expect(append(inline + "namespace: prod\n")).toEqual({ text: inline + "  - path: new.yaml\nnamespace: prod\n", problems: [] });
    expect(append(inline)).toEqual({ text: inline + "  - path: new.yaml\n", problems: [] });
  });

  it("edits a document with a repeated key off the path (kubectl reads it), and refuses one on the path", () => {
    const text = "spec:\n  replicas: 1\n  selector: {a: 1}\n  replicas: 3\n  template:\n    spec:\n      containers: []\n";
    const r = editYamlText(text, [{ docIndex: 0, prefix: [], changes: [{ op: "set", path: ["spec", "template", "spec", "securityContext", "runAsNonRoot"], value: true }] }]);
    expect(r.problems).toEqual([]);
    expect(r.text).toBe(text + "      securityContext:\n        runAsNonRoot: true\n");
    const onPath = "spec:\n  template: {}\n  template:\n    spec: {}\n";
    const refused = editYamlText(onPath, [{ docIndex: 0, prefix: [], changes: [{ op: "set", path: ["spec", "template", "spec", "x"], value: 1 }] }]);
    expect(refused.text).toBe(onPath);
    expect(refused.problems[0]).toMatch(/spec\.template is written 2 times \(the last one counts\)/);
  });

  it("leaves other documents byte-for-byte alone", () => {
    const other = "# keep\nkind:   Service   # odd spacing\nspec: {ports: [ 80 ]}\n";
    const text = `${other}---\nspec:\n  a: 1\n---\n${other}`;
    const r = editYamlText(text, [{ docIndex: 1, prefix: [], changes: [{ op: "set", path: ["spec", "b"], value: "x y" }] }]);
    expect(r.text).toBe(`${other}---\nspec:\n  a: 1\n  b: x y\n---\n${other}`);
  });
});

describe("writeFileEdit", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "shipshape-write-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes atomically, and does not overwrite a file that changed since it was read", async () => {
    const abs = path.join(dir, "a.yaml");
    writeFileSync(abs, "a: 1\n");
    const edit: FileEdit = { file: "a.yaml", abs, before: "a: 1\n", after: "a: 1\nb: 2\n", problems: [] };
    writeFileSync(abs, "a: 1 # edited meanwhile\n");
    expect((await writeFileEdit(edit)).status).toBe("conflict");
    expect(readFileSync(abs, "utf8")).toBe("a: 1 # edited meanwhile\n");
    writeFileSync(abs, "a: 1\n");
    expect((await writeFileEdit(edit)).status).toBe("written");
    expect(readFileSync(abs, "utf8")).toBe("a: 1\nb: 2\n");
    expect((await writeFileEdit({ ...edit, before: edit.after })).status).toBe("unchanged");
  });
});

describe("unifiedDiff", () => {
  it("prints hunks git apply reads", () => {
    expect(unifiedDiff("a/f", "b/f", "1\n2\n3\n4\n5\n", "1\n2\n3\nx\n4\n5\n")).toBe("--- a/f\n+++ b/f\n@@ -1,5 +1,6 @@\n 1\n 2\n 3\n+x\n 4\n 5\n");
  });
});
