import { inUserNamespace, joinQuote, nameOf, pluralize, securityContextOf, type PodView } from "../pod-view.js";
import type { CheckFailure, PssCheck } from "./types.js";

const isRoot = (sc: Record<string, unknown> | undefined): boolean => sc?.runAsUser === 0;

function since1_23(pod: PodView): CheckFailure | undefined {
  const setters: string[] = [];
  if (isRoot(pod.securityContext)) setters.push("pod");
  let bad: string[] | undefined;
  for (const c of pod.containers) if (isRoot(securityContextOf(c))) (bad ??= []).push(nameOf(c));
  if (bad) setters.push(`${pluralize("container", "containers", bad.length)} ${joinQuote(bad)}`);
  if (setters.length === 0) return undefined;
  return { reason: "runAsUser=0", detail: `${setters.join(" and ")} must not set runAsUser=0` };
}

/** runAsUser may not be 0 (restricted, 1.23+); `hostUsers: false` pods are exempt from 1.35. */
export const runAsUser: PssCheck = {
  id: "runAsUser",
  level: "restricted",
  versions: [
    { minimumVersion: 23, checkPod: since1_23 },
    { minimumVersion: 35, checkPod: (pod) => (inUserNamespace(pod) ? undefined : since1_23(pod)) },
  ],
};
