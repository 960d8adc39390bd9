import { defineAnalyzer } from "../../src/analyze/define.js";
import { isObj } from "../../src/manifest/yaml-value.js";
import type { Pos } from "../../src/source/source-file.js";
import { knownImageSource } from "../../src/known-images/lookup.js";
import { isWindowsPod, unprivilegedPortStart } from "../pod-spec.js";
import { listsCap, place } from "../consistency/places.js";

/**
 * A hardened manifest must still be able to bind its port: a non-root process cannot bind
 * below net.ipv4.ip_unprivileged_port_start (1024 in Kubernetes), and root can only with
 * NET_BIND_SERVICE. Needs no Dockerfile: the manifest's runAsUser and capabilities, and the
 * known-images list for the image's own user and ports.
 */
export default defineAnalyzer({
  id: "capabilities/privileged-port",
  severity: "error",
  summary: "A container that listens below port 1024 can bind it: as root with NET_BIND_SERVICE, or with the pod sysctl net.ipv4.ip_unprivileged_port_start",
  scope: "container",
  check({ container, workload, report, image }) {
    if (isWindowsPod(workload) || container.securityContext.windowsOptions?.value.hostProcess === true) return;
    const start = unprivilegedPortStart(workload.podSpec);
    const known = image.known;
    const ports: Array<{ port: number; at?: Pos }> = [];
    const list = container.spec.ports;
    if (Array.isArray(list)) {
      list.forEach((p, i) => {
        if (!isObj(p) || typeof p.containerPort !== "number" || p.containerPort >= start || p.containerPort < 1) return;
        if (p.protocol !== undefined && p.protocol !== "TCP") return;
        ports.push({ port: p.containerPort, at: workload.positions.key(p, "containerPort") ?? workload.positions.item(list, i) });
      });
    }
    // no port declared: the ports a known image listens on as shipped
    if (!Array.isArray(list) || list.length === 0) for (const port of known?.variant.ports ?? []) if (port < start) ports.push({ port });
    if (ports.length === 0) return;
    const sc = container.securityContext;
    const runAsUser = typeof sc.runAsUser?.value === "number" ? sc.runAsUser.value : undefined;
    // a paired Dockerfile's user is consistency/privileged-port's case
    const uid = runAsUser ?? (image.dockerfile ? undefined : known?.variant.user.uid);
    if (uid === undefined) return;
    const who =
      runAsUser !== undefined
        ? `runAsUser ${runAsUser} (${place(sc.runAsUser!.node)})`
        : `${known!.ref}, which runs as ${known!.variant.user.config ? `'${known!.variant.user.config}'` : "root"} (per ${knownImageSource(known!)})`;
    const portText = ports.map((p) => (p.at ? `containerPort ${p.port} (${place(p.at)})` : `port ${p.port} (the port ${known!.ref} listens on)`)).join(", ");
    const addsBind = listsCap(sc.capabilities?.add?.value, "NET_BIND_SERVICE", false);
    const at = ports.find((p) => p.at)?.at ?? sc.runAsUser?.node ?? sc.capabilities?.node ?? container.node;
    if (uid > 0) {
      if (image.dockerfile) return;
      report({
        at,
        severity: addsBind ? "warning" : "error",
        message: `container '${container.name}' runs as a non-root uid through ${who} and listens on ${portText}, below ${start}: binding fails${
          addsBind ? " unless the binary itself carries the capability (setcap): NET_BIND_SERVICE in add does not reach a non-root process" : ""
        }; listen on a port ≥ 1024, or set the pod sysctl net.ipv4.ip_unprivileged_port_start=${Math.min(...ports.map((p) => p.port))}`,
        why: "Kubernetes, unlike Docker, keeps net.ipv4.ip_unprivileged_port_start at 1024: the process exits with 'bind: permission denied' (containerd 2 lowers it to 0; earlier runtimes and CRI-O do not)",
      });
      return;
    }
    const dropped = listsCap(sc.capabilities?.drop?.value, "NET_BIND_SERVICE", true);
    if (!dropped || addsBind) return;
    report({
      at,
      message: `container '${container.name}' runs as root (${who}) with NET_BIND_SERVICE dropped (${place(sc.capabilities!.drop!.node)}) and listens on ${portText}: binding fails; add NET_BIND_SERVICE to capabilities.add, or set the pod sysctl net.ipv4.ip_unprivileged_port_start=${Math.min(...ports.map((p) => p.port))}`,
      why: "without NET_BIND_SERVICE even root cannot bind a port below net.ipv4.ip_unprivileged_port_start: 'bind: permission denied'",
      fix: { set: ["securityContext", "capabilities", "add"], value: ["NET_BIND_SERVICE"] },
    });
  },
});
