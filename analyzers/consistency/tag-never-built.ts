import { defineAnalyzer } from "../../src/analyze/define.js";
import { normalizeImageRef, tagMatches, displayTemplate } from "../../src/pairing/image-ref.js";
import type { DeployedImage } from "../../src/pairing/pair.js";
import { place } from "./places.js";

export default defineAnalyzer({
  id: "consistency/tag-never-built",
  severity: "warning",
  summary: "The tag a workload deploys is one the repository's builds produce",
  scope: "pair",
  check({ pair, workload, container, report }) {
    const builds = pair.builds ?? [];
    // a build whose tags are chosen elsewhere (skaffold, Tilt, metadata-action rules …) can produce any tag
    if (builds.some((b) => b.tags === undefined)) return;
    const target = pair.targets.find((t) => t.workload === workload && t.container === container);
    let deployed: DeployedImage[] | undefined = target?.deployed;
    if (!deployed?.length) {
      const n = container.image ? normalizeImageRef(container.image.value) : undefined;
      if (!n || !container.image) return;
      deployed = [{ ref: container.image.value, ...n, at: container.image.node, rewrites: [] }];
    }
    const built = builds.flatMap((b) => b.tags ?? []);
    for (const d of deployed) {
      if (d.digest !== undefined) continue;
      const tag = d.tag ?? "latest";
      if (built.some((b) => tagMatches(b, tag))) continue;
      const producers = builds.map((b) => `${b.evidence.file}:${b.evidence.line} builds ${b.tags!.map(displayTemplate).join(", ")}${b.overridable ? " by default" : ""}`);
      // `VERSION ?= 1.4.2`: the release job may run `make image VERSION=1.5.0`; only say it differs
      const defaultsOnly = builds.length > 0 && builds.every((b) => b.overridable);
      report({
        at: d.at,
        ...(defaultsOnly ? { severity: "note" as const } : {}),
        message: defaultsOnly
          ? `container '${container.name}' deploys ${d.ref} (${place(d.at)}${d.tag === undefined ? ", no tag means latest" : ""}), not the tag the build's defaults give: ${producers.join(
              "; ",
            )}, from a variable the build is run with; check the tag is pushed, or pin a digest`
          : `container '${container.name}' deploys ${d.ref} (${place(d.at)}${d.tag === undefined ? ", no tag means latest" : ""}), a tag no build produces: ${
              producers.length ? producers.join("; ") : `no build config here produces any tag of ${pair.image}`
            }; deploy a tag the build pushes (or pin a digest), or add the tag to the build`,
        why: "the kubelet pulls a tag nobody pushes from this repository: ErrImagePull, or an old image that happens to carry it",
        related: builds.map((b) => ({ at: b.at, message: `builds ${b.tags!.map(displayTemplate).join(", ")}` })),
      });
    }
  },
});
