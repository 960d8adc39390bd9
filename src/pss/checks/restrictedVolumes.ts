import { isObj, isSet, joinQuote, pluralize, sortedList, stringField, type PodView } from "../pod-view.js";
import type { CheckFailure, CheckPodFn, PssCheck } from "./types.js";

const ALLOWED_1_0 = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"] as const;
const ALLOWED_1_33 = [...ALLOWED_1_0, "image"] as const;
/** In admission's order: the first one a volume sets names its type in the message. */
const RESTRICTED = [
  "hostPath",
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "gitRepo",
  "nfs",
  "iscsi",
  "glusterfs",
  "rbd",
  "flexVolume",
  "cinder",
  "cephfs",
  "flocker",
  "fc",
  "azureFile",
  "vsphereVolume",
  "quobyte",
  "azureDisk",
  "photonPersistentDisk",
  "portworxVolume",
  "scaleIO",
  "storageos",
] as const;

function volumeCheck(allowed: readonly string[]): CheckPodFn {
  return (pod: PodView): CheckFailure | undefined => {
    const volumes = pod.spec.volumes;
    if (!Array.isArray(volumes)) return undefined;
    let bad: string[] | undefined;
    let types: Set<string> | undefined;
    for (const v of volumes) {
      if (!isObj(v) || allowed.some((k) => isSet(v, k))) continue;
      let type = RESTRICTED.find((k) => isSet(v, k)) as string | undefined;
      if (type === undefined) {
        // A volume with no source at all is defaulted to emptyDir by the API server.
        if (!isSet(v, "image")) continue;
        type = "unknown";
      }
      (bad ??= []).push(stringField(v, "name"));
      (types ??= new Set()).add(type);
    }
    if (!bad || !types) return undefined;
    return {
      reason: "restricted volume types",
      detail: `${pluralize("volume", "volumes", bad.length)} ${joinQuote(bad)} ${pluralize("uses", "use", bad.length)} ${pluralize("restricted volume type", "restricted volume types", types.size)} ${joinQuote(sortedList(types))}`,
    };
  };
}

/**
 * Only ephemeral, projected and PersistentVolume-backed volume sources (restricted).
 * `image` volumes were patched into the 1.0 function for 1.33 (PR #130394); clusters before
 * 1.33 reject them as "unknown", so we allow them from 1.33.
 */
export const restrictedVolumes: PssCheck = {
  id: "restrictedVolumes",
  level: "restricted",
  versions: [
    { minimumVersion: 0, checkPod: volumeCheck(ALLOWED_1_0), overrideCheckIds: ["hostPathVolumes"] },
    { minimumVersion: 33, checkPod: volumeCheck(ALLOWED_1_33), overrideCheckIds: ["hostPathVolumes"] },
  ],
};
