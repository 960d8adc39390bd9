import { defineAnalyzer } from "../../src/analyze/define.js";
import { containerResources, entryNode } from "./container-resources.js";
import { parseQuantity, suggestQuantity } from "./quantity.js";

export default defineAnalyzer({
  id: "resources/invalid-quantity",
  severity: "error",
  summary: "Resource requests and limits are valid Kubernetes quantities (1Gi, 500Mi, 250m)",
  scope: "container",
  check({ container, workload, report }) {
    const r = containerResources(workload, container);
    for (const [listName, list] of [["requests", r.requests], ["limits", r.limits]] as const) {
      if (!list) continue;
      for (const [name, value] of Object.entries(list.values)) {
        if (value === null || parseQuantity(value) !== undefined) continue;
        const entry = { name, value, node: entryNode(workload, list, name) };
        const written = String(entry.value);
        const s = typeof entry.value === "string" ? suggestQuantity(entry.value) : undefined;
        report({
          at: entry.node,
          message: s
            ? `container '${container.name}' ${listName} ${entry.name}: '${written}' is not a Kubernetes quantity: write '${s.quantity}'${s.alt ? ` (or '${s.alt}' for powers of two)` : ""}`
            : `container '${container.name}' ${listName} ${entry.name}: '${written}' is not a Kubernetes quantity: write a number with a suffix such as 250m (CPU), 512Mi or 1Gi (memory)`,
          why: "the API server rejects the object ('quantities must match the regular expression …'), so nothing of it is deployed",
          fix: s ? { set: ["resources", listName, entry.name], value: s.quantity } : undefined,
        });
      }
    }
  },
});
