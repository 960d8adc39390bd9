import { describe, expect, it } from "vitest";
import { probeExitCode } from "../../src/probe/gate.js";
import { writeSeccompFor } from "../../src/probe/seccomp-annotation.js";
import { parseKubeVersion } from "../../src/kube/version.js";
import type { Proposal } from "../../src/propose/proposal.js";
import type { ProbeReport } from "../../src/probe/report.js";

const report = (over: { verified?: boolean; runsAsNonRoot?: boolean; needed?: string[] }) =>
  ({ verified: over.verified ?? true, runsAsNonRoot: over.runsAsNonRoot ?? true, capabilities: { needed: over.needed ?? [] } }) as unknown as ProbeReport;

describe("probe --fail-on", () => {
  it("fails on error only when no verified proposal was found", () => {
    expect(probeExitCode(report({}), "error")).toBe(0);
    expect(probeExitCode(report({ runsAsNonRoot: false, needed: ["CHOWN"] }), "error")).toBe(0);
    expect(probeExitCode(report({ verified: false }), "error")).toBe(1);
  });

  it("fails on warning when the image needs root or a capability 'restricted' forbids", () => {
    expect(probeExitCode(report({ needed: ["NET_BIND_SERVICE"] }), "warning")).toBe(0);
    expect(probeExitCode(report({ needed: ["NET_BIND_SERVICE", "CHOWN"] }), "warning")).toBe(1);
    expect(probeExitCode(report({ runsAsNonRoot: false }), "warning")).toBe(1);
    expect(probeExitCode(report({ verified: false, runsAsNonRoot: false }), "none")).toBe(0);
  });
});

describe("probe --kube-version", () => {
  const proposal = () =>
    ({ podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }, containers: [], volumes: [], evidence: [], verified: true, workload: null }) as Proposal;

  it("writes seccomp as the pod annotation before 1.19 and as the field from 1.19", () => {
    const old = proposal();
    writeSeccompFor(parseKubeVersion("1.18"), old);
    expect(old.podSecurityContext).toEqual({ runAsNonRoot: true });
    expect(old.podAnnotations).toEqual({ "seccomp.security.alpha.kubernetes.io/pod": "runtime/default" });
    const current = proposal();
    writeSeccompFor(parseKubeVersion("1.19"), current);
    expect(current.podSecurityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
    expect(current.podAnnotations).toBeUndefined();
  });
});
