import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Finding } from "../../src/analyze/finding.js";
import { analyzers } from "../../src/analyze/registry.js";
import { parseKubeVersion } from "../../src/kube/version.js";
import { scanJson, scanJsonChunks, scanReportObject } from "../../src/report/json.js";
import { joinChunks, prettyItems } from "../../src/report/report-list.js";
import { BatchMerger, type BatchReport } from "../../src/scan/batch-report.js";
import { scanReport } from "../../src/scan/batched.js";
import type { ScanContext } from "../../src/scan/context.js";
import { scan } from "../../src/scan/pipeline.js";
import { ReportSpill } from "../../src/scan/report-spill.js";
import { renderRuns } from "../../src/scan/spilled-lists.js";

/**
 * A large scan spills its findings and workloads to a temporary file, rendered as the
 * JSON report prints them, and merges the few findings it keeps in memory (Dockerfiles,
 * build configs) between them by file. Whatever the batches, the report is the one pass's.
 */
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
afterEach(() => {
  delete process.env.SHIPSHAPE_BATCH_FILES;
});

/** `services` Dockerfiles without USER (a finding each, kept in memory) among manifests (spilled). */
function repo(services: number, manifestsPerService: number, layout: "interleaved" | "apart"): string {
  const root = mkdtempSync(path.join(tmpdir(), "shipshape-spill-"));
  made.push(root);
  for (let s = 0; s < services; s++) {
    const dir = layout === "interleaved" ? path.join(root, `svc-${s}`) : path.join(root, "build", `svc-${s}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "Dockerfile"), `FROM debian:12\nRUN echo ${s}\n`);
    const k8s = layout === "interleaved" ? path.join(dir, "k8s") : path.join(root, "k8s", `svc-${s}`);
    mkdirSync(k8s, { recursive: true });
    for (let m = 0; m < manifestsPerService; m++) {
      writeFileSync(
        path.join(k8s, `deploy-${m}.yaml`),
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-${s}-${m}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/svc-${s}:1.${m}\n          securityContext: { privileged: ${m % 2 === 0} }\n`,
      );
    }
  }
  writeFileSync(
    path.join(root, "skaffold.yaml"),
    `apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n${Array.from({ length: services }, (_, s) => `    - image: ghcr.io/acme/svc-${s}\n      context: ${layout === "interleaved" ? "" : "build/"}svc-${s}\n`).join("")}`,
  );
  return root;
}

async function compare(dir: string, batchFiles: number) {
  const onePass = scanJson(await scan({ paths: [dir], analyzers }));
  process.env.SHIPSHAPE_BATCH_FILES = String(batchFiles);
  const { report, dispose } = await scanReport({ paths: [dir], analyzers });
  try {
    expect(joinChunks(scanJsonChunks(report))).toBe(joinChunks(scanJsonChunks(onePass)));
    expect(scanReportObject(report)).toEqual(scanReportObject(onePass));
    return scanReportObject(report);
  } finally {
    dispose();
  }
}

describe("a scan whose report is spilled", () => {
  it.each([1, 3, 7])("places the Dockerfile findings between the spilled files of a batch (batches of %i)", async (n) => {
    const report = await compare(repo(12, 3, "interleaved"), n);
    expect(report.findings.filter((f) => f.ruleId === "user/dockerfile-root")).toHaveLength(12);
    expect(report.pairs.length).toBe(12);
  });

  it("renders more findings kept in memory than one chunk holds, between spilled ones", async () => {
    const report = await compare(repo(80, 1, "apart"), 5);
    expect(report.findings.filter((f) => f.file.startsWith("build/")).length).toBeGreaterThan(64);
  });

  it("keeps the text in memory when no temporary file can be made, with the same report", async () => {
    const dir = repo(5, 3, "interleaved");
    const before = process.env.TMPDIR;
    process.env.TMPDIR = path.join(dir, "no", "such", "dir");
    try {
      expect(new ReportSpill().onDisk).toBe(false);
      await compare(dir, 2);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
  });
});

describe("BatchMerger", () => {
  const finding = (file: string, line: number, message = "m"): Finding => ({
    ruleId: "privileged/privileged",
    severity: "error",
    message,
    file,
    line,
    column: 1,
    workload: null,
    container: null,
    dockerfile: null,
  });
  const batch = (own: Finding[], shared: Finding[] = []): BatchReport => ({
    own: renderRuns(own),
    findings: [],
    shared,
    suppressedKeys: [],
    suppressedElsewhere: [],
    workloads: { text: "", count: 0 },
    pairs: [],
    unpairedContainers: { text: "", count: 0 },
    templates: [],
    filesRead: own.length,
  });
  const ctx = { prepared: { config: { rules: new Map() }, kube: parseKubeVersion(undefined), units: [] }, chartRoots: new Set(), dockerfiles: [], sources: new Map() } as unknown as ScanContext;

  it("reads a spilled file back when another batch reports on it too, and counts a finding both make once", () => {
    const spill = new ReportSpill();
    try {
      const merger = new BatchMerger(ctx, spill);
      merger.add(batch([finding("a.yaml", 1), finding("b.yaml", 2), finding("b.yaml", 5), finding("c.yaml", 1)]));
      // the second batch makes the same finding on b.yaml, and one of its own there
      merger.add(batch([finding("d.yaml", 1)], [finding("b.yaml", 5), finding("b.yaml", 3, "other")]));
      const report = merger.finish({ findings: [], shared: [], suppressedKeys: [], suppressedElsewhere: [] });
      const all = [...report.findings.items()];
      expect(all.map((f) => `${f.file}:${f.line}`)).toEqual(["a.yaml:1", "b.yaml:2", "b.yaml:3", "b.yaml:5", "c.yaml:1", "d.yaml:1"]);
      expect(report.summary.errors).toBe(6);
      expect(report.findings.count).toBe(6);
      expect(joinChunks(report.findings.jsonItems())).toBe(prettyItems(all));
    } finally {
      spill.close();
    }
  });
});
