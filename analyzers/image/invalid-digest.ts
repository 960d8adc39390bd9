import { defineAnalyzer } from "../../src/analyze/define.js";
import { isPlaceholder, isValidDigest, parseImageRef } from "./image-ref.js";

export default defineAnalyzer({
  id: "image/invalid-digest",
  severity: "error",
  summary: "Image digests are well-formed (sha256: and 64 lower-case hex digits)",
  scope: "container",
  check({ container, report }) {
    const image = container.image;
    if (!image || isPlaceholder(image.value)) return;
    const { digest } = parseImageRef(image.value);
    if (digest === undefined || isValidDigest(digest)) return;
    report({
      at: image.node,
      message: `container '${container.name}' image '${image.value}' has a malformed digest '${digest}': write '@sha256:' followed by the 64 lower-case hex digits of the manifest digest`,
      why: "the kubelet cannot parse the reference: the pod stays in InvalidImageName and never starts",
    });
  },
});
