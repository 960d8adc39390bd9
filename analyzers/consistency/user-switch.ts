import { defineAnalyzer } from "../../src/analyze/define.js";
import type { PrivilegeTool } from "../../src/dockerfile/model.js";
import type { Located } from "../../src/source/source-file.js";
import { effectiveUid, finalChain, listsCap, place } from "./places.js";

/** Where a tool runs when the container starts (not at build time, not merely installed). */
const AT_START = new Set<PrivilegeTool["seenIn"]>(["entrypoint", "cmd", "script"]);

export default defineAnalyzer({
  id: "consistency/user-switch",
  severity: "error",
  summary: "An entrypoint that switches user (su, sudo, gosu, su-exec, setpriv, setuid binaries) can do so under the container's securityContext",
  scope: "pair",
  check({ dockerfile, container, report }) {
    const sc = container.securityContext;
    const chain = finalChain(dockerfile);
    const tools: Located<PrivilegeTool>[] = chain.flatMap((s) => s.privilegeTools ?? []).filter((t) => AT_START.has(t.value.seenIn));
    const noNewPrivs = sc.allowPrivilegeEscalation?.value === false;
    const { uid } = effectiveUid(container, dockerfile);
    const drop = sc.capabilities?.drop?.value;
    const add = sc.capabilities?.add?.value;
    const seen = new Set<string>();
    for (const t of tools) {
      const { tool } = t.value;
      if (seen.has(tool)) continue;
      seen.add(tool);
      const where = `${place(t.node)} (${tool} in the ${t.value.seenIn === "script" ? "entrypoint script" : t.value.seenIn.toUpperCase()})`;
      const related = [{ at: t.node, message: `${tool} at start-up` }];
      if ((tool === "su" || tool === "sudo") && noNewPrivs) {
        report({
          at: sc.allowPrivilegeEscalation!.node,
          message: `container '${container.name}' sets allowPrivilegeEscalation: false (${place(sc.allowPrivilegeEscalation!.node)}) and the image switches user with ${tool} at ${where}: ${tool} is setuid-root and cannot gain privileges under no_new_privs; run as the target user directly (USER or runAsUser) instead`,
          why: `${tool} fails at start-up ('${tool === "sudo" ? "sudo: effective uid is not 0" : "su: Authentication failure"}') and the container exits`,
          related,
        });
        continue;
      }
      if (tool === "su" || tool === "sudo") continue;
      const missing = ["SETUID", "SETGID"].filter((c) => listsCap(drop, c) && !listsCap(add, c, false));
      if (uid !== undefined && uid !== 0) {
        report({
          at: sc.runAsUser?.node ?? container.node,
          message: `container '${container.name}' runs as uid ${uid} and the image's start-up uses ${tool} at ${where}, which must start as root to switch user: it fails with 'operation not permitted'; drop ${tool} from the entrypoint and run as the target user directly`,
          why: `${tool} calls setuid()/setgid(), which a non-root process may not do`,
          related,
        });
      } else if (missing.length) {
        report({
          at: sc.capabilities!.drop!.node,
          message: `container '${container.name}' drops ${missing.join(" and ")} (${place(sc.capabilities!.drop!.node)}) and the image's start-up uses ${tool} at ${where} to switch user: it fails with 'operation not permitted'; run as the target user directly (USER or runAsUser), or add ${missing.join(", ")}`,
          why: `${tool} needs CAP_SETUID and CAP_SETGID to change user`,
          fix: { set: ["securityContext", "capabilities", "add"], value: missing, merge: "append" },
          related,
        });
      }
    }
    // a setuid binary the container starts directly
    if (!noNewPrivs) return;
    const program = chain.find((s) => s.entrypoint)?.entrypoint ?? chain.find((s) => s.cmd)?.cmd;
    const first = program?.value[0];
    if (!first) return;
    for (const s of chain)
      for (const b of s.setuid) {
        if (b.value.path !== first) continue;
        report({
          at: sc.allowPrivilegeEscalation!.node,
          severity: "warning",
          message: `container '${container.name}' sets allowPrivilegeEscalation: false (${place(sc.allowPrivilegeEscalation!.node)}) and starts ${first}, which ${place(b.node)} makes ${b.value.bit}: the bit is ignored under no_new_privs, so it runs with the caller's ids`,
          why: "no_new_privs makes execve ignore setuid/setgid bits",
          related: [{ at: b.node, message: `chmod ${b.value.bit === "setuid" ? "u+s" : "g+s"} ${b.value.path}` }],
        });
      }
  },
});
