import { defineAnalyzer } from "../../src/analyze/define.js";
import { isMutableTag, isPlaceholder, parseImageRef } from "./image-ref.js";

export default defineAnalyzer({
  id: "image/mutable-tag",
  severity: "warning",
  summary: "Images name a release: no missing tag, no 'latest', no branch or channel tags",
  scope: "container",
  check({ container, report }) {
    const image = container.image;
    if (!image || isPlaceholder(image.value)) return;
    const ref = parseImageRef(image.value);
    if (ref.digest !== undefined) return; // a digest pins it whatever the tag says
    if (ref.tag !== undefined && !isMutableTag(ref.tag)) return;
    const what = ref.tag === undefined ? "has no tag, so it means ':latest'" : `uses the moving tag ':${ref.tag}'`;
    report({
      at: image.node,
      message: `container '${container.name}' image '${image.value}' ${what}: write a release tag and pin the digest, e.g. 'image: ${ref.name}:1.2.3@sha256:…'`,
      why: "each node pulls whatever the tag points to when it starts the pod: replicas run different code, a rollback redeploys the new image, and a pushed tag changes production",
    });
  },
});
