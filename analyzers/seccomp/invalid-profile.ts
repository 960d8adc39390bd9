import { defineAnalyzer } from "../../src/analyze/define.js";
import { atLeast } from "../../src/kube/version.js";
import { SECCOMP_FIELD_SINCE } from "./profile-source.js";

const TYPES = new Set(["RuntimeDefault", "Localhost", "Unconfined"]);

export default defineAnalyzer({
  id: "seccomp/invalid-profile",
  severity: "error",
  summary: "seccompProfile has a valid type, and Localhost names its localhostProfile",
  scope: "container",
  check({ container, kube, report }) {
    const field = container.securityContext.seccompProfile;
    if (!field || !atLeast(kube, SECCOMP_FIELD_SINCE)) return;
    const { type, localhostProfile } = field.value;
    if (typeof type !== "string" || !TYPES.has(type)) {
      report({
        at: field.node,
        message: `container '${container.name}' sets seccompProfile type '${String(type)}' (on the ${field.from}): write 'seccompProfile: { type: RuntimeDefault }' (or Localhost with a localhostProfile)`,
        why: "the API server rejects the pod: the type must be RuntimeDefault, Localhost or Unconfined (annotation values like runtime/default are not field values)",
        fix: { set: ["securityContext", "seccompProfile"], value: { type: "RuntimeDefault" }, on: field.from === "pod" ? "pod" : "container" },
      });
      return;
    }
    if (type === "Localhost" && !localhostProfile) {
      report({
        at: field.node,
        message: `container '${container.name}' sets seccompProfile type Localhost without localhostProfile (on the ${field.from}): write 'localhostProfile: profiles/<name>.json' (relative to the kubelet's seccomp directory), or use 'type: RuntimeDefault'`,
        why: "the API server rejects the pod: localhostProfile must be set when the type is Localhost",
      });
    }
  },
});
