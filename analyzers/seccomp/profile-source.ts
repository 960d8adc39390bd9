import type { Container, Obj, Workload } from "../../src/manifest/workload.js";
import { isObj } from "../../src/manifest/yaml-value.js";
import type { Pos } from "../../src/source/source-file.js";

/**
 * Seccomp moved from annotations to fields (KEP-135):
 * - 1.19: `securityContext.seccompProfile` GA, the annotations deprecated; the API server
 *   copies annotations to fields on pod creation (kubernetes/kubernetes#91381, #91408).
 * - 1.25: kubelets ignore the annotations and fields are no longer copied to annotations;
 *   annotations are still copied to fields (kubernetes/kubernetes#109819).
 * - 1.27: annotations are no longer copied to fields: they do nothing
 *   (kubernetes/kubernetes#114947). Validation that both match, when both are set, stays.
 */
export const SECCOMP_FIELD_SINCE = 19;
export const SECCOMP_ANNOTATION_IGNORED_SINCE = 27;

export const SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
export const SECCOMP_CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";

export interface SeccompAnnotation {
  key: string;
  value: string;
  node: Pos;
  level: "pod" | "container";
}

/** The annotation that would apply to a container: its own, else the pod's. */
export function seccompAnnotation(workload: Workload, container: Container): SeccompAnnotation | undefined {
  if (!isObj(workload.podMetadata.annotations)) return undefined; // no annotations: the common case, kept cheap
  const own = annotationAt(workload, SECCOMP_CONTAINER_ANNOTATION_PREFIX + container.name, "container");
  return own ?? annotationAt(workload, SECCOMP_POD_ANNOTATION, "pod");
}

export function annotationAt(workload: Workload, key: string, level: "pod" | "container"): SeccompAnnotation | undefined {
  const value = workload.podAnnotations[key];
  if (value === undefined) return undefined;
  const holder = workload.podMetadata.annotations;
  const node = (isObj(holder) ? workload.positions.key(holder, key) : undefined) ?? workload.podAnnotationsNode ?? workload.node;
  return { key, value, node, level };
}

/** The field type an annotation value stands for (what the API server copied it to). */
export function annotationAsField(value: string): { type: string; localhostProfile?: string } | undefined {
  if (value === "runtime/default" || value === "docker/default") return { type: "RuntimeDefault" };
  if (value === "unconfined") return { type: "Unconfined" };
  if (value.startsWith("localhost/")) return { type: "Localhost", localhostProfile: value.slice("localhost/".length) };
  return undefined;
}

/** `seccompProfile` of a securityContext mapping as written, if any. */
export function seccompFieldOf(securityContext: unknown): Obj | undefined {
  return isObj(securityContext) && isObj(securityContext.seccompProfile) ? securityContext.seccompProfile : undefined;
}
