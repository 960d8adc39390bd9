import { isObj, isWindowsPod, joinQuote, nameOf, pluralize, securityContextOf, sortedList, type PodView } from "../pod-view.js";
import type { CheckFailure, PssCheck } from "./types.js";

const ALL = "ALL";
const NET_BIND_SERVICE = "NET_BIND_SERVICE";

function since1_22(pod: PodView): CheckFailure | undefined {
  let missingDropAll: string[] | undefined;
  let addingForbidden: string[] | undefined;
  let forbidden: Set<string> | undefined;
  // containers that drop ALL in another spelling: admission compares names exactly
  let misspelled: string[] | undefined;
  for (const c of pod.containers) {
    const caps = securityContextOf(c)?.capabilities;
    if (!isObj(caps)) {
      (missingDropAll ??= []).push(nameOf(c));
      continue;
    }
    const drop = Array.isArray(caps.drop) ? caps.drop : [];
    if (!drop.some((d) => d === ALL)) {
      (missingDropAll ??= []).push(nameOf(c));
      const near = drop.find((d) => typeof d === "string" && /^(cap_)?all$/i.test(d));
      if (near !== undefined) (misspelled ??= []).push(`container "${nameOf(c)}" drops "${String(near)}"`);
    }
    let addsForbidden = false;
    if (Array.isArray(caps.add)) {
      for (const a of caps.add) {
        if (a !== NET_BIND_SERVICE) {
          addsForbidden = true;
          (forbidden ??= new Set()).add(String(a));
        }
      }
    }
    if (addsForbidden) (addingForbidden ??= []).push(nameOf(c));
  }
  const details: string[] = [];
  if (missingDropAll) {
    details.push(
      `${pluralize("container", "containers", missingDropAll.length)} ${joinQuote(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`,
    );
  }
  if (addingForbidden && forbidden) {
    details.push(
      `${pluralize("container", "containers", addingForbidden.length)} ${joinQuote(addingForbidden)} must not include ${joinQuote(sortedList(forbidden))} in securityContext.capabilities.add`,
    );
  }
  if (details.length === 0) return undefined;
  return {
    reason: "unrestricted capabilities",
    detail: details.join("; "),
    ...(misspelled
      ? { hint: `${misspelled.join(", ")}: capability names are compared exactly as written, so only "ALL" drops all capabilities` }
      : {}),
  };
}

/**
 * Containers must drop ALL and may add back only NET_BIND_SERVICE (restricted, 1.22+).
 * Windows pods are exempt from 1.25: the API rejects capabilities there.
 */
export const capabilities_restricted: PssCheck = {
  id: "capabilities_restricted",
  level: "restricted",
  versions: [
    { minimumVersion: 22, checkPod: since1_22, overrideCheckIds: ["capabilities_baseline"] },
    {
      minimumVersion: 25,
      checkPod: (pod) => (isWindowsPod(pod) ? undefined : since1_22(pod)),
      overrideCheckIds: ["capabilities_baseline"],
    },
  ],
};
