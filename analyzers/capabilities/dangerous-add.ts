import { defineAnalyzer } from "../../src/analyze/define.js";
import { isWindowsPod } from "../pod-spec.js";
import { canonicalCapability, DANGEROUS_CAPABILITIES } from "./capability-name.js";

export default defineAnalyzer({
  id: "capabilities/dangerous-add",
  severity: "error",
  summary: "Containers do not add capabilities that open a way to the node (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, …)",
  scope: "container",
  check({ container, workload, report }) {
    if (isWindowsPod(workload)) return;
    const add = container.securityContext.capabilities?.add;
    if (!add) return;
    for (const item of add.items) {
      const what = DANGEROUS_CAPABILITIES.get(canonicalCapability(item.value));
      if (!what) continue;
      report({
        at: item.node,
        message: `container '${container.name}' adds '${item.value}': remove it from capabilities.add (if one operation needs it, move that operation to a separate, trusted component)`,
        why: `${item.value} grants ${what}; Pod Security 'baseline' rejects the pod`,
      });
    }
  },
});
