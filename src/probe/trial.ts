import type Docker from "dockerode";
import type { Capability } from "./capabilities.js";
import type { EngineSession } from "./engine.js";
import { describeAnswer, type HttpAnswer, type HttpChecker, type HttpTarget, statusClass } from "./http-check.js";
import type { ImageFile } from "./inspect.js";
import { collectDemuxed, demux, ListeningReader } from "./listening.js";
import { isLogPath, type LogFile, type ReadFolder, readFolders, readLogFiles } from "./log-files.js";
import { describeProcesses, type ProcessInfo, processDifference, readProcesses } from "./processes.js";
import { describeLimit, type LimitHit, ResourceReader } from "./resources.js";
import { type ErrorLine, limitOfErrors, newErrorLines } from "./signatures.js";
import { startFailureReason } from "./start-failure.js";
import { type ServiceWait, serviceWaitStep } from "./service-wait.js";
import { type OverlayLayers, overlayLayersOf } from "./overlay.js";
import { upperDirChanges, upperDirPaths } from "./upper-dir.js";
import type { ChangedPath } from "./writes.js";

/** What the container runs, with manifest overrides already applied. */
export interface WorkloadSpec {
  imageId: string;
  /** Replaces the image ENTRYPOINT (Kubernetes `command`). */
  entrypoint?: string[];
  /** Replaces the image CMD (Kubernetes `args`). */
  cmd?: string[];
  env: string[];
  workingDir?: string;
  /** Ports the manifest declares: when all listen, the baseline is ready without waiting to settle. */
  declaredPorts: number[];
  execProbes: ExecProbe[];
  /** Image `VOLUME` paths; the baseline gets Docker-style volumes there, hardened trials emptyDirs. */
  imageVolumes: string[];
  /** The image's files, to tell what the workload wrote inside VOLUME paths. */
  imageFiles: Promise<Map<string, ImageFile>>;
  timeoutMs: number;
  /** Emulate a cluster that sets net.ipv4.ip_unprivileged_port_start=0 (containerd 2.x). */
  privilegedPortsAllowed: boolean;
  /** Ports known to speak HTTP: one GET each, from a helper in the container's network namespace. */
  httpTargets?: HttpTarget[];
  http?: HttpChecker;
}

export interface ExecProbe {
  kind: "readiness" | "liveness" | "startup";
  command: string[];
}

export type CapabilitySetting = { kind: "docker-default" } | { kind: "only"; add: Capability[] };

export interface TrialConfig {
  name: string;
  /** `uid:gid`, or "" for the image's USER. */
  user: string;
  capabilities: CapabilitySetting;
  readOnlyRootfs: boolean;
  /** emptyDir emulation: writable (0777), executable, empty, hides image content. */
  scratchMounts: string[];
  noNewPrivileges: boolean;
}

/** How the baseline behaved: what every other trial must reproduce. */
export type Fingerprint =
  | { kind: "job"; exitCode: number; durationMs: number; log: string; user: string; logRoots: string[] }
  | {
      kind: "service";
      listening: number[] | undefined;
      readyMs: number;
      /** When its files, processes and ports stopped changing after it was ready. */
      settledMs: number;
      execProbes: boolean[];
      log: string;
      user: string;
      /** Undefined when they could not be read. */
      processes: ProcessInfo[] | undefined;
      /** The answers its HTTP ports gave (those that answered at all are checked in every trial). */
      http: Array<{ target: HttpTarget; answer: HttpAnswer }>;
      /** Log files it wrote on its writable root (read again in trials whose root stays writable). */
      logRoots: string[];
    };

export interface TrialOutcome {
  exitCode: number | null;
  running: boolean;
  listening: number[];
  durationMs: number;
  matchesBaseline: boolean;
  /** One line on why it does not match (empty when it does). */
  reason: string;
  oomKilled: boolean;
  newErrors: ErrorLine[];
  /** Last lines of output, for evidence. */
  logTail: string[];
  /** Set when ports could not be read (remote engine, no `cat` in the image). */
  listeningUnknown?: boolean;
  /** A speculative trial whose configuration the baseline proved wrong: killed, not judged. */
  discarded?: boolean;
  /** The sandbox limit it ran into (a fork bomb, a memory filler). */
  limit?: LimitHit;
  /** Its processes when it was judged ("3 processes (uid 0 ×1, uid 33 ×2)"). */
  processes?: string;
  /** What its HTTP ports answered ("HTTP 200"). */
  http?: string[];
}

export interface Trial {
  config: TrialConfig;
  outcome: TrialOutcome;
  /** Files it wrote, when its root filesystem was writable (`GET /containers/{id}/changes`). */
  changes?: ChangedPath[];
}

export type { ChangedPath };

export interface BaselineTrial extends Trial {
  fingerprint: Fingerprint;
  /** `GET /containers/{id}/changes` once they settled: paths added (A) or changed (C). */
  changes: ChangedPath[];
  /** Image VOLUME paths that hold new or changed files after the run. */
  volumeWrites: string[];
}

/** The container could not be started at all (a missing entrypoint, an unknown user …). */
export class StartFailure extends Error {
  override name = "StartFailure";
}

const POLL_MS = 40;
/** Ports of a speculative trial are noted this often until the baseline's fingerprint arrives (when they opened decides its hold). */
const OBSERVE_MS = POLL_MS;
/** Ports unchanged this long = the baseline is ready (when the manifest does not name them). */
const SETTLE_MS = 300;
/** A running container without ports is judged after this long — once it is also idle. */
const NO_PORT_READY_MS = 2000;
/** Less CPU than this share of one core over a window = idle: waiting for work, not doing a job. */
const IDLE_CPU_SHARE = 0.05;
const IDLE_WINDOW_MS = 400;
/**
 * After reaching the baseline's ready state, a trial is held as long as the baseline was
 * watched after it (its settling), and at least this long, to catch a crash right after …
 */
const MIN_HOLD_MS = 100;
/** … and at most this long (a baseline without declared ports is watched 300 ms more before it counts as ready). */
const MAX_HOLD_MS = 250;
/**
 * Files, processes and ports are polled after readiness until two polls agree, this far apart:
 * a service that took long to get ready is given longer to settle …
 */
const SETTLE_POLL_MIN_MS = 100;
const SETTLE_POLL_MAX_MS = 200;
/** … or this long has passed. */
const SETTLE_MAX_MS = 5000;
export const MEMORY_BYTES = 512 * 1024 * 1024;
export const PIDS_LIMIT = 512;

/**
 * The permissive reference run: Docker's default capabilities, writable root, the workload's own
 * user. `onFingerprint` hears the fingerprint as soon as it is known: what the baseline wrote
 * into its VOLUMEs (compared with the image's files, which may still be being read) is for
 * the write plan only, and trials need not wait for it.
 */
export async function runBaseline(
  session: EngineSession,
  spec: WorkloadSpec,
  config: TrialConfig,
  onFingerprint?: (fingerprint: Fingerprint, limit: LimitHit | undefined) => void,
): Promise<BaselineTrial> {
  let run: Started;
  try {
    run = await startContainer(session, spec, config, "baseline");
  } catch (err) {
    throw new StartFailure(startFailureReason(err));
  }
  try {
    const seen = await watch(run, spec, undefined);
    const settled: Settled = seen.running
      ? await settle(run, spec, seen)
      : { changes: readChangesOf(run), processes: undefined, listening: seen.listening, atMs: seen.elapsedMs };
    const [changes, log] = await Promise.all([settled.changes, readLog(run.container)]);
    const logRoots = changes.filter((c) => c.kind !== "deleted" && isLogPath(c.path)).map((c) => c.path);
    const running = seen.running && (await run.container.inspect()).State.Running;
    const probes = running ? await runExecProbes(run.container, spec.execProbes) : [];
    const http = running ? await askHttp(run, spec, settled.listening) : [];
    // Log files, and what the VOLUMEs hold, in one read after the exec probes and the HTTP
    // check: what a request writes (nginx's access.log in a VOLUME) is a write the workload
    // needs, and read concurrently it was missed now and then (a server logs a request after
    // answering it: a volume that looks untouched is read once more).
    const folders = await readFolders(run.container, [...logRoots, ...spec.imageVolumes]);
    const fullLog = [log, ...folders.flatMap((f) => f.logs).map((f) => f.text)].join("\n");
    const limit = seen.limit ?? (await run.resources.limitHit(seen.pid)) ?? limitOfErrors(newErrorLines("", fullLog));
    const volumeWritesRead = spec.imageVolumes.length
      ? spec.imageFiles.then(async (image) => {
          const first = writtenVolumes(folders, spec.imageVolumes, image);
          if (http.length === 0 || first.length === spec.imageVolumes.length) return first;
          await new Promise((r) => setTimeout(r, 250));
          return [...new Set([...first, ...writtenVolumes(await readFolders(run.container, spec.imageVolumes), spec.imageVolumes, image)])];
        })
      : Promise.resolve([]);
    volumeWritesRead.catch(() => undefined); // awaited below
    const fingerprint: Fingerprint =
      seen.running || seen.exitCode === null
        ? {
            kind: "service",
            listening: settled.listening,
            readyMs: seen.elapsedMs,
            settledMs: settled.atMs,
            execProbes: probes,
            log: fullLog,
            user: config.user,
            processes: settled.processes,
            http,
            logRoots,
          }
        : { kind: "job", exitCode: seen.exitCode, durationMs: seen.elapsedMs, log: fullLog, user: config.user, logRoots };
    onFingerprint?.(fingerprint, limit);
    const volumeWrites = await volumeWritesRead;
    return {
      config,
      fingerprint,
      changes,
      volumeWrites,
      outcome: {
        exitCode: seen.exitCode,
        running: seen.running,
        listening: settled.listening ?? [],
        durationMs: seen.elapsedMs,
        matchesBaseline: true,
        reason: "",
        oomKilled: seen.oomKilled,
        newErrors: [],
        logTail: tail(log),
        listeningUnknown: settled.listening === undefined || undefined,
        ...(limit ? { limit } : {}),
        ...(settled.processes ? { processes: describeProcesses(settled.processes) } : {}),
        ...(http.length ? { http: http.map((h) => `${h.target.port}${h.target.path}: ${describeAnswer(h.answer)}`) } : {}),
      },
    };
  } finally {
    void session.removeContainer(run.container.id);
  }
}

/**
 * One hardened candidate, judged against the baseline as soon as it reaches (or misses) the
 * baseline's state. The baseline may still be running: a speculative trial starts at once
 * and is judged when the fingerprint arrives — or killed and marked discarded when the
 * baseline shows its configuration was the wrong guess (`undefined`, or `abandon` aborted).
 */
export async function runTrial(
  session: EngineSession,
  spec: WorkloadSpec,
  config: TrialConfig,
  baseline: Fingerprint | Promise<Fingerprint | undefined>,
  abandon?: AbortSignal,
): Promise<Trial> {
  let run: Started;
  try {
    run = await startContainer(session, spec, config, config.name);
  } catch (err) {
    // The runtime refused the configuration itself (e.g. a user it cannot set up).
    return { config, outcome: failedToStart(`did not start: ${startFailureReason(err)}`) };
  }
  try {
    const early = baseline instanceof Promise ? observe(run, baseline) : Promise.resolve([]);
    const fp = await baseline;
    const history = await early;
    if (!fp || abandon?.aborted) return discardedTrial(config);
    const seen = await watch(run, spec, fp, history, abandon);
    if (abandon?.aborted) return discardedTrial(config);
    let reason = seen.reason;
    let processes: ProcessInfo[] | undefined;
    if (!reason && fp.kind === "service" && seen.running && fp.processes) {
      const same = await sameProcesses(run, fp, config.user !== fp.user);
      processes = same.processes;
      reason = same.reason;
    }
    const roots = [...config.scratchMounts, ...(config.readOnlyRootfs ? [] : fp.logRoots)];
    const [log, files, changes] = await Promise.all([
      readLog(run.container),
      readLogFiles(run.container, roots),
      config.readOnlyRootfs ? Promise.resolve(undefined) : readChangesOf(run),
    ]);
    const newErrors = [...newErrorLines(fp.log, log), ...files.flatMap((f) => fileErrors(fp.log, f))];
    const limit = seen.limit ?? (await run.resources.limitHit(seen.pid)) ?? limitOfErrors(newErrors);
    if (limit) reason = `ran into ${describeLimit(limit, PIDS_LIMIT, MEMORY_BYTES)}${reason ? `; ${reason}` : ""}`;
    let http: Array<{ target: HttpTarget; answer: HttpAnswer }> = [];
    if (!reason && fp.kind === "service" && seen.running) {
      const probes = await runExecProbes(run.container, spec.execProbes);
      const failed = spec.execProbes.find((p, i) => fp.execProbes[i] && !probes[i]);
      if (failed) reason = `${failed.kind} probe '${failed.command.join(" ")}' failed`;
    }
    if (!reason && fp.kind === "service" && seen.running) {
      // only the ports that answered HTTP in the baseline; the same kind of answer is expected
      const checked = fp.http.filter((h) => h.answer.status !== undefined);
      http = await Promise.all(checked.map(async (h) => ({ target: h.target, answer: await spec.http!.get(run.container.id, h.target) })));
      const differs = http.find((h, i) => statusClass(h.answer) !== statusClass(checked[i]!.answer));
      if (differs) {
        const before = checked[http.indexOf(differs)]!.answer;
        reason = `GET http://127.0.0.1:${differs.target.port}${differs.target.path}: ${describeAnswer(differs.answer)}; the baseline answered ${describeAnswer(before)}`;
      }
    }
    if (!reason && newErrors.length) reason = `new error: '${newErrors[0]!.line}'${newErrors[0]!.file ? ` in ${newErrors[0]!.file}` : ""}`;
    return {
      config,
      ...(changes ? { changes } : {}),
      outcome: {
        exitCode: seen.exitCode,
        running: seen.running,
        listening: seen.listening ?? [],
        durationMs: seen.elapsedMs,
        matchesBaseline: reason === "",
        reason,
        oomKilled: seen.oomKilled,
        newErrors,
        logTail: tail([log, ...files.map((f) => f.text)].join("\n")),
        listeningUnknown: seen.listening === undefined || undefined,
        ...(limit ? { limit } : {}),
        ...(processes ? { processes: describeProcesses(processes) } : {}),
        ...(http.length ? { http: http.map((h) => `${h.target.port}${h.target.path}: ${describeAnswer(h.answer)}`) } : {}),
      },
    };
  } finally {
    void session.removeContainer(run.container.id);
  }
}

/** A speculative trial whose configuration the baseline proved wrong: killed, not judged. */
export function discardedTrial(config: TrialConfig): Trial {
  return { config, outcome: { ...failedToStart("discarded: the baseline showed this guess was the wrong configuration"), discarded: true } };
}

function fileErrors(baselineLog: string, f: LogFile): ErrorLine[] {
  return newErrorLines(baselineLog, f.text).map((e) => ({ ...e, file: f.path }));
}

interface Started {
  container: Docker.Container;
  reader: ListeningReader;
  resources: ResourceReader;
  startedAtMs: number;
  /** When the engine said it had started it (starting takes 0.1–0.3 s of the engine's own). */
  runningAtMs: number;
}

async function startContainer(session: EngineSession, spec: WorkloadSpec, config: TrialConfig, purpose: string): Promise<Started> {
  const hardened = config.capabilities.kind === "only";
  const scratch = new Set(config.scratchMounts);
  const mounts: Docker.MountSettings[] = [...scratch].map((target) => ({
    Type: "volume",
    Source: "", // anonymous: removed with the container
    Target: target,
    // A local tmpfs volume, not HostConfig.Tmpfs: runc copies the mode of an existing
    // image directory onto a tmpfs (mode=0777 is lost) and Docker's tmpfs is noexec;
    // an emptyDir is 0777, executable and empty. NoCopy: an emptyDir hides image content.
    VolumeOptions: {
      NoCopy: true,
      Labels: session.labels,
      DriverConfig: { Name: "local", Options: { type: "tmpfs", device: "tmpfs", o: "mode=0777,size=256m" } },
    },
  }));
  for (const v of spec.imageVolumes) {
    if (scratch.has(v)) continue;
    // Docker would create an unlabelled anonymous volume here; make it ourselves, labelled, with copy-up like Docker's.
    mounts.push({ Type: "volume", Source: "", Target: v, VolumeOptions: { NoCopy: false, Labels: session.labels, DriverConfig: { Name: "local", Options: {} } } });
  }
  const container = await session.docker.createContainer({
    Image: spec.imageId,
    name: session.name(`${purpose}-${Math.random().toString(36).slice(2, 7)}`),
    Labels: session.labels,
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    ...(spec.cmd ? { Cmd: spec.cmd } : {}),
    Env: spec.env,
    ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
    User: config.user,
    Tty: false,
    HostConfig: {
      NetworkMode: "none",
      Privileged: false,
      Memory: MEMORY_BYTES,
      MemorySwap: MEMORY_BYTES,
      PidsLimit: PIDS_LIMIT,
      RestartPolicy: { Name: "no" },
      CapDrop: hardened ? ["ALL"] : [],
      CapAdd: config.capabilities.kind === "only" ? config.capabilities.add : [],
      ReadonlyRootfs: config.readOnlyRootfs,
      SecurityOpt: config.noNewPrivileges ? ["no-new-privileges:true"] : [],
      Sysctls: { "net.ipv4.ip_unprivileged_port_start": spec.privilegedPortsAllowed ? "0" : "1024" },
      Mounts: mounts,
    },
  });
  session.track("container", container.id);
  const startedAtMs = Date.now();
  try {
    await container.start();
  } catch (err) {
    await session.removeContainer(container.id);
    throw err;
  }
  return {
    container,
    reader: new ListeningReader(container, session.hostProcVisible),
    resources: new ResourceReader(container, session.hostProcVisible, PIDS_LIMIT, startedAtMs),
    startedAtMs,
    runningAtMs: Date.now(),
  };
}

/** What a trial's ports were at one moment before the baseline's fingerprint arrived. */
interface Observation {
  now: number;
  elapsedMs: number;
  listening: number[] | undefined;
}

/**
 * A speculative trial runs while the baseline is still being fingerprinted: note when its
 * ports opened, so that it is judged as if it had been watched from its start (its hold after
 * reaching the baseline's ports has usually passed by then). Local engines only: elsewhere
 * reading ports costs an exec each time.
 */
async function observe(run: Started, until: Promise<unknown>): Promise<Observation[]> {
  const seen: Observation[] = [];
  if (!run.reader.local) return seen;
  let done = false;
  void until.then(
    () => (done = true),
    () => (done = true),
  );
  while (!done) {
    const info = await run.container.inspect().catch(() => undefined);
    if (!info?.State.Running) break; // an exit is seen by the watch itself
    const listening = await run.reader.read(info.State.Pid);
    seen.push({ now: Date.now(), elapsedMs: Date.now() - run.startedAtMs, listening });
    await sleep(OBSERVE_MS);
  }
  return seen;
}

interface Seen {
  running: boolean;
  exitCode: number | null;
  oomKilled: boolean;
  listening: number[] | undefined;
  elapsedMs: number;
  pid: number;
  /** Why it does not match the baseline; empty when it does (or for the baseline itself). */
  reason: string;
  limit?: LimitHit;
}

/**
 * Poll the container until it reaches a state we can judge. Without a baseline: exit, or
 * ports that stopped changing, or — no ports — running, past 2 s and idle (a job still busy
 * after 2 s on a loaded machine is not taken for a service). With one: the baseline's exit,
 * or the baseline's ports held for a moment — bounded so a broken trial costs little.
 */
async function watch(run: Started, spec: WorkloadSpec, baseline: Fingerprint | undefined, history: Observation[] = [], abandon?: AbortSignal): Promise<Seen> {
  const limitMs = baseline ? Math.min(spec.timeoutMs, Math.max(5000, 4 * baselineMs(baseline))) : spec.timeoutMs;
  let lastKey = "";
  let lastChangeAt = Date.now();
  const wait: ServiceWait = {};
  if (baseline?.kind === "service") {
    // Replay what was seen before the baseline was known: only when its ports opened counts
    // (no verdict, and no limit: watched late, a trial was never held to it).
    for (const h of history) {
      serviceWaitStep(wait, { now: h.now, elapsedMs: h.elapsedMs, want: baseline.listening, listening: h.listening, baselineReadyMs: baseline.readyMs, limitMs: Infinity, holdMs: holdFor(baseline) });
    }
  }
  let cpu: { atMs: number; ns: number } | undefined;
  for (;;) {
    const info = await run.container.inspect();
    const elapsedMs = Date.now() - run.startedAtMs;
    const state = info.State;
    if (abandon?.aborted) return { running: state.Running, exitCode: null, oomKilled: false, listening: undefined, elapsedMs, pid: 0, reason: "abandoned" };
    if (!state.Running) {
      const exitCode = state.ExitCode;
      const seen = { running: false, exitCode, oomKilled: state.OOMKilled, listening: [], elapsedMs, pid: 0 };
      if (!baseline) return { ...seen, reason: "" };
      if (baseline.kind === "service") return { ...seen, reason: `exited ${exitCode} after ${elapsedMs}ms; baseline kept running` };
      if (state.OOMKilled) return { ...seen, reason: "killed: out of memory", limit: "memory" };
      return { ...seen, reason: exitCode === baseline.exitCode ? "" : `exit ${exitCode}; baseline exit ${baseline.exitCode}` };
    }
    const listening = await run.reader.read(state.Pid);
    const seen = { running: true, exitCode: null, oomKilled: false, listening, elapsedMs, pid: state.Pid };
    const key = (listening ?? []).join(",");
    if (key !== lastKey) {
      lastKey = key;
      lastChangeAt = Date.now();
    }
    if (!baseline) {
      const declaredUp = spec.declaredPorts.length > 0 && spec.declaredPorts.every((p) => listening?.includes(p));
      if (declaredUp) return { ...seen, reason: "" };
      if (key && Date.now() - lastChangeAt >= SETTLE_MS) return { ...seen, elapsedMs: lastChangeAt - run.startedAtMs, reason: "" };
      if (!key && elapsedMs >= NO_PORT_READY_MS) {
        const limit = await run.resources.limitHit(state.Pid);
        if (limit) return { ...seen, reason: "", limit };
        const sample = await run.resources.sample(state.Pid).catch(() => ({ cpuNs: undefined }));
        if (sample.cpuNs === undefined) return { ...seen, reason: "" };
        const now = Date.now();
        if (!cpu) cpu = { atMs: now, ns: sample.cpuNs };
        else if (now - cpu.atMs >= IDLE_WINDOW_MS) {
          const share = (sample.cpuNs - cpu.ns) / 1e6 / (now - cpu.atMs);
          if (share < IDLE_CPU_SHARE) return { ...seen, reason: "" };
          cpu = { atMs: now, ns: sample.cpuNs };
        }
      }
      if (elapsedMs >= spec.timeoutMs) return { ...seen, reason: "" };
    } else if (baseline.kind === "service") {
      const reason = serviceWaitStep(wait, {
        now: Date.now(),
        elapsedMs,
        want: baseline.listening,
        listening,
        baselineReadyMs: baseline.readyMs,
        limitMs,
        holdMs: holdFor(baseline),
      });
      if (reason !== undefined) return { ...seen, reason };
    } else if (elapsedMs >= limitMs) {
      return { ...seen, reason: `still running after ${elapsedMs}ms; baseline exited ${baseline.exitCode} after ${baseline.durationMs}ms` };
    }
    await sleep(POLL_MS);
  }
}

interface Settled {
  /** Asked of the engine once the rest has settled; read alongside the log. */
  changes: Promise<ChangedPath[]>;
  processes: ProcessInfo[] | undefined;
  listening: number[] | undefined;
  atMs: number;
}

/**
 * A service is ready before it is done starting: postgres listens before it creates its
 * socket file, nginx's master before its workers run. Poll files, processes and ports until
 * two polls agree (bounded), so the fingerprint is the settled state.
 */
async function settle(run: Started, spec: WorkloadSpec, seen: Seen): Promise<Settled> {
  const deadline = Date.now() + Math.min(SETTLE_MAX_MS, Math.max(0, spec.timeoutMs - seen.elapsedMs));
  let previous: string | undefined;
  let current: Settled = { changes: Promise.resolve([]), processes: undefined, listening: seen.listening, atMs: seen.elapsedMs };
  let layers: OverlayLayers | undefined;
  const readyAfter = run.startedAtMs + seen.elapsedMs - run.runningAtMs;
  const spacing = Math.min(SETTLE_POLL_MAX_MS, Math.max(SETTLE_POLL_MIN_MS, readyAfter));
  for (;;) {
    const polledAt = Date.now();
    const info = await run.container.inspect();
    if (run.reader.local) layers ??= overlayLayersOf(info);
    // Whether files changed is told from the writable layer when we can read it (cheap); what
    // changed always comes from the engine's changes API, once the state has settled.
    const [written, processes, listening] = await Promise.all([
      upperDirPaths(layers?.upper).then(async (paths): Promise<{ paths: string[] } | { changes: ChangedPath[] }> => (paths ? { paths } : { changes: await readChanges(run.container) })),
      readProcesses(run.container),
      info.State.Running ? run.reader.read(info.State.Pid) : Promise.resolve(current.listening),
    ]);
    const marks = "paths" in written ? written.paths : written.changes.map((c) => `${c.kind}${c.path}`).sort();
    current = { changes: Promise.resolve([]), processes, listening, atMs: Date.now() - run.startedAtMs };
    const key = JSON.stringify([marks, processes?.map((p) => p.uid).sort(), listening]);
    if (key === previous || !info.State.Running || Date.now() >= deadline) {
      // An empty writable layer is no change: the API diffs exactly that layer against the image.
      const changes = "changes" in written ? Promise.resolve(written.changes) : written.paths.length ? readChangesOf(run, layers) : Promise.resolve([]);
      return { ...current, changes };
    }
    previous = key;
    await sleep(spacing - (Date.now() - polledAt));
  }
}

/** How long a trial of a service stays at the baseline's ready state before it is judged. */
function holdFor(fp: Fingerprint & { kind: "service" }): number {
  return Math.min(MAX_HOLD_MS, Math.max(MIN_HOLD_MS, fp.settledMs - fp.readyMs));
}

/** The trial's processes match the baseline's — given as long as the baseline took to settle, plus a little. */
async function sameProcesses(run: Started, fp: Fingerprint & { kind: "service" }, asOtherUser: boolean): Promise<{ reason: string; processes?: ProcessInfo[] }> {
  const deadline = Date.now() + fp.settledMs - fp.readyMs + 500;
  let last: ProcessInfo[] | undefined;
  for (;;) {
    last = await readProcesses(run.container);
    if (!last) return { reason: "" }; // exited between polls: the caller sees the exit
    const difference = processDifference(fp.processes!, last, asOtherUser);
    if (!difference) return { reason: "", processes: last };
    if (Date.now() >= deadline) return { reason: difference, processes: last };
    await sleep(SETTLE_POLL_MIN_MS);
  }
}

async function askHttp(run: Started, spec: WorkloadSpec, listening: number[] | undefined): Promise<Array<{ target: HttpTarget; answer: HttpAnswer }>> {
  if (!spec.http || !spec.httpTargets?.length) return [];
  const targets = spec.httpTargets.filter((t) => listening === undefined || listening.includes(t.port));
  return Promise.all(targets.map(async (target) => ({ target, answer: await spec.http!.get(run.container.id, target) })));
}

/** What the container wrote: from its layers on this host when they can be read (cheap), else from the engine's changes API. */
async function readChangesOf(run: Started, layers?: OverlayLayers): Promise<ChangedPath[]> {
  if (run.reader.local) {
    const info = layers ? undefined : await run.container.inspect().catch(() => undefined);
    const known = layers ?? (info && overlayLayersOf(info));
    const changes = known && (await upperDirChanges(known));
    if (changes) return changes;
  }
  return readChanges(run.container);
}

async function readChanges(container: Docker.Container): Promise<ChangedPath[]> {
  const raw: unknown = await container.changes().catch(() => []);
  // No changes: the engine answers `null`, which dockerode hands back as a Buffer.
  const changes = (Array.isArray(raw) ? raw : []) as Array<{ Path: string; Kind: number }>;
  return changes.map((c) => ({ path: c.Path, kind: c.Kind === 1 ? "added" : c.Kind === 2 ? "deleted" : "changed" }));
}

function baselineMs(f: Fingerprint): number {
  return f.kind === "job" ? f.durationMs : f.readyMs;
}

async function runExecProbes(container: Docker.Container, probes: ExecProbe[]): Promise<boolean[]> {
  const results: boolean[] = [];
  for (const probe of probes) {
    try {
      const exec = await container.exec({ Cmd: probe.command, AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack: true, stdin: false });
      await collectDemuxed(stream);
      const info = await exec.inspect();
      results.push(info.ExitCode === 0);
    } catch {
      results.push(false);
    }
  }
  return results;
}

async function readLog(container: Docker.Container): Promise<string> {
  const raw = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  const { stdout, stderr } = demux(Buffer.from(raw));
  return `${stdout}\n${stderr}`.trim();
}

/**
 * The changes API does not look inside volumes, so compare each image VOLUME path's
 * content after the run with the image's: a file that is new or differs in size or mtime
 * was written by the workload.
 */
function writtenVolumes(folders: ReadFolder[], volumes: string[], image: Map<string, ImageFile>): string[] {
  return volumes.filter((v) =>
    folders
      .find((f) => f.root === v)
      ?.entries.some((e) => {
        if (e.path === v || e.kind === "link") return false; // a hard link's content is its first name's, compared there
        const before = image.get(e.path);
        if (e.kind === "directory") return !before;
        return !before || before.size !== e.size || Math.abs(before.mtimeMs - e.mtimeMs) >= 1000;
      }),
  );
}

function failedToStart(reason: string): TrialOutcome {
  return {
    exitCode: null,
    running: false,
    listening: [],
    durationMs: 0,
    matchesBaseline: false,
    reason,
    oomKilled: false,
    newErrors: [],
    logTail: [],
  };
}

function tail(log: string): string[] {
  return log.split("\n").filter(Boolean).slice(-10);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
