import { isObj, isWindowsPod, joinQuote, nameOf, pluralize, securityContextOf, sortedList, stringField, type PodView } from "../pod-view.js";
import { validSeccompType } from "./seccompProfile_baseline.js";
import type { CheckFailure, PssCheck } from "./types.js";

function since1_19(pod: PodView): CheckFailure | undefined {
  let podBad = false;
  let badValues: Set<string> | undefined;
  let podSet = false;
  const podProfile = pod.securityContext?.seccompProfile;
  if (isObj(podProfile)) {
    const type = stringField(podProfile, "type");
    if (!validSeccompType(type)) {
      podBad = true;
      (badValues ??= new Set()).add(type);
    } else podSet = true;
  }
  let explicit: string[] | undefined;
  let implicit: string[] | undefined;
  for (const c of pod.containers) {
    const profile = securityContextOf(c)?.seccompProfile;
    if (isObj(profile)) {
      const type = stringField(profile, "type");
      if (!validSeccompType(type)) {
        (explicit ??= []).push(nameOf(c));
        (badValues ??= new Set()).add(type);
      }
    } else if (!podSet) (implicit ??= []).push(nameOf(c));
  }
  if (badValues) {
    const setters: string[] = podBad ? ["pod"] : [];
    if (explicit) setters.push(`${pluralize("container", "containers", explicit.length)} ${joinQuote(explicit)}`);
    return {
      reason: "seccompProfile",
      detail: `${setters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedList(badValues))}`,
    };
  }
  if (implicit) {
    return {
      reason: "seccompProfile",
      detail: `pod or ${pluralize("container", "containers", implicit.length)} ${joinQuote(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    };
  }
  return undefined;
}

/**
 * A seccomp profile must be set, RuntimeDefault or Localhost (restricted, 1.19+ when the
 * field appeared). Windows pods are exempt from 1.25.
 */
export const seccompProfile_restricted: PssCheck = {
  id: "seccompProfile_restricted",
  level: "restricted",
  versions: [
    { minimumVersion: 19, checkPod: since1_19, overrideCheckIds: ["seccompProfile_baseline"] },
    {
      minimumVersion: 25,
      checkPod: (pod) => (isWindowsPod(pod) ? undefined : since1_19(pod)),
      overrideCheckIds: ["seccompProfile_baseline"],
    },
  ],
};
