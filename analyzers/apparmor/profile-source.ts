import type { Container, Workload } from "../../src/manifest/workload.js";
import { isObj } from "../../src/manifest/yaml-value.js";
import type { Pos } from "../../src/source/source-file.js";

/**
 * AppArmor moved from annotations to fields (KEP-24):
 * - 1.30: `securityContext.appArmorProfile` (pod and container); the API server syncs
 *   annotation and field on pod creation and rejects a pod where they disagree
 *   (kubernetes/kubernetes#123435).
 * - 1.34: fields are no longer copied to annotations (kubernetes/kubernetes#131989).
 * - 1.36: KEP-24 phase 3, annotations are no longer copied to fields: an annotation
 *   alone does nothing.
 */
export const APPARMOR_FIELD_SINCE = 30;
export const APPARMOR_ANNOTATION_IGNORED_SINCE = 36;
export const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

export interface AppArmorAnnotation {
  key: string;
  value: string;
  node: Pos;
}

export function appArmorAnnotation(workload: Workload, container: Container): AppArmorAnnotation | undefined {
  if (!isObj(workload.podMetadata.annotations)) return undefined; // no annotations: the common case, kept cheap
  const key = APPARMOR_ANNOTATION_PREFIX + container.name;
  const value = workload.podAnnotations[key];
  if (value === undefined) return undefined;
  return { key, value, node: annotationNode(workload, key) };
}

export function annotationNode(workload: Workload, key: string): Pos {
  const holder = workload.podMetadata.annotations;
  return (isObj(holder) ? workload.positions.key(holder, key) : undefined) ?? workload.podAnnotationsNode ?? workload.node;
}

/** The field an annotation value stands for; an empty value means the runtime default. */
export function annotationAsField(value: string): { type: string; localhostProfile?: string } | undefined {
  if (value === "" || value === "runtime/default") return { type: "RuntimeDefault" };
  if (value === "unconfined") return { type: "Unconfined" };
  if (value.startsWith("localhost/")) return { type: "Localhost", localhostProfile: value.slice("localhost/".length) };
  return undefined;
}

export function fieldYaml(f: { type: string; localhostProfile?: string }): string {
  return `appArmorProfile: { type: ${f.type}${f.localhostProfile !== undefined ? `, localhostProfile: ${f.localhostProfile}` : ""} }`;
}
