import { boolField, inUserNamespace, joinQuote, nameOf, pluralize, securityContextOf, type PodView } from "../pod-view.js";
import type { CheckFailure, PssCheck } from "./types.js";

function since1_0(pod: PodView): CheckFailure | undefined {
  const setters: string[] = [];
  const podValue = boolField(pod.securityContext, "runAsNonRoot");
  if (podValue === false) setters.push("pod");
  const podRunAsNonRoot = podValue === true;
  let explicit: string[] | undefined;
  let implicit: string[] | undefined;
  for (const c of pod.containers) {
    const v = boolField(securityContextOf(c), "runAsNonRoot");
    if (v === false) (explicit ??= []).push(nameOf(c));
    else if (v === undefined && !podRunAsNonRoot) (implicit ??= []).push(nameOf(c));
  }
  if (explicit) setters.push(`${pluralize("container", "containers", explicit.length)} ${joinQuote(explicit)}`);
  if (setters.length > 0) {
    return { reason: "runAsNonRoot != true", detail: `${setters.join(" and ")} must not set securityContext.runAsNonRoot=false` };
  }
  if (implicit) {
    return {
      reason: "runAsNonRoot != true",
      detail: `pod or ${pluralize("container", "containers", implicit.length)} ${joinQuote(implicit)} must set securityContext.runAsNonRoot=true`,
    };
  }
  return undefined;
}

/**
 * runAsNonRoot must be true, at pod level or on every container (restricted) — a non-zero
 * runAsUser does not stand in for it. From 1.35 a pod with `hostUsers: false` is exempt
 * (before, only behind the alpha UserNamespacesPodSecurityStandards gate, off by default).
 */
export const runAsNonRoot: PssCheck = {
  id: "runAsNonRoot",
  level: "restricted",
  versions: [
    { minimumVersion: 0, checkPod: since1_0 },
    { minimumVersion: 35, checkPod: (pod) => (inUserNamespace(pod) ? undefined : since1_0(pod)) },
  ],
};
