import type { Obj, Workload } from "../src/manifest/workload.js";
import { isObj } from "../src/manifest/yaml-value.js";

/**
 * Facts about the pod spec that several topics need. They live beside the analyzers
 * because only analyzers ask them; each is a field read, never a parse.
 */

/** `spec.os.name: windows`: Linux-only fields (capabilities, seccomp, AppArmor, SELinux …) do not apply. */
export function isWindowsPod(workload: Workload): boolean {
  const os = workload.podSpec.os;
  return isObj(os) && os.name === "windows";
}

/** `spec.hostUsers: false`: the pod runs in its own user namespace. */
export function usesUserNamespace(workload: Workload): boolean {
  return workload.podSpec.hostUsers === false;
}

/** The pod template's metadata, as the place for a missing annotation. */
export function podMetadataNode(workload: Workload) {
  return workload.podAnnotationsNode ?? workload.positions.of(workload.podMetadata) ?? workload.podSpecNode;
}

/** A mapping field of the pod spec, or undefined. */
export function podField(workload: Workload, key: string): Obj | undefined {
  const v = workload.podSpec[key];
  return isObj(v) ? v : undefined;
}

/** net.ipv4.ip_unprivileged_port_start from the pod's sysctls (1024 when not set). */
export function unprivilegedPortStart(podSpec: Record<string, unknown>): number {
  const sc = podSpec.securityContext;
  const sysctls = isObj(sc) && Array.isArray(sc.sysctls) ? sc.sysctls : [];
  for (const s of sysctls) if (isObj(s) && s.name === "net.ipv4.ip_unprivileged_port_start" && /^\d+$/.test(String(s.value))) return Number(s.value);
  return 1024;
}
