import { defineAnalyzer } from "../../src/analyze/define.js";
import { containerResources, has } from "./container-resources.js";
import { parseQuantity } from "./quantity.js";

export default defineAnalyzer({
  id: "resources/memory-limit-missing",
  severity: "warning",
  summary: "Containers set a memory limit",
  scope: "container",
  check({ container, workload, report }) {
    if (container.kind === "ephemeralContainer") return;
    const r = containerResources(workload, container);
    if (has(r.limits, "memory")) return;
    const request = r.requests?.values.memory;
    const value = request !== undefined && parseQuantity(request) !== undefined ? String(request) : "256Mi";
    report({
      at: r.limits?.node ?? r.node ?? container.node,
      message: `container '${container.name}' has no memory limit: write 'resources: { limits: { memory: ${value} } }' (equal to the request gives Guaranteed QoS)`,
      why: "a leak or a burst can take all the node's memory, and the kernel OOM killer then picks processes of other pods too",
      fix: { set: ["resources", "limits", "memory"], value },
    });
  },
});
