import { defineAnalyzer } from "../../src/analyze/define.js";
import { place, PROBE_HINT, userLabel, userRef } from "./places.js";

export default defineAnalyzer({
  id: "consistency/image-runs-as-root",
  severity: "error",
  summary: "runAsNonRoot without runAsUser needs an image that does not run as root",
  scope: "pair",
  check({ dockerfile, container, report }) {
    const sc = container.securityContext;
    if (sc.runAsNonRoot?.value !== true || typeof sc.runAsUser?.value === "number") return;
    const user = dockerfile.effectiveUser;
    const manifest = place(sc.runAsNonRoot.node);
    const why = "the pod stays in CreateContainerConfigError: \"container has runAsNonRoot and image will run as root\"";
    const fix = { set: ["securityContext", "runAsUser"], value: 10001 };
    if (!user) {
      const stage = dockerfile.final;
      if (!stage) return;
      report({
        at: sc.runAsNonRoot.node,
        severity: "warning",
        message: `container '${container.name}' sets runAsNonRoot: true (${manifest}) without runAsUser, and ${place(stage.node)} (the final stage, FROM ${stage.baseImage.value}) sets no USER: the image runs as root unless its base image sets a user, and then the kubelet refuses to start it; add 'USER 10001:10001' to the Dockerfile or set runAsUser; to see which user the base image sets, ${PROBE_HINT}`,
        why,
        fix,
        related: [{ at: stage.node, message: `final stage sets no USER` }],
      });
      return;
    }
    if (user.uid !== 0 || !/^\d+$/.test(user.user)) return; // a name is consistency/non-numeric-user's case
    report({
      at: sc.runAsNonRoot.node,
      message: `container '${container.name}' sets runAsNonRoot: true (${manifest}) without runAsUser, and ${userRef(user)} runs the image as root: the kubelet refuses to start it; set a non-root USER in the Dockerfile or runAsUser in the manifest`,
      why,
      fix,
      related: [{ at: user.node, message: userLabel(user) }],
    });
  },
});
