import { atLeast, type KubeVersion } from "../kube/version.js";
import type { Proposal } from "../propose/proposal.js";

/** Before 1.19 the pod's seccomp profile is the `seccomp.security.alpha.kubernetes.io/pod` annotation. */
export function writeSeccompFor(kube: KubeVersion, proposal: Proposal): void {
  const profile = proposal.podSecurityContext.seccompProfile;
  if (atLeast(kube, 19) || !profile) return;
  delete proposal.podSecurityContext.seccompProfile;
  const value = profile.type === "RuntimeDefault" ? "runtime/default" : profile.type === "Localhost" ? `localhost/${profile.localhostProfile ?? ""}` : "unconfined";
  proposal.podAnnotations = { ...proposal.podAnnotations, "seccomp.security.alpha.kubernetes.io/pod": value };
}
