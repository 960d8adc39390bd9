import { inUserNamespace, joinQuote, nameOf, pluralize, securityContextOf, sortedList, type PodView } from "../pod-view.js";
import type { CheckFailure, PssCheck } from "./types.js";

/** procMount must be unset or "Default", whatever the pod (procMount_1_0). */
export function procMountDefaultOnly(pod: PodView): CheckFailure | undefined {
  let bad: string[] | undefined;
  let types: Set<string> | undefined;
  for (const c of pod.containers) {
    const v = securityContextOf(c)?.procMount;
    if (v === undefined || v === null) continue;
    if (v !== "Default") {
      (bad ??= []).push(nameOf(c));
      (types ??= new Set()).add(String(v));
    }
  }
  if (!bad || !types) return undefined;
  return {
    reason: "procMount",
    detail: `${pluralize("container", "containers", bad.length)} ${joinQuote(bad)} must not set securityContext.procMount to ${joinQuote(sortedList(types))}`,
  };
}

/**
 * The default /proc masks are required (baseline). From 1.35 a pod in its own user
 * namespace (`hostUsers: false`) may unmask them; restricted still may not (procMount_restricted).
 */
export const procMount: PssCheck = {
  id: "procMount",
  level: "baseline",
  versions: [
    { minimumVersion: 0, checkPod: procMountDefaultOnly },
    { minimumVersion: 35, checkPod: (pod) => (inUserNamespace(pod) ? undefined : procMountDefaultOnly(pod)) },
  ],
};
