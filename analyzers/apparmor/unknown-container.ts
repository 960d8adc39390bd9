import { defineAnalyzer } from "../../src/analyze/define.js";
import { isObj } from "../../src/manifest/yaml-value.js";
import { APPARMOR_ANNOTATION_PREFIX, annotationNode } from "./profile-source.js";

export default defineAnalyzer({
  id: "apparmor/unknown-container",
  severity: "error",
  summary: "Every AppArmor annotation names a container of the pod",
  scope: "workload",
  check({ workload, report }) {
    if (!isObj(workload.podMetadata.annotations)) return;
    const names = new Set(workload.containers.map((c) => c.name));
    for (const key of Object.keys(workload.podAnnotations)) {
      if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
      const name = key.slice(APPARMOR_ANNOTATION_PREFIX.length);
      if (names.has(name)) continue;
      const candidates = [...names];
      const suggestion = candidates.length === 1 ? `'${APPARMOR_ANNOTATION_PREFIX}${candidates[0]}'` : `one of ${candidates.map((n) => `'${n}'`).join(", ")}`;
      report({
        at: annotationNode(workload, key),
        message: `the AppArmor annotation '${key}' names container '${name}', which this pod does not have: ${candidates.length ? `write ${suggestion}` : "remove it"}, or better the field 'securityContext: { appArmorProfile: { type: RuntimeDefault } }'`,
        why: "the profile is applied to no container: the containers you meant to confine run with whatever the runtime defaults to",
      });
    }
  },
});
