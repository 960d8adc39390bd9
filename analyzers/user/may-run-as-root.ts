import { defineAnalyzer } from "../../src/analyze/define.js";

export default defineAnalyzer({
  id: "user/may-run-as-root",
  severity: "error",
  summary: "Containers set runAsNonRoot: true or a non-zero runAsUser, so they cannot run as root",
  scope: "container",
  check({ container, workload, report }) {
    const sc = container.securityContext;
    const uid = sc.runAsUser;
    if (sc.windowsOptions?.value.hostProcess === true || (workload.podSpec.os as { name?: string } | undefined)?.name === "windows") return;
    if (typeof uid?.value === "number" && uid.value === 0) {
      if (sc.runAsNonRoot?.value === true) return; // never starts: reported by user/non-root-conflict
      report({
        at: uid.node,
        message: `container '${container.name}' runs as root: runAsUser is 0 (set on the ${uid.from})`,
        why: "a process running as uid 0 owns every root-owned file in the image and is one kernel bug away from the node",
        fix: { set: ["securityContext", "runAsUser"], value: 10001 },
      });
      return;
    }
    if (sc.runAsNonRoot?.value === true) return;
    if (typeof uid?.value === "number" && uid.value > 0) return;
    report({
      at: sc.runAsNonRoot?.node ?? sc.node ?? sc.podNode ?? container.node,
      message:
        sc.runAsNonRoot?.value === false
          ? `container '${container.name}' allows root: runAsNonRoot is false and no non-zero runAsUser is set`
          : `container '${container.name}' may run as root: neither runAsNonRoot: true nor a non-zero runAsUser is set, so the image's USER decides`,
      why: "an image without USER runs as uid 0; runAsNonRoot: true makes the kubelet refuse to start it instead",
      fix: { set: ["securityContext", "runAsNonRoot"], value: true },
    });
  },
});
