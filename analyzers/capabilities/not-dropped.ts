import { defineAnalyzer } from "../../src/analyze/define.js";

export default defineAnalyzer({
  id: "capabilities/not-dropped",
  severity: "error",
  summary: "Containers drop ALL capabilities and add back only what they need",
  scope: "container",
  check({ container, report }) {
    const drop = container.securityContext.capabilities?.drop;
    if (drop?.value.includes("ALL")) return;
    const lower = drop?.items.find((i) => i.value.toUpperCase() === "ALL" || i.value.toUpperCase() === "CAP_ALL");
    report({
      at: lower?.node ?? drop?.node ?? container.securityContext.capabilities?.node ?? container.securityContext.node ?? container.node,
      message: lower
        ? `container '${container.name}' drops '${lower.value}', which the runtime and Pod Security admission do not read as ALL: write 'ALL' in upper case`
        : `container '${container.name}' keeps the runtime's default capabilities: add securityContext.capabilities.drop: [ALL]`,
      why: "an exploit in the process can use CHOWN, SETUID, NET_RAW … that it never needed, and Pod Security 'restricted' rejects the pod",
      fix: { set: ["securityContext", "capabilities", "drop"], value: ["ALL"] },
    });
  },
});
