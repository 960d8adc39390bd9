import { boolField, joinQuote, nameOf, pluralize, securityContextOf } from "../pod-view.js";
import type { PssCheck } from "./types.js";

/** Privileged containers are forbidden (baseline, 1.0+). */
export const privileged: PssCheck = {
  id: "privileged",
  level: "baseline",
  versions: [
    {
      minimumVersion: 0,
      checkPod({ containers }) {
        let bad: string[] | undefined;
        for (const c of containers) {
          if (boolField(securityContextOf(c), "privileged") === true) (bad ??= []).push(nameOf(c));
        }
        if (!bad) return undefined;
        return {
          reason: "privileged",
          detail: `${pluralize("container", "containers", bad.length)} ${joinQuote(bad)} must not set securityContext.privileged=true`,
        };
      },
    },
  ],
};
