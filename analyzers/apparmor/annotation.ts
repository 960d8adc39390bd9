import { defineAnalyzer } from "../../src/analyze/define.js";
import { atLeast } from "../../src/kube/version.js";
import { isWindowsPod } from "../pod-spec.js";
import {
  APPARMOR_ANNOTATION_IGNORED_SINCE,
  APPARMOR_ANNOTATION_PREFIX,
  APPARMOR_FIELD_SINCE,
  annotationAsField,
  appArmorAnnotation,
  fieldYaml,
} from "./profile-source.js";

export default defineAnalyzer({
  id: "apparmor/annotation",
  severity: "warning",
  summary: "AppArmor is set the way the target Kubernetes version reads it (annotation before 1.30, field from 1.30)",
  scope: "container",
  check({ container, workload, kube, report }) {
    if (isWindowsPod(workload)) return;
    const field = container.securityContext.appArmorProfile;
    const annotation = appArmorAnnotation(workload, container);
    const v = `1.${kube.minor}`;
    if (!atLeast(kube, APPARMOR_FIELD_SINCE)) {
      if (!field || annotation) return;
      const value = field.value.type === "Localhost" ? `localhost/${String(field.value.localhostProfile ?? "")}` : "runtime/default";
      report({
        at: field.node,
        message: `container '${container.name}' sets securityContext.appArmorProfile, which Kubernetes ${v} does not know (the field exists from 1.30): write the annotation '${APPARMOR_ANNOTATION_PREFIX}${container.name}: ${value}' on the pod template's metadata`,
        why: "the API server drops the unknown field: the profile you chose is not applied",
        fix: { set: ["annotations", APPARMOR_ANNOTATION_PREFIX + container.name], value, on: "podMetadata" },
      });
      return;
    }
    if (!annotation || field) return; // both: apparmor/annotation-mismatch checks they agree
    const written = annotationAsField(annotation.value);
    const target = written && written.type !== "Unconfined" ? written : { type: "RuntimeDefault" };
    const fix = { set: ["securityContext", "appArmorProfile"], value: target };
    if (atLeast(kube, APPARMOR_ANNOTATION_IGNORED_SINCE)) {
      report({
        at: annotation.node,
        message: `container '${container.name}' sets AppArmor only through the annotation '${annotation.key}', which Kubernetes ${v} no longer copies to the field: write 'securityContext: { ${fieldYaml(target)} }' on the container`,
        why: "the kubelet only reads the field: the profile is not applied",
        fix,
      });
      return;
    }
    report({
      at: annotation.node,
      message: `container '${container.name}' sets AppArmor through the deprecated annotation '${annotation.key}': write 'securityContext: { ${fieldYaml(target)} }' on the container`,
      why: "it works in 1.30–1.35 only because the API server copies it to the field at pod creation; from 1.36 (KEP-24) the annotation alone does nothing",
      severity: "note",
      fix,
    });
  },
});
