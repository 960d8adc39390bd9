import { defineAnalyzer } from "../../src/analyze/define.js";
import { isObj } from "../../src/manifest/yaml-value.js";

export default defineAnalyzer({
  id: "host/host-port",
  severity: "error",
  summary: "Containers do not bind ports on the node (hostPort)",
  scope: "container",
  check({ container, workload, report }) {
    const ports = container.spec.ports;
    if (!Array.isArray(ports)) return;
    // with hostNetwork every port is a host port, and host/namespaces says so
    if (workload.podSpec.hostNetwork === true) return;
    for (const p of ports) {
      if (!isObj(p) || p.hostPort === undefined || p.hostPort === null || p.hostPort === 0) continue;
      report({
        at: workload.positions.key(p, "hostPort") ?? container.node,
        message: `container '${container.name}' binds hostPort ${String(p.hostPort)} on the node: remove 'hostPort' and expose the port through a Service`,
        why: "a host port ties the pod to nodes where the port is free (pods stay Pending) and bypasses network policies on the node; Pod Security 'baseline' rejects the pod",
      });
    }
  },
});
