import { defineAnalyzer } from "../../src/analyze/define.js";
import { isWindowsPod } from "../pod-spec.js";
import { imageUser } from "./image-user.js";

export default defineAnalyzer({
  id: "user/may-run-as-root",
  severity: "error",
  summary: "Containers set runAsNonRoot: true or a non-zero runAsUser, so they cannot run as root",
  scope: "container",
  check({ container, workload, report, image }) {
    const sc = container.securityContext;
    if (sc.windowsOptions?.value.hostProcess === true || isWindowsPod(workload)) return;
    const uid = sc.runAsUser;
    if (uid?.value === 0) {
      if (sc.runAsNonRoot?.value === true) return; // never starts: user/non-root-conflict says so
      report({
        at: uid.node,
        message: `container '${container.name}' runs as root: runAsUser is 0 (set on the ${uid.from}); write 'runAsUser: 10001' (any uid the image can run as) and 'runAsNonRoot: true'`,
        why: "a process running as uid 0 owns every root-owned file in the image and is one kernel bug away from the node",
        fix: { set: ["securityContext", "runAsUser"], value: 10001 },
      });
      return;
    }
    if (sc.runAsNonRoot?.value === true) return;
    if (typeof uid?.value === "number" && uid.value > 0) return;
    // the image's own user decides: a known non-root one does not run as root (a named USER is
    // consistency/non-numeric-user's case once runAsNonRoot is set)
    const own = imageUser(image);
    if (own && !own.root && sc.runAsNonRoot?.value !== false) return;
    const rootImage = own?.root ? `; ${own.where} runs as root` : "";
    report({
      at: sc.runAsNonRoot?.node ?? sc.node ?? sc.podNode ?? container.node,
      message:
        sc.runAsNonRoot?.value === false
          ? `container '${container.name}' allows root: runAsNonRoot is false and no non-zero runAsUser is set${rootImage}; write 'securityContext: { runAsNonRoot: true }'`
          : own?.root
            ? `container '${container.name}' runs as root: neither runAsNonRoot: true nor a non-zero runAsUser is set${rootImage}; write 'runAsUser: 10001' (any uid the image can run as) and 'runAsNonRoot: true'`
            : `container '${container.name}' may run as root: neither runAsNonRoot: true nor a non-zero runAsUser is set, so the image's USER decides; write 'securityContext: { runAsNonRoot: true }'`,
      why: "an image without USER runs as uid 0; with runAsNonRoot: true the kubelet refuses to start it instead of running it as root",
      fix: { set: ["securityContext", "runAsNonRoot"], value: true },
    });
  },
});
