import { readFile } from "node:fs/promises";
import { UsageError } from "../errors.js";
import type { Finding } from "./finding.js";

/**
 * The findings a repository accepted when it adopted the gate (`scan --write-baseline`),
 * by fingerprint (src/analyze/fingerprint.ts); the rest of each entry is for people
 * reading the file's diffs. `scan --baseline` reports and gates only findings not in it.
 */
export interface BaselineFile {
  tool: "shipshape";
  version: 1;
  findings: Array<{ fingerprint: string; ruleId: string; file: string; line: number; message: string }>;
}

export async function readBaseline(file: string): Promise<Set<string>> {
  const text = await readFile(file, "utf8").catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`--baseline: cannot read ${file}: ${e.code ?? e.message}`);
  });
  let parsed: Partial<BaselineFile>;
  try {
    parsed = JSON.parse(text) as Partial<BaselineFile>;
  } catch (e) {
    throw new UsageError(`--baseline: ${file} is not JSON: ${(e as Error).message}`);
  }
  if (parsed?.tool !== "shipshape" || parsed.version !== 1 || !Array.isArray(parsed.findings)) {
    throw new UsageError(`--baseline: ${file} is not a shipshape baseline (write one with --write-baseline)`);
  }
  const fingerprints = new Set<string>();
  parsed.findings.forEach((f, i) => {
    if (typeof f?.fingerprint !== "string") throw new UsageError(`--baseline: ${file}: findings[${i}] has no fingerprint`);
    fingerprints.add(f.fingerprint);
  });
  return fingerprints;
}

/** The baseline file's text: one finding per entry, in report order, so its diffs read well. */
export function baselineText(entries: Array<{ finding: Finding; fingerprint: string }>): string {
  const body: BaselineFile = {
    tool: "shipshape",
    version: 1,
    findings: entries.map(({ finding: f, fingerprint }) => ({ fingerprint, ruleId: f.ruleId, file: f.file, line: f.line, message: f.message })),
  };
  return JSON.stringify(body, null, 2) + "\n";
}
