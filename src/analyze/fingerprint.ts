import type { Finding } from "./finding.js";

/**
 * A finding's identity across runs, stable when lines shift: rule, file, workload,
 * container and Dockerfile, then its rank among the findings that share them (two
 * dangerous capabilities of one container are two findings). The first keeps the bare
 * key. SARIF's partialFingerprints and the baseline both use it.
 *
 * Call the returned function on every finding of a report, in report order (sorted by
 * file): the rank is counted per file, so only one file's counts are kept.
 */
export function fingerprinter(): (f: Finding) => string {
  let file: string | undefined;
  let count = new Map<string, number>();
  return (f) => {
    if (f.file !== file) {
      file = f.file;
      count = new Map();
    }
    const key = [f.ruleId, f.file, f.workload?.kind ?? "", f.workload?.name ?? "", f.container ?? "", f.dockerfile ?? ""].join("|");
    const n = (count.get(key) ?? 0) + 1;
    count.set(key, n);
    return n === 1 ? key : `${key}|${n}`;
  };
}
