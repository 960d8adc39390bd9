import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, expect, test } from "vitest";
import { PROBE_LABEL } from "../../src/probe/engine.js";
import { Contexts, shipshape } from "./cli-fixture.js";
import { describeWithEngine, engineReachable } from "./engine-fixture.js";

const reachable = await engineReachable();
const contexts = new Contexts();
const context = (name: string) => contexts.make(name);
afterAll(() => contexts.removeAll());

test("an unreachable engine is one clear line and exit 2", async () => {
  const r = await shipshape(["probe", "busybox:latest"], { DOCKER_HOST: "unix:///nonexistent/docker.sock" });
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(/cannot reach the Docker engine at unix:\/\/\/nonexistent\/docker.sock/);
});

describeWithEngine("shipshape probe on the command line", reachable, () => {
  const runIds: string[] = [];
  afterAll(async () => {
    const docker = new Docker();
    // The CLI removed what it made before it exited.
    for (const id of runIds) {
      const filters = JSON.stringify({ label: [`${PROBE_LABEL}=${id}`] });
      expect(await docker.listContainers({ all: true, filters })).toEqual([]);
      expect(await docker.listImages({ filters })).toEqual([]);
      expect((await docker.listVolumes({ filters })).Volumes ?? []).toEqual([]);
    }
  });

  test("--manifest supplies command, args, env, user and exec probe; JSON alone on stdout", async () => {
    const dir = context("manifest-web");
    const r = await shipshape(["probe", dir, "--manifest", path.join(dir, "deployment.yaml"), "--container", "web", "--format", "json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    runIds.push(report.runId);
    expect(report.user).toMatchObject({ uid: 10001, name: "app" });
    expect(report.trials[0].outcome.listening).toEqual([8080]);
    expect(report.writes).toEqual(["/var/cache/web"]);
    expect(report.capabilities.needed).toEqual([]);
    expect(report.verified).toBe(true);
    expect(report.proposal.workload).toEqual({ file: path.join(dir, "deployment.yaml"), kind: "Deployment", name: "web", namespace: "shop" });
    expect(report.proposal.containers[0].name).toBe("web");
    expect(report.notes.join("\n")).toMatch(/API_TOKEN/);
  });

  test("a manifest with several containers needs --container", async () => {
    const dir = context("manifest-web");
    const r = await shipshape(["probe", dir, "--manifest", path.join(dir, "deployment.yaml")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/several containers \(sidecar, web\); choose one with --container/);
  });

  test("the build context honours .dockerignore", async () => {
    const r = await shipshape(["probe", context("dockerignore"), "--format", "json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    runIds.push(report.runId);
    expect(report.trials[0].outcome.exitCode).toBe(0);
  });

  test("a failing build and a missing image are exit 2 with one line", async () => {
    const dir = context("job-nothing");
    rmSync(path.join(dir, "busybox"));
    const build = await shipshape(["probe", dir]);
    expect(build.code).toBe(2);
    expect(build.stderr).toMatch(/^shipshape: build of .*Dockerfile failed: .*busybox/);
    const missing = await shipshape(["probe", "shipshape-probe/does-not-exist:1"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such image: shipshape-probe\/does-not-exist:1/);
  });

  test("Ctrl-C in the middle of a trial removes every container, volume and image it made", async () => {
    const dir = context("job-nothing");
    const token = randomBytes(6).toString("hex");
    writeFileSync(
      path.join(dir, "pod.yaml"),
      `apiVersion: v1\nkind: Pod\nmetadata: { name: slow }\nspec:\n  containers:\n    - name: slow\n      image: x\n      command: ["sh", "-c", "echo up; sleep 60 # ${token}"]\n`,
    );
    const docker = new Docker();
    let pid = 0;
    const finished = shipshape(["probe", dir, "--manifest", path.join(dir, "pod.yaml")], {}, (p) => (pid = p));
    // Wait for one of its trial containers to run, note its run id, then interrupt.
    let runId: string | undefined;
    for (let i = 0; i < 200 && !runId; i++) {
      const running = await docker.listContainers({ filters: JSON.stringify({ label: [PROBE_LABEL] }) });
      runId = running.find((c) => c.Command.includes(token))?.Labels[PROBE_LABEL];
      if (!runId) await new Promise((r) => setTimeout(r, 50));
    }
    expect(runId).toBeDefined();
    process.kill(pid, "SIGINT");
    const r = await finished;
    expect(r.code).toBe(130);
    const filters = JSON.stringify({ label: [`${PROBE_LABEL}=${runId}`] });
    expect(await docker.listContainers({ all: true, filters })).toEqual([]);
    expect(await docker.listImages({ filters })).toEqual([]);
    expect((await docker.listVolumes({ filters })).Volumes ?? []).toEqual([]);
  });
});
