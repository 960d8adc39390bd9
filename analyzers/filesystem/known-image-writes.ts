import { defineAnalyzer } from "../../src/analyze/define.js";
import { knownImageSource } from "../../src/known-images/lookup.js";
import { mountedAt, place } from "../consistency/places.js";

/** A known image run with a read-only root needs a volume at every path it writes as shipped. */
export default defineAnalyzer({
  id: "filesystem/known-image-writes",
  severity: "error",
  summary: "A known image run with readOnlyRootFilesystem has a volume at every path it writes",
  scope: "container",
  check({ container, report, image }) {
    const ro = container.securityContext.readOnlyRootFilesystem;
    const known = image.known;
    if (ro?.value !== true || !known?.variant.writes?.length) return;
    const mounted = mountedAt(container);
    const missing = known.variant.writes.filter((w) => !mounted(w.path));
    if (missing.length === 0) return;
    report({
      at: ro.node,
      message: `container '${container.name}' runs ${known.ref} with readOnlyRootFilesystem: true (${place(ro.node)}) and no volume at ${missing.map((w) => `${w.path} (${w.why})`).join(", ")}, where the image writes as shipped (per ${knownImageSource(known)}): it fails with 'read-only file system'; mount an emptyDir there (a persistentVolumeClaim for data that must survive)`,
      why: "with a read-only root filesystem every path the process writes needs a volume of its own; Kubernetes gives an image's VOLUME none",
    });
  },
});
