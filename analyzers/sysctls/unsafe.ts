import { defineAnalyzer } from "../../src/analyze/define.js";
import { atLeast, type KubeVersion } from "../../src/kube/version.js";
import { isObj } from "../../src/manifest/yaml-value.js";

/** The safe sysctls of Pod Security 'baseline', by the version that added them. */
const SAFE: ReadonlyArray<[minor: number, names: readonly string[]]> = [
  [0, ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"]],
  [27, ["net.ipv4.ip_local_reserved_ports"]],
  [29, ["net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"]],
  [32, ["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]],
];
const safeCache = new Map<number, Set<string>>();
function safeSysctls(kube: KubeVersion): Set<string> {
  let set = safeCache.get(kube.minor);
  if (!set) {
    set = new Set(SAFE.filter(([minor]) => atLeast(kube, minor)).flatMap(([, names]) => names));
    safeCache.set(kube.minor, set);
  }
  return set;
}

export default defineAnalyzer({
  id: "sysctls/unsafe",
  severity: "error",
  summary: "Pods set only the sysctls Kubernetes considers safe",
  scope: "workload",
  check({ workload, kube, report }) {
    const sc = workload.podSpec.securityContext;
    if (!isObj(sc) || !Array.isArray(sc.sysctls)) return;
    const safe = safeSysctls(kube);
    sc.sysctls.forEach((s, i) => {
      if (!isObj(s) || typeof s.name !== "string" || safe.has(s.name)) return;
      report({
        at: workload.positions.key(s, "name") ?? workload.positions.item(sc.sysctls as unknown[], i) ?? workload.podSpecNode,
        message: `the pod sets the sysctl '${s.name}', which Kubernetes 1.${kube.minor} does not consider safe: remove it, or tune it on the node instead`,
        why: "the kubelet refuses the pod (SysctlForbidden) unless the node allows it with --allowed-unsafe-sysctls, and a non-namespaced sysctl changes every pod on the node; Pod Security 'baseline' rejects the pod",
      });
    });
  },
});
