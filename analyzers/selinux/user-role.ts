import { defineAnalyzer } from "../../src/analyze/define.js";
import { isWindowsPod } from "../pod-spec.js";

export default defineAnalyzer({
  id: "selinux/user-role",
  severity: "error",
  summary: "seLinuxOptions does not set a custom SELinux user or role",
  scope: "container",
  check({ container, workload, report }) {
    if (isWindowsPod(workload)) return;
    const opts = container.securityContext.seLinuxOptions;
    if (!opts) return;
    const set = (["user", "role"] as const).filter((k) => typeof opts.value[k] === "string" && opts.value[k] !== "");
    if (set.length === 0) return;
    report({
      at: workload.positions.key(opts.value, set[0]!) ?? opts.node,
      message: `container '${container.name}' sets seLinuxOptions.${set.join(" and ")} (on the ${opts.from}): remove ${set.length > 1 ? "them" : "it"} and keep only 'level' (and an allowed 'type')`,
      why: "a custom SELinux user or role can step outside the container policy; Pod Security 'baseline' rejects the pod",
    });
  },
});
