import { goQuote, isObj, joinQuote, nameOf, pluralize, securityContextOf, sortedList, stringField, type PodView } from "../pod-view.js";
import type { CheckFailure, PssCheck } from "./types.js";

export const SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
export const SECCOMP_CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";

export function validSeccompType(type: string): boolean {
  return type === "RuntimeDefault" || type === "Localhost";
}

function validSeccompAnnotationValue(v: string): boolean {
  return v === "runtime/default" || v === "docker/default" || v.startsWith("localhost/");
}

/** Before 1.19 seccomp was set with the alpha annotations. */
function annotations(pod: PodView): CheckFailure | undefined {
  const forbidden = new Set<string>();
  const podValue = pod.annotations[SECCOMP_POD_ANNOTATION];
  if (podValue !== undefined && !validSeccompAnnotationValue(podValue)) forbidden.add(`${SECCOMP_POD_ANNOTATION}=${goQuote(podValue)}`);
  for (const c of pod.containers) {
    const key = SECCOMP_CONTAINER_ANNOTATION_PREFIX + nameOf(c);
    const v = pod.annotations[key];
    if (v !== undefined && !validSeccompAnnotationValue(v)) forbidden.add(`${key}=${goQuote(v)}`);
  }
  if (forbidden.size === 0) return undefined;
  return {
    reason: "seccompProfile",
    detail: `forbidden ${pluralize("annotation", "annotations", forbidden.size)} ${sortedList(forbidden).join(", ")}`,
  };
}

/** From 1.19 the seccompProfile field; an explicit Unconfined (or any other type) is forbidden. */
function fields(pod: PodView): CheckFailure | undefined {
  let podBad = false;
  let badValues: Set<string> | undefined;
  const podProfile = pod.securityContext?.seccompProfile;
  if (isObj(podProfile)) {
    const type = stringField(podProfile, "type");
    if (!validSeccompType(type)) {
      podBad = true;
      (badValues ??= new Set()).add(type);
    }
  }
  let bad: string[] | undefined;
  for (const c of pod.containers) {
    const profile = securityContextOf(c)?.seccompProfile;
    if (!isObj(profile)) continue;
    const type = stringField(profile, "type");
    if (!validSeccompType(type)) {
      (bad ??= []).push(nameOf(c));
      (badValues ??= new Set()).add(type);
    }
  }
  if (!badValues) return undefined;
  const setters: string[] = podBad ? ["pod"] : [];
  if (bad) setters.push(`${pluralize("container", "containers", bad.length)} ${joinQuote(bad)}`);
  return {
    reason: "seccompProfile",
    detail: `${setters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedList(badValues))}`,
  };
}

/** If a seccomp profile is set, only the runtime default or a localhost profile (baseline). */
export const seccompProfile_baseline: PssCheck = {
  id: "seccompProfile_baseline",
  level: "baseline",
  versions: [
    { minimumVersion: 0, checkPod: annotations },
    { minimumVersion: 19, checkPod: fields },
  ],
};
