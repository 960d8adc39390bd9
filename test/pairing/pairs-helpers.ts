import path from "node:path";
import { scan, type ScanResult } from "../../src/scan/pipeline.js";
import { analyzers } from "../../analyzers/index.js";
import { pairsJson } from "../../src/report/json.js";
import { REPO } from "../cli/run-cli.js";

export const FIXTURES = path.join(REPO, "fixtures");

export async function scanFixture(dir: string, withAnalyzers = false): Promise<ScanResult> {
  // the pairing sources on the plain files (as without a kustomize tool); test/render/ pairs rendered output
  return scan({ paths: [path.join(FIXTURES, dir)], analyzers: withAnalyzers ? analyzers : [], render: { render: false } });
}

/** One line per pair: `dockerfile[@stage] -> image (confidence) <= file:Kind/ns/name/container, … | kinds`. */
export function compact(report: ReturnType<typeof pairsJson>): string[] {
  return report.pairs.map(
    (p) =>
      `${p.dockerfile}${p.stage ? `@${p.stage}` : ""} -> ${p.image} (${p.confidence}) <= ${p.workloads
        .map((w) => `${w.file}:${w.kind}/${w.namespace}/${w.name}/${w.container}`)
        .join(", ")} | ${[...new Set(p.evidence.map((e) => e.kind))].join(",")}`,
  );
}

export async function pairsOf(dir: string) {
  const result = await scanFixture(dir);
  const report = pairsJson(result.pairing);
  return { report, pairs: compact(report), unpairedDockerfiles: report.unpairedDockerfiles, unpairedContainers: report.unpairedContainers.map((c) => `${c.name}/${c.container} ${c.image}`) };
}
