import { goQuote, isObj, joinQuote, nameOf, pluralize, securityContextOf, sortedList, stringField, type PodView } from "../pod-view.js";
import type { CheckFailure, PssCheck } from "./types.js";

export const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

function allowedAnnotationValue(profile: string): boolean {
  return profile.length === 0 || profile === "runtime/default" || profile.startsWith("localhost/");
}

function allowedProfileType(type: string): boolean {
  return type === "RuntimeDefault" || type === "Localhost";
}

function forbiddenAnnotations(pod: PodView): string[] | undefined {
  let out: string[] | undefined;
  for (const k in pod.annotations) {
    if (!k.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
    const v = pod.annotations[k]!;
    if (!allowedAnnotationValue(v)) (out ??= []).push(`${k}=${goQuote(v)}`);
  }
  return out?.sort();
}

/** Up to 1.29 admission read the beta annotation only. */
function annotationOnly(pod: PodView): CheckFailure | undefined {
  const bad = forbiddenAnnotations(pod);
  if (!bad) return undefined;
  return { reason: pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", bad.length), detail: bad.join(", ") };
}

/** From 1.30 the appArmorProfile field (pod and container) is checked as well. */
function fieldAndAnnotation(pod: PodView): CheckFailure | undefined {
  let any = isObj(pod.securityContext?.appArmorProfile);
  for (let i = 0; !any && i < pod.containers.length; i++) any = isObj(securityContextOf(pod.containers[i]!)?.appArmorProfile);
  if (!any) return annotationOnly(pod) && fieldAndAnnotationSlow(pod);
  return fieldAndAnnotationSlow(pod);
}

function fieldAndAnnotationSlow(pod: PodView): CheckFailure | undefined {
  const setters: string[] = [];
  const badValues = new Set<string>();
  const podProfile = pod.securityContext?.appArmorProfile;
  if (isObj(podProfile)) {
    const type = stringField(podProfile, "type");
    if (!allowedProfileType(type)) {
      setters.push("pod");
      badValues.add(type);
    }
  }
  let badContainers: string[] | undefined;
  for (const c of pod.containers) {
    const profile = securityContextOf(c)?.appArmorProfile;
    if (!isObj(profile)) continue;
    const type = stringField(profile, "type");
    if (!allowedProfileType(type)) {
      (badContainers ??= []).push(nameOf(c));
      badValues.add(type);
    }
  }
  if (badContainers) setters.push(`${pluralize("container", "containers", badContainers.length)} ${joinQuote(badContainers)}`);
  const values = sortedList(badValues);
  const annotations = forbiddenAnnotations(pod);
  if (annotations) {
    values.push(...annotations);
    setters.push(pluralize("annotation", "annotations", annotations.length));
  }
  if (setters.length === 0) return undefined;
  return {
    reason: pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", values.length),
    detail: `${setters.join(" and ")} must not set AppArmor profile type to ${joinQuote(values)}`,
  };
}

/**
 * AppArmor may not be disabled or overridden with an arbitrary profile (baseline).
 * Upstream patched the field check into the 1.0 function when the field arrived in 1.30;
 * a cluster older than 1.30 does not know the field, so we apply it from 1.30.
 */
export const appArmorProfile: PssCheck = {
  id: "appArmorProfile",
  level: "baseline",
  versions: [
    { minimumVersion: 0, checkPod: annotationOnly },
    { minimumVersion: 30, checkPod: fieldAndAnnotation },
  ],
};
