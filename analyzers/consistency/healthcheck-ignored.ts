import { defineAnalyzer } from "../../src/analyze/define.js";
import { inherited } from "../../src/dockerfile/stage-chain.js";
import { place } from "./places.js";

/** Docker durations: 30s, 1m30s, 500ms → whole seconds (at least 1). */
function seconds(text: string | undefined, fallback: number): number {
  if (!text) return fallback;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s|us|ns)/g)) {
    const n = Number(m[1]);
    total += m[2] === "h" ? n * 3600 : m[2] === "m" ? n * 60 : m[2] === "s" ? n : 0;
  }
  return Math.max(1, Math.round(total)) || fallback;
}

export default defineAnalyzer({
  id: "consistency/healthcheck-ignored",
  severity: "note",
  summary: "A Dockerfile HEALTHCHECK has a Kubernetes probe to stand for it (Kubernetes ignores HEALTHCHECK)",
  scope: "pair",
  check({ dockerfile, container, report }) {
    if (container.kind !== "container" || !dockerfile.final) return;
    const hc = inherited(dockerfile.final, (s) => s.healthcheck);
    if (!hc || hc.value.test === "NONE") return;
    if (container.spec.livenessProbe || container.spec.readinessProbe || container.spec.startupProbe) return;
    const flags = hc.value.flags ?? {};
    const probe = {
      exec: { command: hc.value.test },
      periodSeconds: seconds(flags.interval, 30),
      timeoutSeconds: seconds(flags.timeout, 30),
      failureThreshold: /^\d+$/.test(flags.retries ?? "") ? Number(flags.retries) : 3,
      ...(flags["start-period"] ? { initialDelaySeconds: seconds(flags["start-period"], 0) } : {}),
    };
    report({
      at: container.node,
      message: `container '${container.name}' (${place(container.node)}) has no liveness or readiness probe, and ${place(hc.node)} 'HEALTHCHECK ${hc.value.raw}' is ignored by Kubernetes; the equivalent exec probe is livenessProbe: ${JSON.stringify(probe)}`,
      why: "Kubernetes never runs HEALTHCHECK: a hung process is not restarted and traffic reaches a pod that is not ready",
      fix: { set: ["livenessProbe"], value: probe },
      related: [{ at: hc.node, message: `HEALTHCHECK ${hc.value.raw}` }],
    });
  },
});
