import { defineAnalyzer } from "../../src/analyze/define.js";
import { isWindowsPod } from "../pod-spec.js";
import { canonicalCapability } from "./capability-name.js";

export default defineAnalyzer({
  id: "capabilities/not-dropped",
  severity: "error",
  summary: "Containers drop ALL capabilities and add back only what they need",
  scope: "container",
  check({ container, workload, report }) {
    if (isWindowsPod(workload)) return;
    const caps = container.securityContext.capabilities;
    const drop = caps?.drop;
    if (drop?.value.includes("ALL")) return;
    const misspelled = drop?.items.find((i) => canonicalCapability(i.value) === "ALL");
    report({
      at: misspelled?.node ?? drop?.node ?? caps?.node ?? container.securityContext.node ?? container.node,
      message: misspelled
        ? `container '${container.name}' drops '${misspelled.value}': Pod Security admission compares names as written and only 'ALL' counts, so 'restricted' rejects it; write 'drop: [ALL]'`
        : `container '${container.name}' keeps the runtime's default capabilities: write 'securityContext: { capabilities: { drop: [ALL] } }' and add back only what it needs`,
      why: "an exploit in the process can use CHOWN, SETUID, NET_RAW … that it never needed, and Pod Security 'restricted' rejects the pod",
      fix: { set: ["securityContext", "capabilities", "drop"], value: ["ALL"] },
    });
  },
});
