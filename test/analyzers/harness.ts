import { analyzers } from "../../analyzers/index.js";
import { analyze } from "../../src/analyze/engine.js";
import type { Finding } from "../../src/analyze/finding.js";
import type { KubeVersion } from "../../src/kube/version.js";
import { LATEST_KUBE_MINOR } from "../../src/kube/version.js";
import { loadManifest } from "../../src/manifest/load.js";
import { WORKLOAD_KINDS } from "../../src/manifest/workload.js";
import { SourceFile } from "../../src/source/source-file.js";

/** Every kind that carries a pod template, and a List of them. */
export const KINDS = [...WORKLOAD_KINDS, "List"] as const;
export type Kind = (typeof KINDS)[number];

const indent = (text: string, n: number) =>
  text
    .split("\n")
    .map((l) => (l.trim() === "" ? "" : " ".repeat(n) + l))
    .join("\n");

function annotationBlock(annotations: Record<string, string> | undefined, n: number): string {
  if (!annotations) return "";
  const lines = ["annotations:", ...Object.entries(annotations).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)];
  return indent(lines.join("\n"), n) + "\n";
}

/** A pod spec (written at indentation 0) inside an object of the given kind, with the pod template's annotations. */
export function inKind(kind: Kind, podSpec: string, annotations?: Record<string, string>): string {
  const templateMeta = (n: number) => (annotations ? indent("metadata:", n) + "\n" + annotationBlock(annotations, n + 2) : "");
  const templated = (apiVersion: string, k: string) =>
    `apiVersion: ${apiVersion}\nkind: ${k}\nmetadata:\n  name: w\nspec:\n  template:\n${templateMeta(4)}    spec:\n${indent(podSpec, 6)}\n`;
  switch (kind) {
    case "Pod":
      return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\n${annotationBlock(annotations, 2)}spec:\n${indent(podSpec, 2)}\n`;
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
      return templated("apps/v1", kind);
    case "ReplicationController":
      return templated("v1", kind);
    case "Job":
      return templated("batch/v1", kind);
    case "CronJob":
      return `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: w\nspec:\n  schedule: "0 * * * *"\n  jobTemplate:\n    spec:\n      template:\n${templateMeta(8)}        spec:\n${indent(podSpec, 10)}\n`;
    case "PodTemplate":
      return `apiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: w\ntemplate:\n${templateMeta(2)}  spec:\n${indent(podSpec, 4)}\n`;
    case "List":
      return `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata:\n      name: w\n${annotationBlock(annotations, 6)}    spec:\n${indent(podSpec, 6)}\n`;
  }
}

export const kube = (minor: number): KubeVersion => ({ major: 1, minor });
export const LATEST = kube(LATEST_KUBE_MINOR);

/** Run one rule over a manifest text through the real loader and engine. */
export function run(ruleId: string, text: string, version: KubeVersion = LATEST): Finding[] {
  const analyzer = analyzers.find((a) => a.id === ruleId);
  if (!analyzer) throw new Error(`no analyzer ${ruleId}`);
  const manifest = loadManifest(new SourceFile("m.yaml", text));
  if (manifest.error) throw new Error(`${manifest.error.message} at ${manifest.error.line}\n${text}`);
  return analyze({ workloads: manifest.workloads, dockerfiles: [], pairs: [], kube: version }, [analyzer], new Map()).findings;
}

/** 1-based line of the first line holding `marker` (a `# <-` comment in the examples). */
export function lineOf(text: string, marker = "# <-"): number {
  const i = text.split("\n").findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`no '${marker}' in\n${text}`);
  return i + 1;
}

/** A container that no container-scope rule reports. */
export const HARDENED = `- name: ok
  image: ghcr.io/acme/ok:1.0@sha256:${"a".repeat(64)}
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
    allowPrivilegeEscalation: false
    readOnlyRootFilesystem: true
    capabilities: { drop: [ALL] }
    seccompProfile: { type: RuntimeDefault }
  resources:
    requests: { cpu: 100m, memory: 64Mi }
    limits: { memory: 64Mi }`;
