import type { Workload } from "../manifest/workload.js";

import { isObj, type Obj } from "../manifest/yaml-value.js";

// the checks read everything about a pod through this module
export { isObj };

/**
 * What a Pod Security check reads: the pod's annotations and spec as written, and its
 * containers in the order admission visits them (init, regular, ephemeral). Nothing is
 * copied: the view points into the parsed manifest.
 */
export interface PodView {
  annotations: Readonly<Record<string, string>>;
  spec: Obj;
  /** spec.securityContext, when it is a mapping */
  securityContext: Obj | undefined;
  containers: readonly Obj[];
}

const NO_CONTAINERS: readonly Obj[] = [];

function pushContainers(out: Obj[], list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const c of list) if (isObj(c)) out.push(c);
}

export function podViewOf(workload: Pick<Workload, "podSpec" | "podAnnotations">): PodView {
  const spec = workload.podSpec;
  let containers: Obj[] | undefined;
  if (Array.isArray(spec.initContainers) || Array.isArray(spec.containers) || Array.isArray(spec.ephemeralContainers)) {
    containers = [];
    pushContainers(containers, spec.initContainers);
    pushContainers(containers, spec.containers);
    pushContainers(containers, spec.ephemeralContainers);
  }
  return {
    annotations: workload.podAnnotations,
    spec,
    securityContext: isObj(spec.securityContext) ? spec.securityContext : undefined,
    containers: containers ?? NO_CONTAINERS,
  };
}

/** The container's name exactly as written; admission does not require it to be a DNS label. */
export function nameOf(container: Obj): string {
  const n = container.name;
  return typeof n === "string" ? n : typeof n === "number" ? String(n) : "";
}

export function securityContextOf(container: Obj): Obj | undefined {
  const sc = container.securityContext;
  return isObj(sc) ? sc : undefined;
}

/** A `*bool`: true or false when written as a boolean, undefined otherwise. */
export function boolField(o: Obj | undefined, key: string): boolean | undefined {
  const v = o?.[key];
  return typeof v === "boolean" ? v : undefined;
}

/** A string field the way Go decodes it: absent or null is "". */
export function stringField(o: Obj | undefined, key: string): string {
  const v = o?.[key];
  return typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
}

/** A pointer field is set when the key holds anything but null. */
export function isSet(o: Obj | undefined, key: string): boolean {
  const v = o?.[key];
  return v !== undefined && v !== null;
}

export function isWindowsPod(pod: PodView): boolean {
  const os = pod.spec.os;
  return isObj(os) && os.name === "windows";
}

/** `hostUsers: false`: the pod runs in its own user namespace (KEP-127). */
export function inUserNamespace(pod: PodView): boolean {
  return pod.spec.hostUsers === false;
}

// Message helpers mirroring policy/helpers.go, so messages read like admission's.

export function joinQuote(items: readonly string[]): string {
  if (items.length === 0) return "";
  return `"${items.join('", "')}"`;
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** Go's sets.String.List(): unique and sorted. */
export function sortedList(set: ReadonlySet<string>): string[] {
  return Array.from(set).sort();
}

/** Go's %q for the strings manifests hold. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}
