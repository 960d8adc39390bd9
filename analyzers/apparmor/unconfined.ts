import { defineAnalyzer } from "../../src/analyze/define.js";
import { atLeast } from "../../src/kube/version.js";
import { isWindowsPod } from "../pod-spec.js";
import { APPARMOR_ANNOTATION_IGNORED_SINCE, APPARMOR_FIELD_SINCE, appArmorAnnotation } from "./profile-source.js";

export default defineAnalyzer({
  id: "apparmor/unconfined",
  severity: "error",
  summary: "No container asks for the unconfined AppArmor profile",
  scope: "container",
  check({ container, workload, kube, report }) {
    if (isWindowsPod(workload)) return;
    const why = "unconfined turns AppArmor off for the container: the runtime's default profile no longer blocks mount, /proc and /sys writes; Pod Security 'baseline' rejects the pod";
    const field = container.securityContext.appArmorProfile;
    if (field && atLeast(kube, APPARMOR_FIELD_SINCE)) {
      if (field.value.type !== "Unconfined") return;
      report({
        at: field.node,
        message: `container '${container.name}' runs with appArmorProfile type Unconfined (set on the ${field.from}): write 'appArmorProfile: { type: RuntimeDefault }'`,
        why,
        fix: { set: ["securityContext", "appArmorProfile"], value: { type: "RuntimeDefault" }, on: field.from === "pod" ? "pod" : "container" },
      });
      return;
    }
    const annotation = appArmorAnnotation(workload, container);
    if (annotation?.value !== "unconfined" || atLeast(kube, APPARMOR_ANNOTATION_IGNORED_SINCE)) return;
    report({
      at: annotation.node,
      message: `container '${container.name}' runs with AppArmor 'unconfined' (annotation '${annotation.key}'): write 'runtime/default'${atLeast(kube, APPARMOR_FIELD_SINCE) ? ", better as the field 'appArmorProfile: { type: RuntimeDefault }'" : ""}`,
      why,
    });
  },
});
