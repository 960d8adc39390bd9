import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { analyzers } from "../../src/analyze/registry.js";
import { scanJson, scanJsonChunks, scanReportObject } from "../../src/report/json.js";
import { joinChunks } from "../../src/report/report-list.js";
import { scanReport } from "../../src/scan/batched.js";
import { scan } from "../../src/scan/pipeline.js";

const repo = path.resolve(import.meta.dirname, "../..");
const fixtureDirs = [
  "examples/shop",
  "fixtures/scan/basic",
  ...["pairs", "consistency", "propose"].flatMap((group) => readdirSync(path.join(repo, "fixtures", group)).map((d) => `fixtures/${group}/${d}`)),
];

/** The report one pass over every file gives, and the one checked a file per batch (its lists spilled to disk). */
async function bothWays(dir: string) {
  const onePass = scanJson(await scan({ paths: [dir], analyzers }));
  const { report, dispose } = await scanReport({ paths: [dir], analyzers });
  try {
    // the JSON text copies spilled text; the objects are parsed back from it: both must match one pass
    expect(joinChunks(scanJsonChunks(report))).toBe(joinChunks(scanJsonChunks(onePass)));
    return { onePass: scanReportObject(onePass), batched: scanReportObject(report) };
  } finally {
    dispose();
  }
}

describe("a scan in batches of manifest files", () => {
  beforeEach(() => {
    process.env.SHIPSHAPE_BATCH_FILES = "1";
  });
  afterEach(() => {
    delete process.env.SHIPSHAPE_BATCH_FILES;
  });

  it.each(fixtureDirs)("reports on %s exactly what one pass reports", async (dir) => {
    const { onePass, batched } = await bothWays(path.join(repo, dir));
    expect(batched).toEqual(onePass);
  });

  describe("a finding two batches both make (a kustomize tag shared by workloads in two files)", () => {
    const made: string[] = [];
    afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
    function repoWith(annotations: { a?: string; b?: string }): string {
      const root = mkdtempSync(path.join(tmpdir(), "shipshape-batched-"));
      made.push(root);
      mkdirSync(path.join(root, "app"));
      mkdirSync(path.join(root, "k8s"));
      writeFileSync(path.join(root, "app/Dockerfile"), "FROM debian:12-slim\nUSER 10001\n");
      writeFileSync(path.join(root, "other.Dockerfile"), "FROM debian:12-slim\nUSER 10001\n");
      writeFileSync(path.join(root, "compose.yaml"), "services:\n  app:\n    build: ./app\n    image: ghcr.io/acme/app:1.0\n");
      writeFileSync(path.join(root, "k8s/kustomization.yaml"), "resources:\n  - a.yaml\n  - b.yaml\nimages:\n  - name: ghcr.io/acme/app\n    newTag: \"2.0\"\n");
      for (const name of ["a", "b"] as const) {
        const ann = annotations[name] ? `  annotations:\n    shipshape.dev/ignore: ${annotations[name]}\n` : "";
        writeFileSync(
          path.join(root, `k8s/${name}.yaml`),
          `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n${ann}spec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/app:1.0\n`,
        );
      }
      return root;
    }
    const neverBuilt = (r: { findings: Array<{ ruleId: string; file: string }> }) => r.findings.filter((f) => f.ruleId === "consistency/tag-never-built");

    it("is reported once", async () => {
      const { onePass, batched } = await bothWays(repoWith({}));
      expect(neverBuilt(onePass)).toHaveLength(1);
      expect(neverBuilt(onePass)[0]!.file).toBe("k8s/kustomization.yaml");
      expect(batched).toEqual(onePass);
    });

    it.each([{ a: "consistency/tag-never-built" }, { b: "consistency/tag-never-built" }, { a: "consistency/tag-never-built", b: "consistency/tag-never-built" }])("is suppressed or shown as in one pass (%o)", async (annotations) => {
      const { onePass, batched } = await bothWays(repoWith(annotations));
      expect(batched.summary.suppressed).toBe(onePass.summary.suppressed);
      expect(neverBuilt(batched)).toEqual(neverBuilt(onePass));
      expect(batched).toEqual(onePass);
    });
  });
});
