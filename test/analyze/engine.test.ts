import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze/engine.js";
import { defineAnalyzer, type Analyzer } from "../../src/analyze/define.js";
import { loadManifest } from "../../src/manifest/load.js";
import { parseDockerfile } from "../../src/dockerfile/parse.js";
import { SourceFile } from "../../src/source/source-file.js";
import { parseKubeVersion } from "../../src/kube/version.js";
import type { RuleSetting } from "../../src/config/config.js";

const manifest = (annotations = "") =>
  loadManifest(
    new SourceFile(
      "k8s/app.yaml",
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
${annotations}spec:
  template:
    spec:
      containers:
        - name: a
          image: a
        - name: b
          image: b
`,
    ),
  ).workloads;

// reports every container at its own node, twice: the engine keeps one
const everyContainer = defineAnalyzer({
  id: "test/every-container",
  severity: "warning",
  summary: "reports every container",
  scope: "container",
  check({ container, report }) {
    report({ at: container.node, message: `container '${container.name}'` });
    report({ at: container.node, message: `container '${container.name}'` });
  },
});
const everyDockerfile = defineAnalyzer({
  id: "test/every-from",
  severity: "error",
  summary: "reports every FROM",
  scope: "dockerfile",
  check({ dockerfile, report }) {
    for (const s of dockerfile.stages) report({ at: s.node, message: `stage ${s.index}` });
  },
});
const analyzers: Analyzer[] = [everyContainer, everyDockerfile];
const kube = parseKubeVersion("latest");
const dockerfile = parseDockerfile(new SourceFile("Dockerfile", "FROM a AS one\n# shipshape:ignore test/every-from\nFROM b\n"));

describe("analyzer engine", () => {
  it("runs each analyzer over its scope, once per place, with 1-based positions and context", () => {
    const { findings, suppressed } = analyze({ workloads: manifest(), dockerfiles: [dockerfile], pairs: [], kube }, analyzers, new Map());
    expect(suppressed).toBe(1);
    expect(findings.map((f) => [f.ruleId, f.file, f.line, f.column, f.container, f.severity])).toEqual([
      ["test/every-from", "Dockerfile", 1, 1, null, "error"],
      ["test/every-container", "k8s/app.yaml", 9, 11, "a", "warning"],
      ["test/every-container", "k8s/app.yaml", 11, 11, "b", "warning"],
    ]);
    expect(findings[1]!.workload).toEqual({ kind: "Deployment", name: "app", namespace: "default" });
    expect(findings[0]!.dockerfile).toBe("Dockerfile");
  });

  it("applies configuration: a rule turned off never runs, a severity is overridden", () => {
    const rules = new Map<string, RuleSetting>([
      ["test/every-from", { enabled: false }],
      ["test/every-container", { enabled: true, severity: "note" }],
    ]);
    const { findings } = analyze({ workloads: manifest(), dockerfiles: [dockerfile], pairs: [], kube }, analyzers, rules);
    expect(findings.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(["test/every-container:note", "test/every-container:note"]);
  });

  it("drops findings the workload's shipshape.dev/ignore annotation names, and counts them", () => {
    const workloads = manifest('  annotations:\n    shipshape.dev/ignore: "test/every-container"\n');
    const { findings, suppressed } = analyze({ workloads, dockerfiles: [], pairs: [], kube }, analyzers, new Map());
    expect(findings).toEqual([]);
    expect(suppressed).toBe(2);
  });
});
