import { isObj, stringField, type PodView } from "../pod-view.js";
import type { CheckFailure, CheckPodFn, PssCheck } from "./types.js";

export const SYSCTLS_ALLOWED_1_0: ReadonlySet<string> = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_unprivileged_port_start",
]);
export const SYSCTLS_ALLOWED_1_27: ReadonlySet<string> = new Set([...SYSCTLS_ALLOWED_1_0, "net.ipv4.ip_local_reserved_ports"]);
export const SYSCTLS_ALLOWED_1_29: ReadonlySet<string> = new Set([
  ...SYSCTLS_ALLOWED_1_27,
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);
export const SYSCTLS_ALLOWED_1_32: ReadonlySet<string> = new Set([...SYSCTLS_ALLOWED_1_29, "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]);

function sysctlCheck(allowed: ReadonlySet<string>): CheckPodFn {
  return (pod: PodView): CheckFailure | undefined => {
    const list = pod.securityContext?.sysctls;
    if (!Array.isArray(list)) return undefined;
    let forbidden: string[] | undefined;
    for (const s of list) {
      const name = isObj(s) ? stringField(s, "name") : "";
      if (!allowed.has(name)) (forbidden ??= []).push(name);
    }
    return forbidden ? { reason: "forbidden sysctls", detail: forbidden.join(", ") } : undefined;
  };
}

/** Only namespaced, isolated ("safe") sysctls; the safe set grew over versions (baseline). */
export const sysctls: PssCheck = {
  id: "sysctls",
  level: "baseline",
  versions: [
    { minimumVersion: 0, checkPod: sysctlCheck(SYSCTLS_ALLOWED_1_0) },
    { minimumVersion: 27, checkPod: sysctlCheck(SYSCTLS_ALLOWED_1_27) },
    { minimumVersion: 29, checkPod: sysctlCheck(SYSCTLS_ALLOWED_1_29) },
    { minimumVersion: 32, checkPod: sysctlCheck(SYSCTLS_ALLOWED_1_32) },
  ],
};
