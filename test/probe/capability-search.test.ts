import { describe, expect, test } from "vitest";
import { type Capability, DOCKER_DEFAULT_CAPABILITIES } from "../../src/probe/capabilities.js";
import { findMinimalCapabilities, type CapabilityTest } from "../../src/probe/capability-search.js";

/**
 * A simulated workload: `ok` decides whether a granted set works, `hintFor` what error line a
 * failing run would print. Counts every trial, re-runs included.
 */
function workload(ok: (s: Set<Capability>) => boolean, hintFor: (s: Set<Capability>) => Capability[][] = () => []) {
  let trials = 0;
  const test = async (granted: Capability[]): Promise<CapabilityTest> => {
    trials++;
    const s = new Set(granted);
    const pass = ok(s);
    return {
      granted,
      ok: pass,
      reason: pass ? "" : "exit 1",
      hints: pass ? [] : hintFor(s).map((alternatives) => ({ alternatives, line: "x" })),
    };
  };
  return { test, trials: () => trials };
}

const needs = (...caps: Capability[]) => (s: Set<Capability>) => caps.every((c) => s.has(c));

describe("minimal capability search", () => {
  test("nothing needed: one trial", async () => {
    const w = workload(() => true);
    const r = await findMinimalCapabilities(DOCKER_DEFAULT_CAPABILITIES, w.test);
    expect(r.needed).toEqual([]);
    expect(w.trials()).toBe(1);
  });

  test("with error-line evidence, trials grow with k (sequential failures reveal one need each)", async () => {
    const needed: Capability[] = ["CHOWN", "SETGID", "NET_BIND_SERVICE"];
    const w = workload(needs(...needed), (s) => [needed.filter((c) => !s.has(c)).slice(0, 1)]);
    const r = await findMinimalCapabilities(DOCKER_DEFAULT_CAPABILITIES, w.test);
    expect([...r.needed].sort()).toEqual([...needed].sort());
    expect(w.trials()).toBeLessThanOrEqual(4 * needed.length);
    for (const c of needed) expect(r.evidence.get(c)?.ok).toBe(false);
  });

  test("without evidence, group testing stays well under one trial per candidate for k=1", async () => {
    const w = workload(needs("KILL"));
    const r = await findMinimalCapabilities(DOCKER_DEFAULT_CAPABILITIES, w.test);
    expect(r.needed).toEqual(["KILL"]);
    expect(r.method).toBe("group-testing");
    expect(w.trials()).toBeLessThan(DOCKER_DEFAULT_CAPABILITIES.length);
  });

  test("substitutes are not intersected away: one of DAC_OVERRIDE / DAC_READ_SEARCH is kept", async () => {
    const candidates: Capability[] = [...DOCKER_DEFAULT_CAPABILITIES, "DAC_READ_SEARCH"];
    const w = workload(
      (s) => s.has("DAC_OVERRIDE") || s.has("DAC_READ_SEARCH"),
      () => [["DAC_READ_SEARCH", "DAC_OVERRIDE"], ["DAC_OVERRIDE"]],
    );
    const r = await findMinimalCapabilities(candidates, w.test);
    expect(r.needed).toHaveLength(1);
    expect(["DAC_OVERRIDE", "DAC_READ_SEARCH"]).toContain(r.needed[0]);
  });

  test("an unexplained failure is re-run before it counts; a flake is not a need", async () => {
    let calls = 0;
    // Fails the first time it runs without KILL (a flake), then only really needs nothing.
    const w = workload(() => ++calls > 1);
    const r = await findMinimalCapabilities(DOCKER_DEFAULT_CAPABILITIES, w.test);
    expect(r.needed).toEqual([]);
    expect(r.flaky.length).toBeGreaterThan(0);
  });
});
