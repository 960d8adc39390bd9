import { defineAnalyzer } from "../../src/analyze/define.js";
import { isWindowsPod } from "../pod-spec.js";
import { canonicalCapability, DANGEROUS_CAPABILITIES } from "./capability-name.js";

export default defineAnalyzer({
  id: "capabilities/add-not-allowed",
  severity: "warning",
  summary: "Containers add no capability other than NET_BIND_SERVICE (the only one Pod Security 'restricted' allows)",
  scope: "container",
  check({ container, workload, report }) {
    if (isWindowsPod(workload)) return;
    const add = container.securityContext.capabilities?.add;
    if (!add) return;
    for (const item of add.items) {
      const name = canonicalCapability(item.value);
      if (DANGEROUS_CAPABILITIES.has(name)) continue; // capabilities/dangerous-add
      if (name === "NET_BIND_SERVICE") {
        if (item.value === "NET_BIND_SERVICE") continue;
        report({
          at: item.node,
          message: `container '${container.name}' adds '${item.value}': Pod Security admission compares names as written and only 'NET_BIND_SERVICE' is allowed; write 'add: [NET_BIND_SERVICE]'`,
          why: "Pod Security 'restricted' rejects the pod although the capability itself is the allowed one",
          fix: { set: ["securityContext", "capabilities", "add", add.items.indexOf(item)], value: "NET_BIND_SERVICE" },
        });
        continue;
      }
      report({
        at: item.node,
        message: `container '${container.name}' adds '${item.value}', which Pod Security 'restricted' does not allow (only NET_BIND_SERVICE): remove it, or change the program or image (file ownership, setcap) so it is not needed`,
        why: "a namespace enforcing 'restricted' rejects the pod, and the capability widens what an exploit in the process can do",
      });
    }
  },
});
