import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import pc from "picocolors";
import { json6902Text, kustomizeFiles, patchText } from "../../src/propose/formats.js";
import { runPropose } from "../../src/propose/run.js";
import { proposalsJson, proposalsText } from "../../src/propose/text.js";
import { editDiff, planFileEdits, UNVERIFIED_COMMENT, writeFileEdit } from "../../src/propose/write.js";
import { writableChanges } from "../../src/propose/place.js";

/**
 * Golden tests: each fixture repository under fixtures/propose/<situation>/repo, proposed
 * for a Kubernetes version, against the files in expected/<version>/. UPDATE_GOLDEN=1
 * rewrites them (then read the diff before committing).
 */
const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/propose");
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const CASES: Array<{ situation: string; kube: string }> = [
  { situation: "mixed", kube: "1.36" },
  { situation: "mixed", kube: "1.18" },
  { situation: "mixed", kube: "1.25" },
  { situation: "list-json", kube: "1.36" },
  // shaped like real repositories (issue 12)
  { situation: "node-agent", kube: "1.36" },
  { situation: "es-sysctl", kube: "1.36" },
  { situation: "compose-app", kube: "1.36" },
  { situation: "operator-restricted", kube: "1.36" },
  { situation: "drop-all-lowercase", kube: "1.36" },
];
const temps: string[] = [];
afterAll(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })));
const noColor = pc.createColors(false);

function copyRepo(situation: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `shipshape-propose-${situation}-`));
  temps.push(dir);
  cpSync(path.join(FIXTURES, situation, "repo"), dir, { recursive: true });
  return dir;
}

function golden(file: string, actual: string): void {
  if (UPDATE) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

/** The repo's manifest files, relative. */
function manifestFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/.test(e.name) && !e.name.startsWith(".") && !/compose/.test(e.name)) out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

for (const { situation, kube } of CASES) {
  describe(`propose golden: ${situation} at Kubernetes ${kube}`, () => {
    const expected = path.join(FIXTURES, situation, "expected", kube);

    it("proposes per workload (json and text) and prints each patch format", async () => {
      const dir = copyRepo(situation);
      const { placed } = await runPropose({ paths: [dir], kubeVersion: kube, probe: false, timeoutMs: 30_000, concurrency: 2 });
      golden(path.join(expected, "proposals.json"), JSON.stringify(proposalsJson(placed), null, 2) + "\n");
      golden(path.join(expected, "proposals.txt"), proposalsText(placed, noColor));
      golden(path.join(expected, "proposals-verbose.txt"), proposalsText(placed, noColor, { probed: false, includeUnverified: false, verbose: true }));
      golden(path.join(expected, "patch.yaml"), patchText(placed));
      golden(path.join(expected, "json6902.json"), json6902Text(placed));
      for (const [name, text] of kustomizeFiles(placed)) golden(path.join(expected, "kustomize", name), text);
      for (const p of placed) expect(p.proposal.verified).toBe(false);
    });

    it("writes only the safe changes in place, exactly as expected, and a second run writes nothing", async () => {
      const dir = copyRepo(situation);
      const files = manifestFiles(dir);
      const before = new Map(files.map((f) => [f, readFileSync(path.join(dir, f), "utf8")]));
      const first = await runPropose({ paths: [dir], kubeVersion: kube, probe: false, timeoutMs: 30_000, concurrency: 2 });
      const edits = planFileEdits(first.scan.root, first.placed, first.scan.manifests);
      for (const e of edits) expect(e.problems, e.file).toEqual([]);
      golden(path.join(expected, "dry-run.diff"), edits.map(editDiff).join(""));
      for (const e of edits) expect((await writeFileEdit(e)).status).toBe("written");
      for (const f of files) golden(path.join(expected, "written", f), readFileSync(path.join(dir, f), "utf8"));
      // without a probe nothing is verified: every written line is a safe one, and none carries the unverified comment
      for (const f of files) expect(readFileSync(path.join(dir, f), "utf8")).not.toContain(UNVERIFIED_COMMENT);

      // idempotent: the written manifests need nothing more that --write would write
      const second = await runPropose({ paths: [dir], kubeVersion: kube, probe: false, timeoutMs: 30_000, concurrency: 2 });
      for (const p of second.placed) expect(writableChanges(p, false), `${p.workload.name}`).toEqual([]);
      expect(planFileEdits(second.scan.root, second.placed, second.scan.manifests)).toEqual([]);
      // the proposals themselves are the same the second time (the settings were kept); a held-back read-only
      // root is no longer proposed once the written workload meets restricted (which does not ask for it)
      const held = new Set(["evidence", "fields", "changes", "pss", "advice", "readOnlyRootFilesystem", "volumeMounts", "volumes"]);
      const strip = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v) => (held.has(k) ? undefined : v)));
      expect(strip(proposalsJson(second.placed))).toEqual(strip(proposalsJson(first.placed)));
      // unchanged files stay byte-identical
      for (const f of files) if (!edits.some((e) => e.file === f)) expect(readFileSync(path.join(dir, f), "utf8")).toBe(before.get(f));
    });

    it("with --include-unverified writes every change, each unverified one marked, and a second run changes nothing", async () => {
      const dir = copyRepo(situation);
      const files = manifestFiles(dir);
      const first = await runPropose({ paths: [dir], kubeVersion: kube, probe: false, timeoutMs: 30_000, concurrency: 2 });
      const edits = planFileEdits(first.scan.root, first.placed, first.scan.manifests, { includeUnverified: true });
      for (const e of edits) expect(e.problems, e.file).toEqual([]);
      golden(path.join(expected, "dry-run-include-unverified.diff"), edits.map(editDiff).join(""));
      for (const e of edits) expect((await writeFileEdit(e)).status).toBe("written");
      for (const f of files) golden(path.join(expected, "written-include-unverified", f), readFileSync(path.join(dir, f), "utf8"));
      const second = await runPropose({ paths: [dir], kubeVersion: kube, probe: false, timeoutMs: 30_000, concurrency: 2 });
      const json = (f: string) => /\.json$/.test(f);
      for (const p of second.placed) if (!json(p.workload.file.path)) expect(p.changes, `${p.workload.name}`).toEqual([]);
      expect(planFileEdits(second.scan.root, second.placed, second.scan.manifests, { includeUnverified: true }).filter((e) => e.after !== e.before)).toEqual([]);
    });
  });
}
