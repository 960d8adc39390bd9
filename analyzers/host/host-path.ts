import { defineAnalyzer } from "../../src/analyze/define.js";
import type { Workload } from "../../src/manifest/workload.js";
import { isObj } from "../../src/manifest/yaml-value.js";

/**
 * Host paths that a node agent reads (logs, container and kubelet state, kernel views,
 * CNI/CSI plugin folders, runtime sockets): no emptyDir or volume could stand in for them.
 */
const NODE_AREAS = [
  "/var/log",
  "/var/lib/docker/containers",
  "/var/lib/kubelet",
  "/var/lib/containerd",
  "/var/run",
  "/run",
  "/proc",
  "/sys",
  "/dev",
  "/etc/cni",
  "/opt/cni",
  "/etc/kubernetes",
  "/lib/modules",
  "/etc/machine-id",
  "/etc/os-release",
];

/** Paths so wide that an agent rarely needs all of them. */
const BROAD = new Set(["/", "/etc", "/var", "/var/lib", "/usr", "/home", "/root", "/run", "/var/run"]);

const under = (p: string, area: string) => p === area || p.startsWith(`${area}/`);

/** A DaemonSet (one pod per node), or a pod that mounts a path only the node itself has. */
function nodeAgent(workload: Workload, path: string): boolean {
  return workload.kind === "DaemonSet" || NODE_AREAS.some((a) => under(path, a));
}

/** Where each container mounts the volume, and whether it may write there. */
function mountsOf(workload: Workload, volume: string): Array<{ container: string; mountPath: string; readOnly: boolean }> {
  return workload.containers.flatMap((c) =>
    (Array.isArray(c.spec.volumeMounts) ? c.spec.volumeMounts : [])
      .filter((m) => isObj(m) && m.name === volume)
      .map((m) => ({ container: c.name, mountPath: String((m as Record<string, unknown>).mountPath), readOnly: (m as Record<string, unknown>).readOnly === true })),
  );
}

/** What a node agent that must read the host should do instead of "use an emptyDir". */
function agentAdvice(workload: Workload, volume: string, path: string): string {
  const advice: string[] = [];
  const writable = mountsOf(workload, volume).filter((m) => !m.readOnly);
  if (/\.sock(et)?$/.test(path)) {
    advice.push("a runtime socket is root on the node even when mounted read-only: mount it only if the agent must talk to the runtime");
  } else if (writable.length) {
    advice.push(
      `mount it read-only unless the agent writes there: ${writable.map((m) => `add 'readOnly: true' to the mount at ${m.mountPath} of container '${m.container}'`).join(", ")}`,
    );
  }
  const wide = path.replace(/\/+$/, "") || "/";
  if (BROAD.has(wide)) advice.push(`mount the narrowest path it reads, not all of '${path}'${wide === "/var" ? " (e.g. /var/log/pods)" : ""}`);
  if (advice.length === 0) advice.push("it is read-only: keep it to the narrowest path the agent reads");
  return advice.join("; ");
}

export default defineAnalyzer({
  id: "host/host-path",
  severity: "error",
  summary: "Pods do not mount hostPath volumes",
  scope: "workload",
  check({ workload, report }) {
    const volumes = workload.podSpec.volumes;
    if (!Array.isArray(volumes)) return;
    volumes.forEach((v, i) => {
      if (!isObj(v) || !isObj(v.hostPath)) return;
      const path = typeof v.hostPath.path === "string" ? v.hostPath.path : "?";
      const name = String(v.name);
      const at = workload.positions.key(v, "hostPath") ?? workload.positions.item(volumes, i) ?? workload.podSpecNode;
      if (nodeAgent(workload, path)) {
        const who = workload.kind === "DaemonSet" ? "a node agent (DaemonSet)" : "a pod that reads the node";
        report({
          at,
          message: `volume '${name}' mounts the node's '${path}' in ${who}: ${agentAdvice(workload, name, path)}`,
          why: "a hostPath mount reaches the node's filesystem, and a writable one lets a compromised agent change the node; Pod Security 'baseline' rejects the pod, so run such agents in their own namespace, apart from applications",
        });
        return;
      }
      report({
        at,
        message: `volume '${name}' mounts the node's '${path}': use an emptyDir, a configMap/secret or a PersistentVolumeClaim instead, e.g. '- { name: ${name}, emptyDir: {} }'`,
        why: "a hostPath mount reaches the node's filesystem: writing /etc, the kubelet's files or a container runtime socket is root on the node; Pod Security 'baseline' rejects the pod",
      });
    });
  },
});
