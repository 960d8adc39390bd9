import { defineAnalyzer } from "../../src/analyze/define.js";
import { isWindowsPod } from "../pod-spec.js";

export default defineAnalyzer({
  id: "filesystem/writable-root",
  severity: "warning",
  summary: "Containers set readOnlyRootFilesystem: true and mount what they write",
  scope: "container",
  check({ container, workload, report }) {
    if (isWindowsPod(workload)) return; // the field is not supported for Windows containers
    const ro = container.securityContext.readOnlyRootFilesystem;
    if (ro?.value === true) return;
    report({
      at: ro?.node ?? container.securityContext.node ?? container.node,
      message:
        `container '${container.name}' has a writable root filesystem${ro ? " (readOnlyRootFilesystem: false)" : ""}: write 'securityContext: { readOnlyRootFilesystem: true }' ` +
        `and mount an emptyDir where it writes, e.g. 'volumeMounts: [{ name: tmp, mountPath: /tmp }]' with 'volumes: [{ name: tmp, emptyDir: {} }]'`,
      why: "an attacker who gets code execution can replace binaries and drop tools in the image's filesystem, and writes there are lost on restart anyway",
      fix: { set: ["securityContext", "readOnlyRootFilesystem"], value: true },
    });
  },
});
