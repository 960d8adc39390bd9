import { defineAnalyzer } from "../../src/analyze/define.js";
import { isObj } from "../../src/manifest/yaml-value.js";

/** Volume sources Pod Security 'restricted' allows. */
const ALLOWED = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"]);

export default defineAnalyzer({
  id: "volumes/restricted-type",
  severity: "warning",
  summary: "Pods use only the volume types Pod Security 'restricted' allows (configMap, secret, emptyDir, PVC, projected, …)",
  scope: "workload",
  check({ workload, report }) {
    const volumes = workload.podSpec.volumes;
    if (!Array.isArray(volumes)) return;
    for (const v of volumes) {
      if (!isObj(v)) continue;
      const source = Object.keys(v).find((k) => k !== "name");
      if (source === undefined || ALLOWED.has(source) || source === "hostPath") continue; // hostPath: host/host-path
      report({
        at: workload.positions.key(v, source) ?? workload.podSpecNode,
        message: `volume '${String(v.name)}' uses the '${source}' volume type directly: declare it as a PersistentVolume and mount it through a persistentVolumeClaim`,
        why: `a namespace enforcing Pod Security 'restricted' rejects the pod; inline '${source}' volumes also carry node-level credentials and paths in the pod spec`,
      });
    }
  },
});
