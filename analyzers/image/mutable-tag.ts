import { defineAnalyzer } from "../../src/analyze/define.js";
import { isMutableTag, isPlaceholder, parseImageRef } from "./image-ref.js";

export default defineAnalyzer({
  id: "image/mutable-tag",
  severity: "warning",
  summary: "Images name a release: no missing tag, no 'latest', no branch or channel tags",
  scope: "container",
  check({ container, report, image: facts }) {
    const image = container.image;
    if (!image || isPlaceholder(image.value)) return;
    // skaffold and Tilt deploy each build by the tag they gave it: the written one never runs
    const as = facts.deployedAs;
    if (as && as.refs === undefined) return;
    // a kustomize `images:` entry decides the tag that deploys
    const deployed = as ? as.refs!.find((r) => isMutable(parseImageRef(r.ref))) : { ref: image.value, by: undefined };
    if (deployed === undefined) return;
    const ref = parseImageRef(deployed.ref);
    if (!isMutable(ref)) return;
    const what = ref.tag === undefined ? "has no tag, so it means ':latest'" : `uses the moving tag ':${ref.tag}'`;
    const shown = deployed.by ? `'${image.value}' (deployed as '${deployed.ref}' by ${deployed.by})` : `'${image.value}'`;
    report({
      at: image.node,
      message: `container '${container.name}' image ${shown} ${what}: write a release tag and pin the digest, e.g. 'image: ${ref.name}:1.2.3@sha256:…'`,
      why: "each node pulls whatever the tag points to when it starts the pod: replicas run different code, a rollback redeploys the new image, and a pushed tag changes production",
    });

/** No digest, and no tag or a moving one. */
function isMutable(ref: ReturnType<typeof parseImageRef>): boolean {
  if (ref.digest !== undefined) return false; // a digest pins it whatever the tag says
  return ref.tag === undefined || isMutableTag(ref.tag);
}
  },
});
