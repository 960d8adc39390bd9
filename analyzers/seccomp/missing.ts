import { defineAnalyzer } from "../../src/analyze/define.js";
import { atLeast } from "../../src/kube/version.js";
import { isWindowsPod } from "../pod-spec.js";
import { SECCOMP_FIELD_SINCE, SECCOMP_POD_ANNOTATION, seccompAnnotation } from "./profile-source.js";

export default defineAnalyzer({
  id: "seccomp/missing",
  severity: "warning",
  summary: "Containers run under a seccomp profile (RuntimeDefault or Localhost)",
  scope: "container",
  check({ container, workload, kube, report }) {
    if (isWindowsPod(workload)) return;
    const sc = container.securityContext;
    // an annotation, honoured or not, and a field the version does not know are seccomp/annotation's to explain
    if (seccompAnnotation(workload, container)) return;
    if (sc.seccompProfile) return;
    const at = sc.podNode ?? sc.node ?? container.node;
    const why =
      "without a profile the container runs Unconfined: every syscall (keyctl, unshare, bpf …) is open to an exploit; Pod Security 'restricted' rejects the pod";
    if (!atLeast(kube, SECCOMP_FIELD_SINCE)) {
      report({
        at,
        message: `container '${container.name}' has no seccomp profile: Kubernetes 1.${kube.minor} reads the pod annotation, write 'metadata: { annotations: { ${SECCOMP_POD_ANNOTATION}: runtime/default } }' on the pod template`,
        why,
        fix: { set: ["annotations", SECCOMP_POD_ANNOTATION], value: "runtime/default", on: "podMetadata" },
      });
      return;
    }
    report({
      at,
      message: `container '${container.name}' has no seccomp profile: write 'securityContext: { seccompProfile: { type: RuntimeDefault } }' on the pod spec`,
      why,
      fix: { set: ["securityContext", "seccompProfile"], value: { type: "RuntimeDefault" }, on: "pod" },
    });
  },
});
