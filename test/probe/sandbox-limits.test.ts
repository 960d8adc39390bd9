import Docker from "dockerode";
import { expect, test } from "vitest";
import { EngineSession, PROBE_LABEL } from "../../src/probe/engine.js";
import { probe, type WorkloadInput } from "../../src/probe/search.js";
import { buildFixture, describeWithEngine, engineReachable } from "./engine-fixture.js";

// Issue 16: the probe runs untrusted images, so every trial runs under a pids and a memory
// limit, and a workload that runs into one is told so — never called verified. Each test
// fails if its limit is taken away: the fork test watches the trial containers' process
// count itself; without the memory limit the filler succeeds and the image "needs nothing".
const reachable = await engineReachable();
const docker = new Docker();

function workload(script: string): WorkloadInput {
  return { containerName: "main", workload: null, cmd: ["sh", "-c", script], env: [], ports: [], execProbes: [], capabilitiesAdd: [], notes: [] };
}

/** Probe the busybox service image with `script` as its command; the highest process count any of its containers showed. */
async function probeWatched(script: string): Promise<{ outcome: PromiseSettledResult<unknown>; maxProcesses: number }> {
  const session = await EngineSession.open();
  const filters = JSON.stringify({ label: [`${PROBE_LABEL}=${session.runId}`] });
  let maxProcesses = 0;
  let done = false;
  const watcher = (async () => {
    while (!done) {
      for (const c of await docker.listContainers({ filters }).catch(() => [])) {
        const top = await docker.getContainer(c.Id).top().catch(() => undefined);
        if (top?.Processes) maxProcesses = Math.max(maxProcesses, top.Processes.length);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    const image = await buildFixture(session, "service-nothing");
    const [outcome] = await Promise.allSettled([
      probe(session, { image, workload: workload(script), timeoutMs: 20_000, privilegedPortsAllowed: false, concurrency: 3 }),
    ]);
    return { outcome: outcome!, maxProcesses };
  } finally {
    done = true;
    await watcher;
    await session.close();
    const left = await docker.listContainers({ all: true, filters });
    expect(left).toEqual([]);
  }
}

describeWithEngine("sandbox limits of every trial", reachable, () => {
  test("an image that forks 600 processes is stopped at the pids limit and told so", async () => {
    const r = await probeWatched("i=0; while [ $i -lt 600 ]; do sleep 600 & i=$((i+1)); done; wait");
    expect(r.maxProcesses).toBeLessThanOrEqual(512);
    expect(r.outcome.status).toBe("rejected");
    expect(String((r.outcome as PromiseRejectedResult).reason)).toMatch(/runs into the pids limit \(512 processes\) even with Docker's defaults/);
  }, 90_000);

  test("an image that allocates 700 MiB is stopped at the memory limit and told so", async () => {
    const r = await probeWatched("dd if=/dev/zero of=/dev/null bs=700M count=1; exec httpd -f -p 8080 -h /www");
    expect(r.outcome.status, JSON.stringify(r.outcome)).toBe("rejected");
    expect(String((r.outcome as PromiseRejectedResult).reason)).toMatch(/runs into the memory limit .* even with Docker's defaults/);
  }, 90_000);

  test("a job killed at the memory limit as its container's only process is told so (the engine's oom event, read after it exited)", async () => {
    const r = await probeWatched("exec dd if=/dev/zero of=/dev/null bs=700M count=1");
    expect(r.outcome.status, JSON.stringify(r.outcome)).toBe("rejected");
    expect(String((r.outcome as PromiseRejectedResult).reason)).toMatch(/runs into the memory limit .* even with Docker's defaults/);
  }, 90_000);
});
