import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { analyzers } from "../../src/analyze/registry.js";
import { main } from "../../src/cli/main.js";
import { isObj, type Obj } from "../../src/manifest/yaml-value.js";
import { resolveTarget } from "../../src/probe/build.js";
import { EngineSession } from "../../src/probe/engine.js";
import { runBaseline, runTrial, type TrialConfig, type WorkloadSpec } from "../../src/probe/trial.js";
import { readImageConfig } from "../../src/probe/inspect.js";
import { trialConfigOf, workloadInput } from "../../src/propose/probe-run.js";
import { scan } from "../../src/scan/pipeline.js";
import { describeWithEngine, engineReachable } from "../probe/engine-fixture.js";

/**
 * The payoff, end to end on the real engine: `propose --probe --write` on a copy of a repo
 * whose images need write paths and a capability; then the written settings run in the
 * engine and behave like the unhardened baseline, and `scan` finds nothing left to fix
 * that the images allow fixing.
 */
const REPO = path.resolve(import.meta.dirname, "../../fixtures/propose/engine/repo");
const reachable = await engineReachable();
const temps: string[] = [];
afterAll(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })));

function copyRepo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "shipshape-propose-e2e-"));
  temps.push(dir);
  cpSync(REPO, dir, { recursive: true });
  for (const ctx of ["web", "edge"]) cpSync("/bin/busybox", path.join(dir, ctx, "busybox"));
  return dir;
}

describeWithEngine("propose --probe --write on the real engine", reachable, () => {
  it("writes settings that still work, and leave only what the images need", { timeout: 180_000 }, async () => {
    const dir = copyRepo();
    const manifest = path.join(dir, "k8s/app.yaml");
    const original = readFileSync(manifest, "utf8");
    const stdout: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    // emit() waits for write's callback: call it
    process.stdout.write = ((chunk: string, ...rest: unknown[]) => {
      stdout.push(String(chunk));
      const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      cb?.();
      return true;
    }) as typeof process.stdout.write;
    let code: number;
    try {
      code = await main(["node", "shipshape", "propose", dir, "--probe", "--write", "--format", "json"]);
    } finally {
      process.stdout.write = write;
    }
    expect(code).toBe(0);
    const report = JSON.parse(stdout.join("")) as { proposals: Array<{ workload: { name: string }; verified: boolean; evidence: string[]; pss: { level: string; blockers: string[] } }> };
    const byName = new Map(report.proposals.map((p) => [p.workload.name, p]));
    expect(byName.get("web")!.verified, byName.get("web")!.evidence.join("\n")).toBe(true);
    expect(byName.get("edge")!.verified, byName.get("edge")!.evidence.join("\n")).toBe(true);

    const written = readFileSync(manifest, "utf8");
    expect(written).not.toBe(original);
    // every line of the original is still there, in order (comments, flow maps, quotes)
    let at = 0;
    for (const line of original.split("\n")) {
      const i = written.indexOf(line, at);
      expect(i, `lost: ${line}`).toBeGreaterThanOrEqual(0);
      at = i + line.length;
    }

    // scan the written manifests: no capability, user or filesystem finding where the image allows it
    const result = await scan({ paths: [dir], analyzers });
    const relevant = result.findings.filter((f) => /^(capabilities|user|filesystem)\//.test(f.ruleId) && f.workload !== null);
    const web = relevant.filter((f) => f.workload?.name === "web");
    expect(web.map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
    const edge = relevant.filter((f) => f.workload?.name === "edge");
    // the edge image binds port 80 as root: only "runs as root" remains, and propose said why
    expect(edge.filter((f) => !f.ruleId.startsWith("user/")).map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
    const levels = new Map(result.workloads.map((w) => [w.workload.name, w.pss]));
    expect(levels.get("web")!.level).toBe("restricted");
    expect(levels.get("edge")!.level).toBe("baseline");
    expect(levels.get("edge")!.violations.map((v) => v.check)).toEqual(["runAsNonRoot"]);
    expect(byName.get("edge")!.pss.blockers.join("\n")).toMatch(/runAsNonRoot: 'edge' needs root/);

    // the written container settings, run in the engine, behave like the unhardened baseline
    const session = await EngineSession.open();
    try {
      for (const { workload } of result.workloads) {
        const container = workload.containers[0]!;
        const image = await resolveTarget(session, path.join(dir, workload.name, "Dockerfile"), {});
        const config = await readImageConfig(session, image.imageId);
        const input = workloadInput(workload, container);
        const spec: WorkloadSpec = {
          imageId: image.imageId,
          env: input.env,
          declaredPorts: input.ports,
          execProbes: [],
          imageVolumes: config.volumes,
          imageFiles: Promise.resolve(new Map()),
          timeoutMs: 30_000,
          privilegedPortsAllowed: false,
        };
        const base: TrialConfig = { name: "e2e-baseline", user: "", capabilities: { kind: "docker-default" }, readOnlyRootfs: false, scratchMounts: [], noNewPrivileges: false };
        const podSpec = workload.podSpec as Obj;
        const hardened = trialConfigOf(podSpec, container.spec);
        expect(hardened.readOnlyRootfs).toBe(true);
        expect(hardened.noNewPrivileges).toBe(true);
        expect(hardened.capabilities).toEqual({ kind: "only", add: workload.name === "edge" ? ["NET_BIND_SERVICE"] : [] });
        const baseline = await runBaseline(session, spec, base);
        const trial = await runTrial(session, spec, hardened, baseline.fingerprint);
        expect(trial.outcome.matchesBaseline, `${workload.name}: ${trial.outcome.reason}`).toBe(true);
        // and the proof is not vacuous: without its emptyDirs the hardened run fails
        const noMounts = await runTrial(session, spec, { ...hardened, name: "e2e-no-mounts", scratchMounts: [] }, baseline.fingerprint);
        expect(noMounts.outcome.matchesBaseline).toBe(false);
        expect(isObj(podSpec.securityContext)).toBe(true);
      }
    } finally {
      await session.close();
    }
  });

  it("--probe text: says what the trial found, never 'static evidence', and writes what it verified", { timeout: 180_000 }, async () => {
    const dir = copyRepo();
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string, ...rest: unknown[]) => {
      out.push(String(chunk));
      (rest.find((r) => typeof r === "function") as (() => void) | undefined)?.();
      return true;
    }) as typeof process.stdout.write;
    let code: number;
    try {
      code = await main(["node", "shipshape", "propose", dir, "--probe"]);
    } finally {
      process.stdout.write = write;
    }
    const text = out.join("");
    expect(code).toBe(0);
    expect(text.match(/verified by a probe trial/g)?.length).toBe(2);
    expect(text).not.toMatch(/static evidence|--probe runs it|shipshape propose --probe verifies/);
    // nothing held back: what the trial verified is what --write writes
    expect(text).not.toMatch(/held back/);
    expect(text).toMatch(/--write sets:/);
  });
});
