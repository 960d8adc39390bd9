import { defineAnalyzer } from "../../src/analyze/define.js";
import { finalChain, listsCap, place } from "./places.js";

export default defineAnalyzer({
  id: "consistency/file-capabilities",
  severity: "error",
  summary: "Capabilities the image gives binaries with setcap are kept in the bounding set and not voided by no_new_privs",
  scope: "pair",
  check({ dockerfile, container, report }) {
    const sc = container.securityContext;
    const drop = sc.capabilities?.drop?.value;
    const add = sc.capabilities?.add?.value;
    const noNewPrivs = sc.allowPrivilegeEscalation?.value === false;
    for (const stage of finalChain(dockerfile)) {
      for (const entry of stage.setcap) {
        const { path, capabilities, spec } = entry.value;
        const setcap = `${place(entry.node)} 'setcap ${spec} ${path}'`;
        const dropped = capabilities.filter((c) => listsCap(drop, c) && !listsCap(add, c, false));
        if (dropped.length) {
          report({
            at: sc.capabilities!.drop!.node,
            message: `container '${container.name}' drops ${dropped.join(", ")} (${place(sc.capabilities!.drop!.node)}), which ${setcap} gives ${path}: executing ${path} fails with 'operation not permitted'; add ${dropped.join(", ")} to capabilities.add`,
            why: "a file capability outside the bounding set makes execve fail (EPERM) for a non-root process",
            fix: { set: ["securityContext", "capabilities", "add"], value: dropped, merge: "append" },
            related: [{ at: entry.node, message: `setcap ${spec} ${path}` }],
          });
        } else if (noNewPrivs) {
          report({
            at: sc.allowPrivilegeEscalation!.node,
            severity: "warning",
            message: `container '${container.name}' sets allowPrivilegeEscalation: false (${place(sc.allowPrivilegeEscalation!.node)}), so the kernel ignores the file capabilities ${setcap} gives ${path}: it runs without ${capabilities.join(", ")}; run as root with the capability added, or (for NET_BIND_SERVICE) use the pod sysctl net.ipv4.ip_unprivileged_port_start`,
            why: "no_new_privs stops execve from granting file capabilities: the binary then fails where it needs them (e.g. 'bind: permission denied')",
            related: [{ at: entry.node, message: `setcap ${spec} ${path}` }],
          });
        }
      }
    }
  },
});
