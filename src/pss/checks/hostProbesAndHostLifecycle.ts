import { isObj, joinQuote, nameOf, pluralize, sortedList, stringField } from "../pod-view.js";
import type { PssCheck } from "./types.js";

const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;
const HOOKS = ["postStart", "preStop"] as const;

function hostsOf(handler: unknown, into: Set<string>): boolean {
  if (!isObj(handler)) return false;
  let found = false;
  for (const kind of ["httpGet", "tcpSocket"] as const) {
    const action = handler[kind];
    if (!isObj(action)) continue;
    const host = stringField(action, "host");
    if (host !== "") {
      into.add(host);
      found = true;
    }
  }
  return found;
}

/** Probes and lifecycle hooks may not target another host (baseline, 1.34+). */
export const hostProbesAndHostLifecycle: PssCheck = {
  id: "hostProbesAndHostLifecycle",
  level: "baseline",
  versions: [
    {
      minimumVersion: 34,
      checkPod({ containers }) {
        let bad: Set<string> | undefined;
        let hosts: Set<string> | undefined;
        for (const c of containers) {
          let found = false;
          for (const p of PROBES) if (isObj(c[p]) && hostsOf(c[p], (hosts ??= new Set()))) found = true;
          const lifecycle = c.lifecycle;
          if (isObj(lifecycle)) for (const h of HOOKS) if (hostsOf(lifecycle[h], (hosts ??= new Set()))) found = true;
          if (found) (bad ??= new Set()).add(nameOf(c));
        }
        if (!bad || !hosts) return undefined;
        return {
          reason: "probe or lifecycle host",
          detail: `${pluralize("container", "containers", bad.size)} ${joinQuote(sortedList(bad))} ${pluralize("uses", "use", bad.size)} ${pluralize("probe or lifecycle host", "probe or lifecycle hosts", hosts.size)} ${joinQuote(sortedList(hosts))}`,
        };
      },
    },
  ],
};
