import { defineAnalyzer } from "../../src/analyze/define.js";

export default defineAnalyzer({
  id: "host/windows-host-process",
  severity: "error",
  summary: "Windows containers do not run as HostProcess containers",
  scope: "container",
  check({ container, report }) {
    const win = container.securityContext.windowsOptions;
    if (win?.value.hostProcess !== true) return;
    report({
      at: win.node,
      message: `container '${container.name}' runs as a Windows HostProcess container (windowsOptions.hostProcess: true, set on the ${win.from}): remove 'hostProcess: true'`,
      why: "a HostProcess container runs directly on the Windows node with the node's network and filesystem: it is the node; Pod Security 'baseline' rejects the pod",
      fix: { set: ["securityContext", "windowsOptions", "hostProcess"], value: false, on: win.from === "pod" ? "pod" : "container" },
    });
  },
});
