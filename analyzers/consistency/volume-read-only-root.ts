import { defineAnalyzer } from "../../src/analyze/define.js";
import { isObj } from "../../src/manifest/yaml-value.js";
import { finalChain, place } from "./places.js";

const trim = (p: string) => (p.length > 1 ? p.replace(/\/+$/, "") : p);

export default defineAnalyzer({
  id: "consistency/volume-read-only-root",
  severity: "warning",
  summary: "Under readOnlyRootFilesystem, every Dockerfile VOLUME has a volumeMount at or above it",
  scope: "pair",
  check({ dockerfile, container, report }) {
    const ro = container.securityContext.readOnlyRootFilesystem;
    if (ro?.value !== true) return;
    const mounts = (Array.isArray(container.spec.volumeMounts) ? container.spec.volumeMounts : [])
      .filter(isObj)
      .map((m) => (typeof m.mountPath === "string" ? trim(m.mountPath) : ""))
      .filter(Boolean);
    const seen = new Set<string>();
    for (const stage of finalChain(dockerfile)) {
      for (const v of stage.volumes) {
        const path = trim(v.value);
        if (seen.has(path)) continue;
        seen.add(path);
        if (mounts.some((m) => m === "/" || m === path || path.startsWith(`${m}/`))) continue;
        report({
          at: ro.node,
          message: `container '${container.name}' has readOnlyRootFilesystem: true (${place(ro.node)}) and ${place(v.node)} declares VOLUME ${v.value} with no volumeMount at or above it: the image expects to write there; mount an emptyDir (or a persistent volume) at ${path}`,
          why: "Kubernetes ignores VOLUME: without a mount the directory is part of the read-only root, and writes fail with 'read-only file system'",
          related: [{ at: v.node, message: `VOLUME ${v.value}` }],
        });
      }
    }
  },
});
