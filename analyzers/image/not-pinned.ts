import { defineAnalyzer } from "../../src/analyze/define.js";
import { isMutableTag, isPlaceholder, parseImageRef } from "./image-ref.js";

export default defineAnalyzer({
  id: "image/not-pinned",
  severity: "note",
  summary: "Images are pinned by digest",
  scope: "container",
  check({ container, report }) {
    const image = container.image;
    if (!image || isPlaceholder(image.value)) return;
    const ref = parseImageRef(image.value);
    if (ref.digest !== undefined) return;
    if (ref.tag === undefined || isMutableTag(ref.tag)) return; // image/mutable-tag says it
    report({
      at: image.node,
      message: `container '${container.name}' image '${image.value}' is not pinned by digest: write 'image: ${image.value}@sha256:<digest>' (docker buildx imagetools inspect ${image.value} prints it)`,
      why: "a tag can be pushed again: the digest is the only way to know every node runs the image that was tested",
    });
  },
});
