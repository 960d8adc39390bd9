import { defineAnalyzer } from "../../src/analyze/define.js";
import { containerResources, entryNode } from "./container-resources.js";
import { parseQuantity } from "./quantity.js";

export default defineAnalyzer({
  id: "resources/limit-below-request",
  severity: "error",
  summary: "No resource limit is lower than its request",
  scope: "container",
  check({ container, workload, report }) {
    const r = containerResources(workload, container);
    if (!r.requests || !r.limits) return;
    for (const [name, limitValue] of Object.entries(r.limits.values)) {
      const requestValue = r.requests.values[name];
      if (requestValue === undefined || requestValue === null) continue;
      const l = parseQuantity(limitValue);
      const q = parseQuantity(requestValue);
      if (l === undefined || q === undefined || l >= q) continue; // unparsable: resources/invalid-quantity
      const limit = { value: limitValue, node: entryNode(workload, r.limits, name) };
      const request = { value: requestValue, node: entryNode(workload, r.requests, name) };
      report({
        at: limit.node,
        message: `container '${container.name}' limits ${name} to ${String(limit.value)}, below its request of ${String(request.value)}: write 'limits: { ${name}: ${String(request.value)} }' or lower the request`,
        why: `the API server rejects the pod: "must be less than or equal to ${name} limit", so no pod of this workload is created`,
        fix: { set: ["resources", "limits", name], value: request.value },
        related: [{ at: request.node, message: `the ${name} request` }],
      });
    }
  },
});
