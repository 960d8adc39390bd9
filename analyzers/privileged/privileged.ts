import { defineAnalyzer } from "../../src/analyze/define.js";

export default defineAnalyzer({
  id: "privileged/privileged",
  severity: "error",
  summary: "Containers do not run privileged",
  scope: "container",
  check({ container, report }) {
    const privileged = container.securityContext.privileged;
    if (privileged?.value !== true) return;
    report({
      at: privileged.node,
      message: `container '${container.name}' runs privileged: set securityContext.privileged: false (or remove it)`,
      why: "a privileged container has every capability and every host device: escaping to the node is trivial",
      fix: { set: ["securityContext", "privileged"], value: false },
    });
  },
});
