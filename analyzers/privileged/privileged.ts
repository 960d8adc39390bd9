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
      message: `container '${container.name}' runs privileged: write 'privileged: false' (or remove it) and add back only the capabilities it needs under 'capabilities: { add: [...] }'`,
      why: "a privileged container has every capability, every host device and no seccomp or AppArmor confinement: escaping to the node is trivial",
      fix: { set: ["securityContext", "privileged"], value: false },
    });
  },
});
