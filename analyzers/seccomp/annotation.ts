import { defineAnalyzer } from "../../src/analyze/define.js";
import { atLeast } from "../../src/kube/version.js";
import { isWindowsPod } from "../pod-spec.js";
import { SECCOMP_ANNOTATION_IGNORED_SINCE, SECCOMP_FIELD_SINCE, annotationAsField, seccompAnnotation } from "./profile-source.js";

export default defineAnalyzer({
  id: "seccomp/annotation",
  severity: "warning",
  summary: "Seccomp is set the way the target Kubernetes version reads it (annotation before 1.19, field from 1.19; annotations do nothing from 1.27)",
  scope: "container",
  check({ container, workload, kube, report }) {
    if (isWindowsPod(workload)) return;
    const field = container.securityContext.seccompProfile;
    const annotation = seccompAnnotation(workload, container);
    const v = `1.${kube.minor}`;
    if (!atLeast(kube, SECCOMP_FIELD_SINCE)) {
      if (!field || annotation) return;
      report({
        at: field.node,
        message: `container '${container.name}' sets securityContext.seccompProfile, which Kubernetes ${v} does not know (the field exists from 1.19): write the annotation 'seccomp.security.alpha.kubernetes.io/pod: runtime/default' on the pod template's metadata`,
        why: "the API server drops the unknown field, so the container runs Unconfined",
        fix: { set: ["annotations", "seccomp.security.alpha.kubernetes.io/pod"], value: "runtime/default", on: "podMetadata" },
      });
      return;
    }
    if (!annotation || field) return; // both set: seccomp/annotation-mismatch checks they agree
    const written = annotationAsField(annotation.value);
    // translate the annotation as written, except that nobody should be told to write Unconfined
    const asField = written && written.type !== "Unconfined" ? written : undefined;
    const yaml = asField
      ? `securityContext: { seccompProfile: { type: ${asField.type}${asField.localhostProfile !== undefined ? `, localhostProfile: ${asField.localhostProfile}` : ""} } }`
      : "securityContext: { seccompProfile: { type: RuntimeDefault } }";
    const fix = { set: ["securityContext", "seccompProfile"], value: asField ?? { type: "RuntimeDefault" }, on: annotation.level === "pod" ? ("pod" as const) : ("container" as const) };
    if (atLeast(kube, SECCOMP_ANNOTATION_IGNORED_SINCE)) {
      report({
        at: annotation.node,
        message: `container '${container.name}' sets seccomp only through the annotation '${annotation.key}', which Kubernetes ${v} ignores: write '${yaml}' on the ${annotation.level === "pod" ? "pod spec" : "container"}`,
        why: "from 1.27 the API server no longer copies the annotation to the field and the kubelet never reads it: the container runs Unconfined",
        fix,
      });
      return;
    }
    report({
      at: annotation.node,
      message: `container '${container.name}' sets seccomp through the deprecated annotation '${annotation.key}': write '${yaml}' on the ${annotation.level === "pod" ? "pod spec" : "container"}`,
      why: "it works in 1.19–1.26 only because the API server copies it to the field at pod creation; from 1.27 the annotation does nothing and the container runs Unconfined",
      severity: "note",
      fix,
    });
  },
});
