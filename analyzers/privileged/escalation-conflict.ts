import { defineAnalyzer } from "../../src/analyze/define.js";
import { canonicalCapability } from "../capabilities/capability-name.js";

export default defineAnalyzer({
  id: "privileged/escalation-conflict",
  severity: "error",
  summary: "allowPrivilegeEscalation: false is not combined with privileged: true or an added SYS_ADMIN",
  scope: "container",
  check({ container, report }) {
    const sc = container.securityContext;
    const ape = sc.allowPrivilegeEscalation;
    if (ape?.value !== false) return;
    if (sc.privileged?.value === true) {
      report({
        at: ape.node,
        message: `container '${container.name}' sets allowPrivilegeEscalation: false and privileged: true: remove 'privileged: true' (or the allowPrivilegeEscalation line, if it really must be privileged)`,
        why: "the API server rejects the pod: \"cannot set `allowPrivilegeEscalation` to false and `privileged` to true\"",
      });
      return;
    }
    const sysAdmin = sc.capabilities?.add?.items.find((i) => canonicalCapability(i.value) === "SYS_ADMIN");
    if (!sysAdmin) return;
    const rejected = sysAdmin.value === "CAP_SYS_ADMIN";
    report({
      at: sysAdmin.node,
      message: `container '${container.name}' adds '${sysAdmin.value}' and sets allowPrivilegeEscalation: false: remove '${sysAdmin.value}' from capabilities.add`,
      why: rejected
        ? "the API server rejects the pod: \"cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN\""
        : "the API server only rejects the spelling CAP_SYS_ADMIN, but no_new_privs is no boundary for a process that holds SYS_ADMIN: the setting protects nothing",
      severity: rejected ? "error" : "warning",
    });
  },
});
