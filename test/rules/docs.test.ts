import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyzers } from "../../analyzers/index.js";
import type { Analyzer } from "../../src/analyze/define.js";
import { analyze, type AnalysisInput } from "../../src/analyze/engine.js";
import { allRules } from "../../src/analyze/registry.js";
import { parseDockerfile } from "../../src/dockerfile/parse.js";
import { parseKubeVersion } from "../../src/kube/version.js";
import { loadManifest } from "../../src/manifest/load.js";
import type { Pair } from "../../src/pairing/pair.js";
import { SourceFile } from "../../src/source/source-file.js";
import { manifestText, readDocPage, type DocBlock } from "./docs-page.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const DOCS = join(ROOT, "docs", "rules");

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith(".md") ? [p] : [];
  });
}

const pages = walk(DOCS)
  .map((file) => {
    const rel = relative(DOCS, file).split(sep).join("/");
    return { rel, idFromPath: rel.replace(/\.md$/, ""), page: readDocPage(readFileSync(file, "utf8")) };
  })
  .sort((a, b) => (a.rel < b.rel ? -1 : 1));

const byId = new Map<string, Analyzer>(analyzers.map((a) => [a.id, a]));
const ruleIds = new Set(allRules().map((r) => r.id));

/** One run of a rule: the blocks of a section that make one input. */
interface Example {
  section: DocBlock["section"];
  blocks: DocBlock[];
  line: number;
}

/** Pair-scope rules take a ```dockerfile and a ```yaml block of the same section together; others one block each. */
function examplesOf(analyzer: Analyzer, blocks: DocBlock[]): Example[] {
  if (analyzer.scope !== "pair") return blocks.map((b) => ({ section: b.section, blocks: [b], line: b.line }));
  const out: Example[] = [];
  for (const section of ["Fails", "Passes"] as const) {
    let dockerfile: DocBlock | undefined;
    let yaml: DocBlock | undefined;
    for (const b of blocks.filter((x) => x.section === section)) {
      if (b.lang === "dockerfile") dockerfile = b;
      else yaml = b;
      if (dockerfile && yaml) {
        out.push({ section, blocks: [dockerfile, yaml], line: Math.min(dockerfile.line, yaml.line) });
        dockerfile = yaml = undefined;
      }
    }
    if (dockerfile || yaml) throw new Error(`${analyzer.id}: a pair example in '${section}' needs both a dockerfile and a yaml block`);
  }
  return out;
}

function inputOf(example: Example, docPath: string): AnalysisInput {
  const kubeText = example.blocks.find((b) => b.kube)?.kube;
  const input: AnalysisInput = { workloads: [], dockerfiles: [], pairs: [], kube: parseKubeVersion(kubeText) };
  for (const b of example.blocks) {
    const name = `${docPath}:${b.line}`;
    if (b.lang === "dockerfile") {
      input.dockerfiles.push(parseDockerfile(new SourceFile(`${name}/Dockerfile`, b.text)));
    } else {
      const manifest = loadManifest(new SourceFile(`${name}.yaml`, manifestText(b)));
      if (manifest.error) throw new Error(`${name}: ${manifest.error.message}`);
      if (manifest.workloads.length === 0) throw new Error(`${name}: the yaml block holds no workload`);
      input.workloads.push(...manifest.workloads);
    }
  }
  const dockerfile = input.dockerfiles[0];
  const workload = input.workloads[0];
  const container = workload?.containers[0];
  if (dockerfile && workload && container) {
    const ref = container.image?.value ?? "";
    const pair: Pair = {
      dockerfile,
      stage: null,
      image: ref.replace(/@.*$/, "").replace(/:[^/:]*$/, ""),
      targets: [{ workload, container }],
      evidence: [],
      confidence: "high",
    };
    const tags = example.blocks.find((b) => b.builds)?.builds;
    if (tags) {
      const at = { file: dockerfile.file, offset: 0 };
      pair.builds = [{ evidence: { kind: "ci", file: dockerfile.file.path, line: 1, detail: `docker build -t ${pair.image}:${tags.join(",")}` }, at, tags }];
      pair.evidence = pair.builds.map((b) => b.evidence);
    }
    input.pairs.push(pair);
  }
  return input;
}

describe("docs/rules", () => {
  it("has a page for every registered rule", () => {
    const documented = new Set(pages.map((p) => p.idFromPath));
    const missing = [...ruleIds].filter((id) => !documented.has(id));
    expect(missing).toEqual([]);
  });

  it("names a registered rule on every page, in its heading and by its path", () => {
    for (const p of pages) {
      expect(p.page.id, p.rel).toBe(p.idFromPath);
      expect(ruleIds.has(p.idFromPath), `${p.rel} names no registered rule`).toBe(true);
      expect(p.page.summary, `${p.rel} has no summary line`).toBeTruthy();
    }
  });

  for (const p of pages) {
    const analyzer = byId.get(p.idFromPath);
    if (!analyzer) continue; // input rules: prose only
    describe(p.rel, () => {
      it("shows at least one failing and one passing example", () => {
        expect(p.page.blocks.some((b) => b.section === "Fails")).toBe(true);
        expect(p.page.blocks.some((b) => b.section === "Passes")).toBe(true);
      });
      for (const example of examplesOf(analyzer, p.page.blocks)) {
        const kube = example.blocks.find((b) => b.kube)?.kube;
        it(`${example.section === "Fails" ? "fires on" : "is silent on"} the example at line ${example.line}${kube ? ` (kube ${kube})` : ""}`, () => {
          const input = inputOf(example, `docs/rules/${p.rel}`);
          const { findings } = analyze(input, [analyzer], new Map());
          const own = findings.filter((f) => f.ruleId === analyzer.id);
          if (example.section === "Fails") {
            expect(own.length, "expected a finding").toBeGreaterThan(0);
            for (const f of own) expect(f.line).toBeGreaterThan(0);
          } else {
            expect(own.map((f) => `${f.line}: ${f.message}`)).toEqual([]);
          }
        });
      }
    });
  }
});
