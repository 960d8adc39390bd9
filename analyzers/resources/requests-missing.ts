import { defineAnalyzer } from "../../src/analyze/define.js";
import { containerResources, has } from "./container-resources.js";

export default defineAnalyzer({
  id: "resources/requests-missing",
  severity: "warning",
  summary: "Containers request CPU and memory",
  scope: "container",
  check({ container, workload, report }) {
    if (container.kind === "ephemeralContainer") return; // ephemeral containers may not set resources
    const r = containerResources(workload, container);
    // a limit without a request makes the API server default the request to the limit
    const missing = ["cpu", "memory"].filter((k) => !has(r.requests, k) && !has(r.limits, k));
    if (missing.length === 0) return;
    const yaml = missing.map((k) => (k === "cpu" ? "cpu: 100m" : "memory: 128Mi")).join(", ");
    report({
      at: r.requests?.node ?? r.node ?? container.node,
      message: `container '${container.name}' requests no ${missing.join(" or ")}: write 'resources: { requests: { ${yaml} } }' with values measured from the running service`,
      why: "the scheduler then places it as if it needed nothing: nodes get overcommitted, and under memory pressure this pod is among the first evicted (BestEffort/Burstable QoS)",
    });
  },
});
