import type { Workload } from "../manifest/workload.js";
import { isObj } from "../manifest/yaml-value.js";

/** Names node agents usually carry: log collectors, exporters, CSI and CNI drivers. */
const AGENT_NAME = /(^|[-_.])(agent|exporter|collector|csi|cni)([-_.]|$)|node-driver|fluent-?bit|fluentd|promtail|filebeat|kube-proxy|calico|cilium|flannel|weave-net/i;

/**
 * Why a workload is a node agent, or undefined. A node agent reads or changes the host (its
 * logs, its network, its devices) on purpose: static evidence cannot tell what a hardened
 * setting would break there, so propose gives it advice only and writes nothing.
 */
export function nodeAgentReason(w: Workload): string | undefined {
  const spec = w.podSpec;
  const host = ["hostPID", "hostNetwork", "hostIPC"].filter((k) => spec[k] === true);
  const hostPaths = (Array.isArray(spec.volumes) ? spec.volumes : []).filter((v) => isObj(v) && isObj(v.hostPath)).map((v) => String((v as { name?: unknown }).name));
  if (w.kind === "DaemonSet" && (host.length || hostPaths.length)) {
    return `a DaemonSet with ${[...host.map((h) => `${h}: true`), ...(hostPaths.length ? [`hostPath volumes (${hostPaths.join(", ")})`] : [])].join(" and ")}`;
  }
  const privileged = w.containers.filter((c) => c.securityContext.privileged?.value === true).map((c) => c.name);
  if (w.kind === "DaemonSet" && privileged.length) return `a DaemonSet with privileged containers (${privileged.join(", ")})`;
  if (w.namespace === "kube-system") return "it runs in kube-system";
  const images = w.containers.map((c) => c.image?.value ?? "");
  const named = [w.name, ...images.map((i) => i.replace(/[:@].*$/, "").split("/").pop() ?? "")].find((n) => AGENT_NAME.test(n));
  if (named !== undefined && (w.kind === "DaemonSet" || host.length || hostPaths.length)) return `'${named}' is named like a node agent${w.kind === "DaemonSet" ? " and runs on every node (DaemonSet)" : " and uses the host"}`;
  return undefined;
}
