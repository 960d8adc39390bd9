import { isObj, isSet, joinQuote, pluralize, stringField } from "../pod-view.js";
import type { PssCheck } from "./types.js";

/** hostPath volumes are forbidden (baseline, 1.0+). */
export const hostPathVolumes: PssCheck = {
  id: "hostPathVolumes",
  level: "baseline",
  versions: [
    {
      minimumVersion: 0,
      checkPod({ spec }) {
        if (!Array.isArray(spec.volumes)) return undefined;
        let bad: string[] | undefined;
        for (const v of spec.volumes) {
          if (isObj(v) && isSet(v, "hostPath")) (bad ??= []).push(stringField(v, "name"));
        }
        if (!bad) return undefined;
        return { reason: "hostPath volumes", detail: `${pluralize("volume", "volumes", bad.length)} ${joinQuote(bad)}` };
      },
    },
  ],
};
