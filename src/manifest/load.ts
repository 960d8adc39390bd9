import type { SourceFile } from "../source/source-file.js";
import { duplicateKeys, type DuplicateKey } from "./duplicate-keys.js";
import { loadYaml } from "./yaml-load.js";
import { workloadsOf, type ShapeProblem, type Workload } from "./workload.js";

export interface ManifestFile {
  file: SourceFile;
  /** how many YAML documents the file holds (the documents themselves are not kept:
   * only workloads matter to the scan, and a Service or ConfigMap would only cost memory) */
  documents: number;
  workloads: Workload[];
  /** a YAML syntax error, with 1-based position; the documents before it are kept */
  error?: { message: string; line: number; column: number };
  /** workload parts of the wrong type, which were not checked (input/invalid-workload) */
  problems?: ShapeProblem[];
  /** keys written twice in one mapping (input/duplicate-key) */
  duplicates?: DuplicateKey[];
}

/**
 * Cheap test that a YAML/JSON text may hold Kubernetes objects, before paying for a parse.
 * It must never say no to a workload: a false yes costs a parse, a false no a privileged
 * Deployment nobody checks. Every object has a `kind` key (a workload is found by it; no
 * `apiVersion` is needed for that), and YAML or JSON can write those four letters without
 * their bytes only in a double-quoted scalar with escapes (`"k\x69nd"`, `"\u006bind"`, a
 * `\` line continuation between letters: ESCAPED_KIND) or as a `!!binary` key.
 */
export function mayHoldKubernetesObjects(text: string): boolean {
  return text.includes("kind") || (text.includes("\\") && ESCAPED_KIND.test(text)) || text.includes("binary");
}

/** One letter of `kind`, as written or as a YAML/JSON escape (any case: a false yes only costs a parse). */
const letter = (c: string) => {
  const hex = c.charCodeAt(0).toString(16);
  return `(?:${c}|\\\\x${hex}|\\\\u00${hex}|\\\\U000000${hex})`;
};
/** `kind` in a double-quoted scalar: each letter maybe escaped, maybe an escaped line break between them. */
const ESCAPED_KIND = new RegExp([..."kind"].map(letter).join("(?:\\\\\\r?\\n[ \\t]*)*"), "i");

export function loadManifest(file: SourceFile): ManifestFile {
  const { docs, error } = loadYaml(file);
  const problems: ShapeProblem[] = [];
  const workloads = docs.flatMap((d) => workloadsOf(d.value, d.index, d.positions, problems));
  const duplicates = docs[0] ? duplicateKeys(docs[0].positions) : [];
  return { file, documents: docs.length, workloads, error, problems, duplicates };
}
