import { defineAnalyzer } from "../../src/analyze/define.js";
import { atLeast } from "../../src/kube/version.js";
import { isWindowsPod } from "../pod-spec.js";
import { SECCOMP_ANNOTATION_IGNORED_SINCE, SECCOMP_FIELD_SINCE, seccompAnnotation } from "./profile-source.js";

export default defineAnalyzer({
  id: "seccomp/unconfined",
  severity: "error",
  summary: "No container asks for the Unconfined seccomp profile",
  scope: "container",
  check({ container, workload, kube, report }) {
    if (isWindowsPod(workload)) return;
    const field = container.securityContext.seccompProfile;
    const fieldCounts = field && atLeast(kube, SECCOMP_FIELD_SINCE);
    const why = "Unconfined turns seccomp off: every syscall, including the ones container escapes use, is open; Pod Security 'baseline' rejects the pod";
    if (fieldCounts) {
      if (field.value.type !== "Unconfined") return;
      report({
        at: field.node,
        message: `container '${container.name}' runs with seccompProfile type Unconfined (set on the ${field.from}): write 'seccompProfile: { type: RuntimeDefault }'`,
        why,
        fix: { set: ["securityContext", "seccompProfile"], value: { type: "RuntimeDefault" }, on: field.from === "pod" ? "pod" : "container" },
      });
      return;
    }
    const annotation = seccompAnnotation(workload, container);
    if (annotation?.value !== "unconfined" || atLeast(kube, SECCOMP_ANNOTATION_IGNORED_SINCE)) return;
    report({
      at: annotation.node,
      message: `container '${container.name}' runs with seccomp 'unconfined' (annotation '${annotation.key}'): write 'runtime/default'${atLeast(kube, SECCOMP_FIELD_SINCE) ? ", better as the field 'seccompProfile: { type: RuntimeDefault }'" : ""}`,
      why,
    });
  },
});
