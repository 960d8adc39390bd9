import Docker from "dockerode";
import { afterAll, beforeAll, expect, test } from "vitest";
import { EngineSession, PROBE_LABEL } from "../../src/probe/engine.js";
import type { ProbeReport } from "../../src/probe/report.js";
import { probe, type WorkloadInput } from "../../src/probe/search.js";
import { buildFixture, describeWithEngine, engineReachable } from "./engine-fixture.js";

const reachable = await engineReachable();

const bare: WorkloadInput = {
  containerName: "main",
  workload: null,
  env: [],
  ports: [],
  execProbes: [],
  capabilitiesAdd: [],
  notes: [],
};

/** Probe each fixture once, three images at a time (each runs up to three trials at once). */
const runIds: string[] = [];
const reports = new Map<string, Promise<ProbeReport>>();
let slots = 3;
const waiting: Array<() => void> = [];
async function probeFixture(name: string): Promise<ProbeReport> {
  if (slots === 0) await new Promise<void>((r) => waiting.push(r));
  slots--;
  const session = await EngineSession.open();
  runIds.push(session.runId);
  try {
    const image = await buildFixture(session, name);
    return await probe(session, { image, workload: bare, timeoutMs: 20_000, privilegedPortsAllowed: false, concurrency: 3 });
  } finally {
    await session.close();
    slots++;
    waiting.shift()?.();
  }
}
function report(name: string): Promise<ProbeReport> {
  if (!reports.has(name)) reports.set(name, probeFixture(name));
  return reports.get(name)!;
}

const FIXTURES = [
  "job-nothing", "service-nothing", "writes-tmp-cache", "bind-80", "chown-file",
  "su-switch", "dac-read", "combo-three", "root-only", "volume-data",
]; // prettier-ignore

describeWithEngine("probe finds what each fixture image needs", reachable, () => {
  beforeAll(() => {
    // Start them all now; each test awaits its own.
    for (const f of FIXTURES) report(f).catch(() => undefined);
  });

  afterAll(async () => {
    await Promise.allSettled(reports.values());
    const docker = new Docker();
    for (const id of runIds) {
      const filters = JSON.stringify({ label: [`${PROBE_LABEL}=${id}`] });
      expect(await docker.listContainers({ all: true, filters })).toEqual([]);
      expect(await docker.listImages({ filters })).toEqual([]);
      expect((await docker.listVolumes({ filters })).Volumes ?? []).toEqual([]);
    }
  });

  /** Trials that ran to a verdict plus speculative ones killed early: both count. */
  const trialCount = (r: ProbeReport) => r.trials.length;

  test("a job that needs nothing: drop ALL, read-only, non-root, verified", async () => {
    const r = await report("job-nothing");
    expect(r.workloadKind).toBe("job");
    expect(r.capabilities.needed).toEqual([]);
    expect(r.writes).toEqual([]);
    expect(r.runsAsNonRoot).toBe(true);
    expect(r.verified).toBe(true);
    expect(r.proposal.podSecurityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    expect(r.proposal.containers[0]!.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(trialCount(r)).toBeLessThanOrEqual(3);
  });

  test("a service on 8080 that needs nothing: same ports, two trials", async () => {
    const r = await report("service-nothing");
    expect(r.workloadKind).toBe("service");
    expect(r.trials[0]!.outcome.listening).toEqual([8080]);
    expect(r.capabilities.needed).toEqual([]);
    expect(r.writes).toEqual([]);
    expect(r.user.uid).toBe(65532);
    expect(r.runsAsNonRoot).toBe(true);
    expect(r.verified).toBe(true);
    expect(trialCount(r)).toBe(2);
  });

  test("writes to /tmp and a cache dir become exactly two emptyDirs", async () => {
    const r = await report("writes-tmp-cache");
    expect(r.writes).toEqual(["/tmp", "/var/cache/app"]);
    expect(r.proposal.volumes.map((v) => v.name).sort()).toEqual(["tmp", "var-cache-app"]);
    expect(r.proposal.containers[0]!.volumeMounts.map((m) => m.mountPath).sort()).toEqual(["/tmp", "/var/cache/app"]);
    expect(r.proposal.podSecurityContext.fsGroup).toBe(10001);
    expect(r.capabilities.needed).toEqual([]);
    expect(r.verified).toBe(true);
  });

  test("root server on port 80 needs NET_BIND_SERVICE (sysctl kept at 1024)", async () => {
    const r = await report("bind-80");
    expect(r.capabilities.needed).toEqual(["NET_BIND_SERVICE"]);
    expect(r.capabilities.evidence.NET_BIND_SERVICE).toMatch(/bind: Permission denied/);
    expect(r.capabilities.pss).toBe("restricted");
    expect(r.runsAsNonRoot).toBe(false);
    expect(r.verified).toBe(true);
    expect(r.proposal.containers[0]!.securityContext.capabilities).toEqual({ drop: ["ALL"], add: ["NET_BIND_SERVICE"] });
    expect(trialCount(r)).toBeLessThanOrEqual(2 + 4 * 1);
  });

  test("chowning a file needs CHOWN, and /tmp", async () => {
    const r = await report("chown-file");
    expect(r.capabilities.needed).toEqual(["CHOWN"]);
    expect(r.capabilities.evidence.CHOWN).toMatch(/Operation not permitted/);
    expect(r.writes).toEqual(["/tmp"]);
    expect(r.capabilities.pss).toBe("baseline");
    expect(r.verified).toBe(true);
    expect(trialCount(r)).toBeLessThanOrEqual(2 + 4 * 1);
  });

  test("su to another user needs SETUID and SETGID, each with its evidence", async () => {
    const r = await report("su-switch");
    expect([...r.capabilities.needed].sort()).toEqual(["SETGID", "SETUID"]);
    expect(r.capabilities.evidence.SETGID).toMatch(/groups|gid/i);
    expect(r.capabilities.evidence.SETUID).toMatch(/uid/i);
    expect(r.nonRoot).toMatchObject({ uid: 10001, name: "app" }); // the user su switches to
    expect(r.runsAsNonRoot).toBe(false);
    expect(r.verified).toBe(true);
    expect(trialCount(r)).toBeLessThanOrEqual(2 + 4 * 2);
  });

  test("root reading a file it does not own needs DAC_OVERRIDE or DAC_READ_SEARCH", async () => {
    const r = await report("dac-read");
    expect(r.capabilities.needed).toHaveLength(1);
    expect(["DAC_OVERRIDE", "DAC_READ_SEARCH"]).toContain(r.capabilities.needed[0]);
    expect(r.verified).toBe(true);
    expect(trialCount(r)).toBeLessThanOrEqual(2 + 4 * 1);
  });

  test("a combination of three capabilities, found in few trials", async () => {
    const r = await report("combo-three");
    const needed = [...r.capabilities.needed].sort();
    expect(needed).toHaveLength(3);
    expect(needed).toContain("CHOWN");
    expect(needed).toContain("NET_BIND_SERVICE");
    expect(needed.some((c) => c === "DAC_OVERRIDE" || c === "DAC_READ_SEARCH")).toBe(true);
    for (const c of needed) expect(r.capabilities.evidence[c]).toBeTruthy();
    expect(r.writes).toEqual(["/tmp"]);
    expect(r.trials[0]!.outcome.listening).toEqual([80]);
    expect(r.verified).toBe(true);
    expect(trialCount(r)).toBeLessThanOrEqual(2 + 4 * 3);
  });

  test("an image that cannot run as non-root says so, and still gets a verified root proposal", async () => {
    const r = await report("root-only");
    expect(r.runsAsNonRoot).toBe(false);
    expect(r.nonRoot?.evidence).toMatch(/Permission denied/);
    expect(r.capabilities.needed).toEqual([]);
    expect(r.proposal.podSecurityContext.runAsNonRoot).toBeUndefined();
    expect(r.verified).toBe(true);
  });

  test("a workload that writes its VOLUME gets an emptyDir there", async () => {
    const r = await report("volume-data");
    expect(r.writes).toEqual(["/data"]);
    expect(r.mounts).toEqual([expect.objectContaining({ path: "/data", reason: "image-volume" })]);
    expect(r.proposal.containers[0]!.volumeMounts).toEqual([{ name: "data", mountPath: "/data" }]);
    expect(r.verified).toBe(true);
  });
});
