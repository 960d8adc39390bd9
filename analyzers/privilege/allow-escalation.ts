import { defineAnalyzer } from "../../src/analyze/define.js";
import { canonicalCapability } from "../capabilities/capability-name.js";
import { isWindowsPod } from "../pod-spec.js";

export default defineAnalyzer({
  id: "privilege/allow-escalation",
  severity: "error",
  summary: "Containers set allowPrivilegeEscalation: false",
  scope: "container",
  check({ container, workload, report }) {
    if (isWindowsPod(workload)) return;
    const sc = container.securityContext;
    const ape = sc.allowPrivilegeEscalation;
    if (ape?.value === false) return;
    // Escalation is always on for these, and 'false' would be rejected or meaningless:
    // privileged/privileged and capabilities/dangerous-add report the root cause.
    if (sc.privileged?.value === true) return;
    if (sc.capabilities?.add?.items.some((i) => canonicalCapability(i.value) === "SYS_ADMIN")) return;
    report({
      at: ape?.node ?? sc.node ?? container.node,
      message:
        ape?.value === true
          ? `container '${container.name}' sets allowPrivilegeEscalation: true: write 'allowPrivilegeEscalation: false'`
          : `container '${container.name}' does not set allowPrivilegeEscalation, which defaults to true: write 'securityContext: { allowPrivilegeEscalation: false }'`,
      why: "without no_new_privs a setuid binary (su, sudo, ping …) or file capability in the image lifts the process above its user; Pod Security 'restricted' rejects the pod",
      fix: { set: ["securityContext", "allowPrivilegeEscalation"], value: false },
    });
  },
});
