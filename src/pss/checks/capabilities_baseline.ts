import { isObj, joinQuote, nameOf, pluralize, securityContextOf, sortedList } from "../pod-view.js";
import type { PssCheck } from "./types.js";

/** The container runtime's default set; anything else may not be added. Compared exactly as written. */
export const CAPABILITIES_ALLOWED_1_0: ReadonlySet<string> = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

/** Adding capabilities beyond the default set is forbidden (baseline, 1.0+). */
export const capabilities_baseline: PssCheck = {
  id: "capabilities_baseline",
  level: "baseline",
  versions: [
    {
      minimumVersion: 0,
      checkPod({ containers }) {
        let bad: string[] | undefined;
        let caps: Set<string> | undefined;
        for (const c of containers) {
          const capabilities = securityContextOf(c)?.capabilities;
          if (!isObj(capabilities) || !Array.isArray(capabilities.add)) continue;
          let valid = true;
          for (const cap of capabilities.add) {
            const name = String(cap);
            if (!CAPABILITIES_ALLOWED_1_0.has(name)) {
              valid = false;
              (caps ??= new Set()).add(name);
            }
          }
          if (!valid) (bad ??= []).push(nameOf(c));
        }
        if (!bad || !caps) return undefined;
        return {
          reason: "non-default capabilities",
          detail: `${pluralize("container", "containers", bad.length)} ${joinQuote(bad)} must not include ${joinQuote(sortedList(caps))} in securityContext.capabilities.add`,
        };
      },
    },
  ],
};
