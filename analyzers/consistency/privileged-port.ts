import { defineAnalyzer } from "../../src/analyze/define.js";
import { isObj } from "../../src/manifest/yaml-value.js";
import type { Pos } from "../../src/source/source-file.js";
import { effectiveUid, finalChain, listsCap, place, userLabel, userRef } from "./places.js";
import { unprivilegedPortStart } from "../pod-spec.js";

export default defineAnalyzer({
  id: "consistency/privileged-port",
  severity: "error",
  summary: "A non-root process that listens below port 1024 has NET_BIND_SERVICE",
  scope: "pair",
  check({ dockerfile, workload, container, report }) {
    const { uid, from } = effectiveUid(container, dockerfile);
    if (uid === 0) return;
    const sc = container.securityContext;
    if (listsCap(sc.capabilities?.add?.value, "NET_BIND_SERVICE", false)) return;
    const chain = finalChain(dockerfile);
    if (chain.some((s) => s.setcap.some((c) => c.value.capabilities.includes("NET_BIND_SERVICE")))) return;
    const start = unprivilegedPortStart(workload.podSpec);
    const ports = new Map<number, { at?: Pos; expose?: Pos }>();
    const list = container.spec.ports;
    if (Array.isArray(list)) {
      list.forEach((p, i) => {
        if (!isObj(p) || typeof p.containerPort !== "number" || p.containerPort >= start || p.containerPort < 1) return;
        ports.set(p.containerPort, { at: workload.positions.key(p, "containerPort") ?? workload.positions.item(list, i) });
      });
    }
    for (const stage of chain)
      for (const e of stage.expose) if (e.value.port < start && e.value.port > 0) ports.set(e.value.port, { ...ports.get(e.value.port), expose: e.node });
    const user = dockerfile.effectiveUser;
    const who =
      from === "manifest"
        ? `runs as uid ${uid} (${place(sc.runAsUser!.node)})`
        : user
          ? `runs as ${uid !== undefined ? `uid ${uid}` : `'${user.user}'`} from ${userRef(user)}`
          : "runs as a non-root user";
    for (const [port, { at, expose }] of ports) {
      const declared = [at ? `containerPort ${port} (${place(at)})` : "", expose ? `EXPOSE ${port} (${place(expose)})` : ""].filter(Boolean).join(" and ");
      report({
        at: at ?? sc.runAsUser?.node ?? container.node,
        severity: at ? "error" : "warning",
        message: `container '${container.name}' ${who} and listens on ${declared}, below 1024, without NET_BIND_SERVICE: binding fails; listen on a port ≥ 1024, or set the pod sysctl net.ipv4.ip_unprivileged_port_start=${port}, or give the binary the capability (setcap cap_net_bind_service=+ep) and add NET_BIND_SERVICE`,
        why: "Kubernetes, unlike Docker, does not lower net.ipv4.ip_unprivileged_port_start: the process exits with 'bind: permission denied'",
        related: [
          ...(expose ? [{ at: expose, message: `EXPOSE ${port}` }] : []),
          ...(from === "image" && user ? [{ at: user.node, message: userLabel(user) }] : []),
        ],
      });
    }
  },
});
