import { defineAnalyzer } from "../../src/analyze/define.js";
import { finalChain, mountedAt, place, trimSlashes } from "./places.js";

export default defineAnalyzer({
  id: "consistency/volume-read-only-root",
  severity: "warning",
  summary: "Under readOnlyRootFilesystem, every Dockerfile VOLUME has a volumeMount at or above it",
  scope: "pair",
  check({ dockerfile, container, report }) {
    const ro = container.securityContext.readOnlyRootFilesystem;
    if (ro?.value !== true) return;
    const mounted = mountedAt(container);
    const seen = new Set<string>();
    for (const stage of finalChain(dockerfile)) {
      for (const v of stage.volumes) {
        const path = trimSlashes(v.value);
        if (seen.has(path)) continue;
        seen.add(path);
        if (mounted(path)) continue;
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
