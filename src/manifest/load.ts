import type { SourceFile } from "../source/source-file.js";
import { loadYaml } from "./yaml-load.js";
import { workloadsOf, type Workload } from "./workload.js";

export interface ManifestFile {
  file: SourceFile;
  /** how many YAML documents the file holds (the documents themselves are not kept:
   * only workloads matter to the scan, and a Service or ConfigMap would only cost memory) */
  documents: number;
  workloads: Workload[];
  /** a YAML syntax error, with 1-based position; the documents before it are kept */
  error?: { message: string; line: number; column: number };
}

/** Cheap test that a YAML/JSON text may hold Kubernetes objects, before paying for a parse. */
export function mayHoldKubernetesObjects(text: string): boolean {
  return text.includes("kind") && text.includes("apiVersion");
}

export function loadManifest(file: SourceFile): ManifestFile {
  const { docs, error } = loadYaml(file);
  const workloads = docs.flatMap((d) => workloadsOf(d.value, d.index, d.positions));
  return { file, documents: docs.length, workloads, error };
}
