import { defineAnalyzer } from "../../src/analyze/define.js";
import { isWindowsPod } from "../pod-spec.js";

export default defineAnalyzer({
  id: "user/group-root",
  severity: "warning",
  summary: "A container that sets runAsUser also sets a non-zero runAsGroup",
  scope: "container",
  check({ container, workload, report }) {
    if (isWindowsPod(workload)) return;
    const { runAsUser, runAsGroup } = container.securityContext;
    // uid 0 or no uid: user/may-run-as-root and user/non-root-conflict speak for it
    if (typeof runAsUser?.value !== "number" || runAsUser.value === 0) return;
    const uid = runAsUser.value;
    if (runAsGroup === undefined) {
      report({
        at: runAsUser.node,
        message: `container '${container.name}' sets runAsUser: ${uid} but no runAsGroup: write 'runAsGroup: ${uid}' beside it`,
        why: "the primary group then comes from the image's /etc/passwd, and is gid 0 when the uid is not listed there: the process can write every group-root file",
        fix: { set: ["securityContext", "runAsGroup"], value: uid, on: runAsUser.from === "pod" ? "pod" : "container" },
      });
      return;
    }
    if (runAsGroup.value !== 0) return;
    report({
      at: runAsGroup.node,
      message: `container '${container.name}' runs with runAsGroup: 0 (set on the ${runAsGroup.from}): write a non-zero gid, e.g. 'runAsGroup: ${uid}'`,
      why: "gid 0 is the root group: the process can read and write every file the image left group-root and group-writable",
      fix: { set: ["securityContext", "runAsGroup"], value: uid, on: runAsGroup.from === "pod" ? "pod" : "container" },
    });
  },
});
