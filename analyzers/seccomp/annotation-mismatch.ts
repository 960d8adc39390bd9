import { defineAnalyzer } from "../../src/analyze/define.js";
import { atLeast } from "../../src/kube/version.js";
import type { Pos } from "../../src/source/source-file.js";
import { isObj } from "../../src/manifest/yaml-value.js";
import {
  SECCOMP_CONTAINER_ANNOTATION_PREFIX,
  SECCOMP_FIELD_SINCE,
  SECCOMP_POD_ANNOTATION,
  annotationAsField,
  annotationAt,
  seccompFieldOf,
} from "./profile-source.js";

export default defineAnalyzer({
  id: "seccomp/annotation-mismatch",
  severity: "error",
  summary: "A seccomp annotation and the seccompProfile field at the same level agree",
  scope: "workload",
  check({ workload, kube, report }) {
    if (!atLeast(kube, SECCOMP_FIELD_SINCE)) return;
    const compare = (annotationKey: string, level: "pod" | "container", sc: unknown, scNode: Pos | undefined, who: string) => {
      const annotation = annotationAt(workload, annotationKey, level);
      const field = seccompFieldOf(sc);
      if (!annotation || !field) return;
      const expected = annotationAsField(annotation.value);
      const type = field.type;
      const profile = field.localhostProfile;
      if (expected && expected.type === type && (expected.type !== "Localhost" || expected.localhostProfile === profile)) return;
      report({
        at: (isObj(sc) ? workload.positions.key(sc, "seccompProfile") : undefined) ?? scNode ?? annotation.node,
        message: `${who} sets seccompProfile type ${String(type)}${profile ? ` (${String(profile)})` : ""} but the annotation '${annotation.key}: ${annotation.value}' says otherwise: delete the annotation and keep the field`,
        why: "the API server rejects a pod whose seccomp annotation and field disagree, so no pod of this workload is created",
        related: [{ at: annotation.node, message: "the deprecated annotation" }],
      });
    };
    const podSc = workload.podSpec.securityContext;
    compare(SECCOMP_POD_ANNOTATION, "pod", podSc, undefined, "the pod");
    for (const c of workload.containers) {
      compare(SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name, "container", c.spec.securityContext, c.securityContext.node, `container '${c.name}'`);
    }
  },
});
