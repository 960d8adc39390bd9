import { defineAnalyzer } from "../../src/analyze/define.js";

const WHAT = {
  hostNetwork: "the node's network stack: it can bind node ports, reach node-local services and sniff traffic of the node",
  hostPID: "the node's process table: it can see every process, read their environment and, with ptrace, enter them",
  hostIPC: "the node's IPC namespace: it can read and write shared memory of every process on the node",
} as const;

export default defineAnalyzer({
  id: "host/namespaces",
  severity: "error",
  summary: "Pods do not share the node's network, PID or IPC namespace",
  scope: "workload",
  check({ workload, report }) {
    for (const key of ["hostNetwork", "hostPID", "hostIPC"] as const) {
      if (workload.podSpec[key] !== true) continue;
      report({
        at: workload.positions.key(workload.podSpec, key) ?? workload.podSpecNode,
        message: `${workload.kind} '${workload.name}' sets ${key}: true: write '${key}: false' (or remove it)`,
        why: `the pod shares ${WHAT[key]}; Pod Security 'baseline' rejects it`,
        fix: { set: [key], value: false, on: "pod" },
      });
    }
  },
});
