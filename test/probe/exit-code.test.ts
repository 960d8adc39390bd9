import { describe, expect, it } from "vitest";
import { probeExitCode } from "../../src/cli/probe.js";
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
