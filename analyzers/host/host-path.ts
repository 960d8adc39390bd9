import { defineAnalyzer } from "../../src/analyze/define.js";
import { isObj } from "../../src/manifest/yaml-value.js";

export default defineAnalyzer({
  id: "host/host-path",
  severity: "error",
  summary: "Pods do not mount hostPath volumes",
  scope: "workload",
  check({ workload, report }) {
    const volumes = workload.podSpec.volumes;
    if (!Array.isArray(volumes)) return;
    volumes.forEach((v, i) => {
      if (!isObj(v) || !isObj(v.hostPath)) return;
      const path = typeof v.hostPath.path === "string" ? v.hostPath.path : "?";
      report({
        at: workload.positions.key(v, "hostPath") ?? workload.positions.item(volumes, i) ?? workload.podSpecNode,
        message: `volume '${String(v.name)}' mounts the node's '${path}': use an emptyDir, a configMap/secret or a PersistentVolumeClaim instead, e.g. '- { name: ${String(v.name)}, emptyDir: {} }'`,
        why: "a hostPath mount reaches the node's filesystem: writing /etc, the kubelet's files or a container runtime socket is root on the node; Pod Security 'baseline' rejects the pod",
      });
    });
  },
});
