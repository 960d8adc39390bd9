import { defineAnalyzer } from "../../src/analyze/define.js";

export default defineAnalyzer({
  id: "user/non-root-conflict",
  severity: "error",
  summary: "runAsNonRoot: true is not combined with runAsUser: 0 (the container would never start)",
  scope: "container",
  check({ container, report }) {
    const { runAsUser, runAsNonRoot } = container.securityContext;
    if (runAsUser?.value !== 0 || runAsNonRoot?.value !== true) return;
    report({
      at: runAsUser.node,
      message: `container '${container.name}' sets runAsNonRoot: true (on the ${runAsNonRoot.from}) and runAsUser: 0 (on the ${runAsUser.from}): write a non-zero uid, e.g. 'runAsUser: 10001'`,
      why: "the kubelet refuses to start it: CreateContainerConfigError 'container's runAsUser breaks non-root policy', and the pod never becomes ready",
      fix: { set: ["securityContext", "runAsUser"], value: 10001, on: runAsUser.from === "pod" ? "pod" : "container" },
    });
  },
});
