import { boolField, isWindowsPod, joinQuote, nameOf, pluralize, securityContextOf, type PodView } from "../pod-view.js";
import type { CheckFailure, PssCheck } from "./types.js";

function since1_8(pod: PodView): CheckFailure | undefined {
  let bad: string[] | undefined;
  for (const c of pod.containers) {
    if (boolField(securityContextOf(c), "allowPrivilegeEscalation") !== false) (bad ??= []).push(nameOf(c));
  }
  if (!bad) return undefined;
  return {
    reason: "allowPrivilegeEscalation != false",
    detail: `${pluralize("container", "containers", bad.length)} ${joinQuote(bad)} must set securityContext.allowPrivilegeEscalation=false`,
  };
}

/**
 * allowPrivilegeEscalation must be false on every container (restricted, from 1.8 when the
 * field appeared). Windows pods are exempt from 1.25: the API rejects the field there.
 */
export const allowPrivilegeEscalation: PssCheck = {
  id: "allowPrivilegeEscalation",
  level: "restricted",
  versions: [
    { minimumVersion: 8, checkPod: since1_8 },
    { minimumVersion: 25, checkPod: (pod) => (isWindowsPod(pod) ? undefined : since1_8(pod)) },
  ],
};
