import { defineAnalyzer } from "../../src/analyze/define.js";
import { usesUserNamespace } from "../pod-spec.js";

export default defineAnalyzer({
  id: "procmount/unmasked",
  severity: "error",
  summary: "Containers keep the default masked /proc (procMount: Default)",
  scope: "container",
  check({ container, workload, report }) {
    const pm = container.securityContext.procMount;
    if (pm === undefined || pm.value === "Default") return;
    const userNs = usesUserNamespace(workload);
    report({
      at: pm.node,
      message: `container '${container.name}' sets procMount: ${String(pm.value)}: write 'procMount: Default' (or remove it)`,
      why: userNs
        ? "an unmasked /proc exposes kernel interfaces the runtime normally hides; in a user namespace (hostUsers: false) Pod Security 'baseline' allows it from 1.35, 'restricted' never does"
        : "an unmasked /proc exposes kernel interfaces (/proc/sys, /proc/kcore …) the runtime normally hides; it needs hostUsers: false, and Pod Security 'baseline' rejects the pod",
      severity: userNs ? "warning" : "error",
      fix: { set: ["securityContext", "procMount"], value: "Default" },
    });
  },
});
