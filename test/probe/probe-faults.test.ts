import { randomBytes } from "node:crypto";
import { appendFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, describe, expect, test } from "vitest";
import { PROBE_LABEL, shortMessage } from "../../src/probe/engine.js";
import { Contexts, type Run, shipshape } from "./cli-fixture.js";
import { describeWithEngine, engineReachable } from "./engine-fixture.js";

// Issue 16, item 5 and "should be clearer": the probe on bad targets, bad engines and
// signals — one plain line and the right exit code, never a stack, never a leftover.
const reachable = await engineReachable();
const contexts = new Contexts();
afterAll(() => contexts.removeAll());

/** Marks a test's own image, to say whether its build had finished when a wait ran out. */
const TOKEN_LABEL = "dev.shipshape.test-token";
/** How long a signal test waits for its probe's first trial: the build before it can be slow under shared load. */
const SIGNAL_WAIT_MS = 240_000;

/** A Node stack frame or an 'error' event nobody handled: what a user must never see. */
const CRASH = /^\s+at .+\(.+:\d+:\d+\)$|Unhandled 'error' event|node:internal/m;

describe("targets and engines the probe cannot use", () => {
  // The engine address is a socket that does not exist: a probe that asks the engine
  // anything (or looks a name up) says "cannot reach", not what it should say.
  const noEngine = { DOCKER_HOST: "unix:///nonexistent/docker.sock" };

  test.each(["./missing/", "missing/", "./images/web", "/nonexistent/dir/Dockerfile", "deploy/Dockerfile.prod", "..\\web"])(
    "a path-like target that does not exist (%s) is one line, exit 2, before any engine call",
    async (target) => {
      const r = await shipshape(["probe", target], noEngine);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).not.toMatch(CRASH);
      expect(r.stderr.trim().split("\n")).toEqual([`shipshape: no such file or directory: ${target}`]);
    },
  );

  test("a target that is neither a file nor an image reference is one line, exit 2", async () => {
    const r = await shipshape(["probe", "Web Server:latest"], noEngine);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/'Web Server:latest' is neither a file nor an image reference/);
  });

  test.each(["garbage://x", "docker.example:2375", "tcp//localhost:2375"])("DOCKER_HOST=%s is rejected, not tried as some default address", async (host) => {
    const r = await shipshape(["probe", "busybox:latest"], { DOCKER_HOST: host });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`DOCKER_HOST=${host.replace(/[.]/g, "\\.")}: (unsupported scheme|not a URL)`));
    expect(r.stderr).not.toMatch(/ENOTFOUND|getaddrinfo|127\.0\.0\.1:80/);
  });

  test("an engine address that accepts but never answers: a reason after the timeout, not an empty one", async () => {
    // a loopback listener that takes the connection and says nothing
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = await shipshape(["probe", "busybox:latest"], { DOCKER_HOST: `tcp://127.0.0.1:${port}` });
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(`shipshape: cannot reach the Docker engine at tcp://127.0.0.1:${port}: no answer within 10s`);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  }, 30_000);

  test("a failed connection to a name with several addresses has a reason (Node's AggregateError has none of its own)", async () => {
    // Node tries each address of the name (happy eyeballs) and reports them together
    const err = await new Promise<unknown>((resolve) => {
      const socket = net.connect({
        host: "engine.test",
        port: 9, // discard: nothing listens there
        autoSelectFamily: true,
        lookup: (_host, _opts, cb) => (cb as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: "127.0.0.1", family: 4 }, { address: "127.0.0.2", family: 4 }]),
      });
      socket.on("error", resolve);
    });
    expect((err as Error).message).toBe(""); // what made the reason empty
    expect(shortMessage(err)).toMatch(/ECONNREFUSED 127\.0\.0\.1:9.*ECONNREFUSED 127\.0\.0\.2:9/);
  });
});

describeWithEngine("the probe under faults, on the real engine", reachable, () => {
  const docker = new Docker();
  const leftoversOf = async (runId: string) => {
    const filters = JSON.stringify({ label: [`${PROBE_LABEL}=${runId}`] });
    const [containers, images, volumes] = await Promise.all([
      docker.listContainers({ all: true, filters }),
      docker.listImages({ filters }),
      docker.listVolumes({ filters }).then((v) => v.Volumes ?? []),
    ]);
    return { containers: containers.length, images: images.length, volumes: volumes.length };
  };
  const none = { containers: 0, images: 0, volumes: 0 };

  test("an image that cannot start says so in one plain line, exit 2, and leaves nothing", async () => {
    const r = await shipshape(["probe", contexts.make("missing-command"), "--format", "json"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).not.toMatch(CRASH);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot start: its command \/app\/run-server does not exist in the image$/m);
    expect(r.stderr).not.toMatch(/internal error|OCI runtime|runc/);
  });

  /**
   * The run id of a probe's first trial container, told from other probes' on the engine by
   * the `token` in its command (`running`: only a container still running counts). The
   * build comes first: with other suites importing 130 MB Debian images into the same engine
   * it once took longer than 90 s, so the wait is bounded by `waitMs` (most of the test's
   * time), not by what a quiet machine needs. A probe that ends first fails the test with
   * how it ended; one that never gets there says whether its build had finished.
   */
  async function firstTrialOf(token: string, finished: Promise<Run>, { running, waitMs }: { running: boolean; waitMs: number }): Promise<string> {
    const started = Date.now();
    let ended: Run | undefined;
    void finished.then((r) => (ended = r));
    while (!ended && Date.now() - started < waitMs) {
      const found = await docker.listContainers({ all: !running, filters: JSON.stringify({ label: [PROBE_LABEL] }) });
      const runId = found.find((c) => c.Command.includes(token))?.Labels[PROBE_LABEL];
      if (runId) return runId;
      await new Promise((r) => setTimeout(r, 20));
    }
    if (ended) throw new Error(`the probe ended (exit ${ended.code}) before its trial ran: ${ended.stderr}`);
    const built = await docker.listImages({ filters: JSON.stringify({ label: [`${TOKEN_LABEL}=${token}`] }) });
    throw new Error(`no trial container of the probe ran within ${waitMs / 1000}s; its image was ${built.length ? "built" : "not built yet"}`);
  }

  /**
   * Start a probe of a service that would run for a minute (an image VOLUME, so there are
   * anonymous volumes to remove too), wait until a trial container runs, then send `signal`.
   */
  async function interrupt(signal: NodeJS.Signals, delayMs: number): Promise<{ run: Run; runId: string }> {
    const dir = contexts.make("volume-data");
    const token = randomBytes(6).toString("hex");
    // tells this probe's image from others' if the wait for its trial runs out
    appendFileSync(path.join(dir, "Dockerfile"), `\nLABEL ${TOKEN_LABEL}=${token}\n`);
    writeFileSync(
      path.join(dir, "pod.yaml"),
      `apiVersion: v1\nkind: Pod\nmetadata: { name: slow }\nspec:\n  containers:\n    - name: slow\n      image: x\n      command: ["sh", "-c", "echo up > /data/state; sleep 60 # ${token}"]\n`,
    );
    let pid = 0;
    const finished = shipshape(["probe", dir, "--manifest", path.join(dir, "pod.yaml")], {}, (p) => (pid = p));
    const runId = await firstTrialOf(token, finished, { running: true, waitMs: SIGNAL_WAIT_MS });
    await new Promise((r) => setTimeout(r, delayMs));
    process.kill(pid, signal);
    return { run: await finished, runId };
  }

  test.each([
    ["SIGHUP", 129],
    ["SIGINT", 130],
    ["SIGQUIT", 131],
    ["SIGTERM", 143],
  ] as const)("%s (a closed terminal, Ctrl-C, Ctrl-\\, kill) removes every container and volume, exit %i", async (signal, code) => {
    const { run, runId } = await interrupt(signal, 0);
    expect(run.code, run.stderr).toBe(code);
    expect(run.stdout).toBe("");
    expect(run.stderr).not.toMatch(CRASH);
    expect(await leftoversOf(runId)).toEqual(none);
  }, SIGNAL_WAIT_MS + 60_000); // the wait, then the probe's cleanup (bounded at 20 s) and the checks

  test("Ctrl-C at any moment of a short run: exit 130 (or the report), never a 'no such container' stack", async () => {
    // a short job: the interrupt lands in the middle, near the end, and during cleanup
    for (const delayMs of [0, 100, 250, 400, 600, 900]) {
      const dir = contexts.make("job-nothing");
      // a token in the command tells this run's containers from other probes' on the engine
      // (other test files, other people): signalling on someone else's baseline killed the
      // CLI before it had even set its handlers
      const token = randomBytes(6).toString("hex");
      writeFileSync(
        path.join(dir, "pod.yaml"),
        `apiVersion: v1\nkind: Pod\nmetadata: { name: short }\nspec:\n  containers:\n    - name: short\n      image: x\n      command: ["sh", "-c", "echo computing; echo done # ${token}"]\n`,
      );
      let pid = 0;
      const finished = shipshape(["probe", dir, "--manifest", path.join(dir, "pod.yaml"), "--format", "json"], {}, (p) => (pid = p));
      const runId = await firstTrialOf(token, finished, { running: false, waitMs: 90_000 });
      await new Promise((r) => setTimeout(r, delayMs));
      try {
        process.kill(pid, "SIGINT");
      } catch (err) {
        // the run was over before the interrupt: its report is the outcome asserted below
        if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
      }
      const run = await finished;
      expect(run.stderr, `SIGINT after ${delayMs}ms`).not.toMatch(CRASH);
      expect(run.stderr).not.toMatch(/no such container|internal error/i);
      if (run.code === 0) expect(JSON.parse(run.stdout).verified).toBe(true);
      else expect(run.code, run.stderr).toBe(130);
      expect(await leftoversOf(runId)).toEqual(none);
    }
  }, 400_000);
});
