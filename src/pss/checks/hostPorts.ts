import { isObj, joinQuote, nameOf, pluralize, sortedList } from "../pod-view.js";
import type { PssCheck } from "./types.js";

/**
 * Host ports are forbidden (baseline, 1.0+) on every container kind: admission visits init
 * and ephemeral containers too, so a hostPort there fails just the same.
 */
export const hostPorts: PssCheck = {
  id: "hostPorts",
  level: "baseline",
  versions: [
    {
      minimumVersion: 0,
      checkPod({ containers }) {
        let bad: string[] | undefined;
        let ports: Set<string> | undefined;
        for (const c of containers) {
          if (!Array.isArray(c.ports)) continue;
          let valid = true;
          for (const p of c.ports) {
            const hostPort = isObj(p) ? p.hostPort : undefined;
            if (typeof hostPort === "number" && hostPort !== 0) {
              valid = false;
              (ports ??= new Set()).add(String(hostPort));
            }
          }
          if (!valid) (bad ??= []).push(nameOf(c));
        }
        if (!bad || !ports) return undefined;
        return {
          reason: "hostPort",
          detail: `${pluralize("container", "containers", bad.length)} ${joinQuote(bad)} ${pluralize("uses", "use", bad.length)} ${pluralize("hostPort", "hostPorts", ports.size)} ${sortedList(ports).join(", ")}`,
        };
      },
    },
  ],
};
