import { boolField, isObj, joinQuote, nameOf, pluralize, securityContextOf } from "../pod-view.js";
import type { PssCheck } from "./types.js";

function hostProcess(sc: Record<string, unknown> | undefined): boolean {
  const w = sc?.windowsOptions;
  return isObj(w) && boolField(w, "hostProcess") === true;
}

/** Windows HostProcess containers are forbidden (baseline, 1.0+). */
export const windowsHostProcess: PssCheck = {
  id: "windowsHostProcess",
  level: "baseline",
  versions: [
    {
      minimumVersion: 0,
      checkPod(pod) {
        let bad: string[] | undefined;
        for (const c of pod.containers) if (hostProcess(securityContextOf(c))) (bad ??= []).push(nameOf(c));
        const podBad = hostProcess(pod.securityContext);
        if (!podBad && !bad) return undefined;
        const setters: string[] = podBad ? ["pod"] : [];
        if (bad) setters.push(`${pluralize("container", "containers", bad.length)} ${joinQuote(bad)}`);
        if (setters.length === 0) return undefined;
        return { reason: "hostProcess", detail: `${setters.join(" and ")} must not set securityContext.windowsOptions.hostProcess=true` };
      },
    },
  ],
};
