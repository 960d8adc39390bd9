import { defineAnalyzer } from "../../src/analyze/define.js";
import { place, PROBE_HINT, userLabel, userRef } from "./places.js";

export default defineAnalyzer({
  id: "consistency/non-numeric-user",
  severity: "error",
  summary: "runAsNonRoot without a numeric runAsUser needs an image whose USER is numeric",
  scope: "pair",
  check({ dockerfile, container, report }) {
    const sc = container.securityContext;
    const user = dockerfile.effectiveUser;
    if (!user || sc.runAsNonRoot?.value !== true || typeof sc.runAsUser?.value === "number") return;
    if (/^\d+$/.test(user.user)) return;
    const manifest = place(sc.runAsNonRoot.node);
    const related = [{ at: user.node, message: userLabel(user) }];
    if (user.user === "" || /\$/.test(user.user)) {
      report({
        at: sc.runAsNonRoot.node,
        severity: "warning",
        message: `container '${container.name}' sets runAsNonRoot: true (${manifest}) without runAsUser, and ${userRef(user)} cannot be resolved statically: if it is not a number the kubelet refuses to start the container; set a numeric runAsUser, or ${PROBE_HINT}`,
        related,
      });
      return;
    }
    const known = user.uid !== undefined && user.uid !== 0;
    report({
      at: sc.runAsNonRoot.node,
      message: `container '${container.name}' sets runAsNonRoot: true (${manifest}) without a numeric runAsUser, and ${userRef(user)} names a user: the kubelet cannot verify it is non-root and refuses to start the container; ${
        user.uid === 0
          ? `'${user.user}' is root: switch the image to a non-root numeric USER`
          : known
            ? `set 'runAsUser: ${user.uid}' (${user.detail}) or write 'USER ${user.uid}${user.gid !== undefined ? `:${user.gid}` : ""}' in the Dockerfile`
            : `its uid cannot be resolved statically (${user.detail}): ${PROBE_HINT}, then set runAsUser or a numeric USER`
      }`,
      why: `the pod stays in CreateContainerConfigError: "container has runAsNonRoot and image has non-numeric user (${user.user}), cannot verify user is non-root"`,
      ...(known ? { fix: { set: ["securityContext", "runAsUser"], value: user.uid } } : {}),
      related,
    });
  },
});
