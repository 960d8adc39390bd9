import { defineAnalyzer } from "../../src/analyze/define.js";

const WHAT = {
  hostNetwork: "the node's network stack: it can bind node ports, reach node-local services and sniff traffic of the node",
  hostPID: "the node's process table: it can see every process, read their environment and, with ptrace, enter them",
  hostIPC: "the node's IPC namespace: it can read and write shared memory of every process on the node",
} as const;

/** What a node agent legitimately reads through each namespace. */
const AGENT_NEED = {
  hostNetwork: "the node's own interfaces and ports",
  hostPID: "the node's processes",
  hostIPC: "the node's shared memory",
} as const;

export default defineAnalyzer({
  id: "host/namespaces",
  severity: "error",
  summary: "Pods do not share the node's network, PID or IPC namespace",
  scope: "workload",
  check({ workload, report }) {
    for (const key of ["hostNetwork", "hostPID", "hostIPC"] as const) {
      if (workload.podSpec[key] !== true) continue;
      if (workload.kind === "DaemonSet") {
        // a node agent (CNI plugin, node exporter) may need the node's namespace: "write false" would break it
        report({
          at: workload.positions.key(workload.podSpec, key) ?? workload.podSpecNode,
          message: `DaemonSet '${workload.name}' sets ${key}: true: keep it only if the agent must see ${AGENT_NEED[key]}, and run it in a namespace of its own, apart from applications`,
          why: `the pod shares ${WHAT[key]}; Pod Security 'baseline' rejects it`,
        });
        continue;
      }
      report({
        at: workload.positions.key(workload.podSpec, key) ?? workload.podSpecNode,
        message: `${workload.kind} '${workload.name}' sets ${key}: true: write '${key}: false' (or remove it)`,
        why: `the pod shares ${WHAT[key]}; Pod Security 'baseline' rejects it`,
        fix: { set: [key], value: false, on: "pod" },
      });
    }
  },
});
