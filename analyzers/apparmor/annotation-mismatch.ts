import { defineAnalyzer } from "../../src/analyze/define.js";
import { atLeast } from "../../src/kube/version.js";
import { isWindowsPod } from "../pod-spec.js";
import { APPARMOR_FIELD_SINCE, annotationAsField, appArmorAnnotation } from "./profile-source.js";

export default defineAnalyzer({
  id: "apparmor/annotation-mismatch",
  severity: "error",
  summary: "An AppArmor annotation and the appArmorProfile field that applies to the same container agree",
  scope: "container",
  check({ container, workload, kube, report }) {
    if (isWindowsPod(workload) || !atLeast(kube, APPARMOR_FIELD_SINCE)) return;
    const field = container.securityContext.appArmorProfile;
    const annotation = appArmorAnnotation(workload, container);
    if (!field || !annotation) return;
    const expected = annotationAsField(annotation.value);
    const { type, localhostProfile } = field.value;
    if (expected && expected.type === type && (type !== "Localhost" || expected.localhostProfile === localhostProfile)) return;
    report({
      at: field.node,
      message: `container '${container.name}' has appArmorProfile type ${String(type)} (on the ${field.from}) but the annotation '${annotation.key}: ${annotation.value}' says otherwise: delete the annotation and keep the field`,
      why: "the API server rejects a pod whose AppArmor annotation and field disagree, so no pod of this workload is created",
      related: [{ at: annotation.node, message: "the deprecated annotation" }],
    });
  },
});
