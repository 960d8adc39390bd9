import type { PssCheck } from "./types.js";

/** Sharing the host network, PID or IPC namespace is forbidden (baseline, 1.0+). */
export const hostNamespaces: PssCheck = {
  id: "hostNamespaces",
  level: "baseline",
  versions: [
    {
      minimumVersion: 0,
      checkPod({ spec }) {
        const found: string[] = [];
        if (spec.hostNetwork === true) found.push("hostNetwork=true");
        if (spec.hostPID === true) found.push("hostPID=true");
        if (spec.hostIPC === true) found.push("hostIPC=true");
        return found.length ? { reason: "host namespaces", detail: found.join(", ") } : undefined;
      },
    },
  ],
};
