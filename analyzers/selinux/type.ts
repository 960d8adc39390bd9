import { defineAnalyzer } from "../../src/analyze/define.js";
import { atLeast, type KubeVersion } from "../../src/kube/version.js";
import { isWindowsPod } from "../pod-spec.js";

/** Pod Security 'baseline' SELinux types; container_engine_t since 1.31. */
function allowedTypes(kube: KubeVersion): readonly string[] {
  const base = ["container_t", "container_init_t", "container_kvm_t"];
  return atLeast(kube, 31) ? [...base, "container_engine_t"] : base;
}

export default defineAnalyzer({
  id: "selinux/type",
  severity: "error",
  summary: "seLinuxOptions.type is one of the container types Pod Security 'baseline' allows (container_t, container_init_t, container_kvm_t, container_engine_t from 1.31)",
  scope: "container",
  check({ container, workload, kube, report }) {
    if (isWindowsPod(workload)) return;
    const opts = container.securityContext.seLinuxOptions;
    const type = opts?.value.type;
    if (!opts || type === undefined || type === "") return;
    const allowed = allowedTypes(kube);
    if (allowed.includes(String(type))) return;
    const at = workload.positions.key(opts.value, "type") ?? opts.node;
    report({
      at,
      message:
        type === "spc_t"
          ? `container '${container.name}' runs as spc_t, the SELinux 'super privileged container' type (set on the ${opts.from}): remove 'type: spc_t', or write 'type: container_t'`
          : `container '${container.name}' sets seLinuxOptions.type '${String(type)}' (on the ${opts.from}): remove it or write one of ${allowed.join(", ")}`,
      why:
        type === "spc_t"
          ? "spc_t is unconfined by SELinux: the container can read and write the host's files wherever it can reach them; Pod Security 'baseline' rejects the pod"
          : `Kubernetes 1.${kube.minor} Pod Security 'baseline' rejects other types, and a custom type may grant access to host files`,
    });
  },
});
