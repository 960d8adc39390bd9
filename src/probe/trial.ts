import type Docker from "dockerode";
import type { Capability } from "./capabilities.js";
import { EngineSession, shortMessage } from "./engine.js";
import { collectDemuxed, demux, ListeningReader } from "./listening.js";
import { type ErrorLine, newErrorLines } from "./signatures.js";
import { type ImageFile, normalizePath } from "./inspect.js";
import tarStream from "tar-stream";

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
  | { kind: "job"; exitCode: number; durationMs: number; log: string }
  | { kind: "service"; listening: number[] | undefined; readyMs: number; execProbes: boolean[]; log: string };

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
}

export interface Trial {
  config: TrialConfig;
  outcome: TrialOutcome;
}

export interface BaselineTrial extends Trial {
  fingerprint: Fingerprint;
  /** `GET /containers/{id}/changes`, paths added (A) or changed (C). */
  changes: Array<{ path: string; kind: "added" | "changed" | "deleted" }>;
  /** Image VOLUME paths that hold new or changed files after the run. */
  volumeWrites: string[];
}

const POLL_MS = 40;
/** Ports unchanged this long = the baseline is ready (when the manifest does not name them). */
const SETTLE_MS = 300;
/** A running container without ports is judged after this long. */
const NO_PORT_READY_MS = 2000;
/** After reaching the baseline's ready state, stay this long to catch a crash right after. */
const HOLD_MS = 250;
const MEMORY_BYTES = 512 * 1024 * 1024;
const PIDS_LIMIT = 512;

/** The permissive reference run: Docker's default capabilities, writable root, the workload's own user. */
export async function runBaseline(session: EngineSession, spec: WorkloadSpec, config: TrialConfig): Promise<BaselineTrial> {
  const run = await startContainer(session, spec, config, "baseline");
  try {
    const seen = await watch(run, spec, undefined);
    const log = await readLog(run.container);
    const probes = seen.running ? await runExecProbes(run.container, spec.execProbes) : [];
    const fingerprint: Fingerprint =
      seen.running || seen.exitCode === null
        ? { kind: "service", listening: seen.listening, readyMs: seen.elapsedMs, execProbes: probes, log }
        : { kind: "job", exitCode: seen.exitCode, durationMs: seen.elapsedMs, log };
    const raw: unknown = await run.container.changes().catch(() => []);
    // No changes: the engine answers `null`, which dockerode hands back as a Buffer.
    const changes = (Array.isArray(raw) ? raw : []) as Array<{ Path: string; Kind: number }>;
    const volumeWrites = spec.imageVolumes.length
      ? await findVolumeWrites(run.container, spec.imageVolumes, await spec.imageFiles)
      : [];
    return {
      config,
      fingerprint,
      changes: changes.map((c) => ({ path: c.Path, kind: c.Kind === 1 ? "added" : c.Kind === 2 ? "deleted" : "changed" })),
      volumeWrites,
      outcome: {
        exitCode: seen.exitCode,
        running: seen.running,
        listening: seen.listening ?? [],
        durationMs: seen.elapsedMs,
        matchesBaseline: true,
        reason: "",
        oomKilled: seen.oomKilled,
        newErrors: [],
        logTail: tail(log),
        listeningUnknown: seen.listening === undefined || undefined,
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
 * baseline shows its configuration was the wrong guess (`undefined`).
 */
export async function runTrial(
  session: EngineSession,
  spec: WorkloadSpec,
  config: TrialConfig,
  baseline: Fingerprint | Promise<Fingerprint | undefined>,
): Promise<Trial> {
  let run: Started;
  try {
    run = await startContainer(session, spec, config, config.name);
  } catch (err) {
    // The runtime refused the configuration itself (e.g. a user it cannot set up).
    const reason = `did not start: ${shortMessage(err)}`;
    return { config, outcome: failedToStart(reason) };
  }
  try {
    const fp = await baseline;
    if (!fp) return { config, outcome: { ...failedToStart("discarded: the baseline showed this guess was the wrong configuration"), discarded: true } };
    const seen = await watch(run, spec, fp);
    const log = await readLog(run.container);
    const newErrors = newErrorLines(fp.log, log);
    let reason = seen.reason;
    if (!reason && fp.kind === "service" && seen.running) {
      const probes = await runExecProbes(run.container, spec.execProbes);
      const failed = spec.execProbes.find((p, i) => fp.execProbes[i] && !probes[i]);
      if (failed) reason = `${failed.kind} probe '${failed.command.join(" ")}' failed`;
    }
    if (!reason && newErrors.length) reason = `new error: '${newErrors[0]!.line}'`;
    return {
      config,
      outcome: {
        exitCode: seen.exitCode,
        running: seen.running,
        listening: seen.listening ?? [],
        durationMs: seen.elapsedMs,
        matchesBaseline: reason === "",
        reason,
        oomKilled: seen.oomKilled,
        newErrors,
        logTail: tail(log),
        listeningUnknown: seen.listening === undefined || undefined,
      },
    };
  } finally {
    void session.removeContainer(run.container.id);
  }
}

interface Started {
  container: Docker.Container;
  reader: ListeningReader;
  startedAtMs: number;
}

async function startContainer(
  session: EngineSession,
  spec: WorkloadSpec,
  config: TrialConfig,
  purpose: string,
): Promise<Started> {
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
  return { container, reader: new ListeningReader(container, session.hostProcVisible), startedAtMs };
}

interface Seen {
  running: boolean;
  exitCode: number | null;
  oomKilled: boolean;
  listening: number[] | undefined;
  elapsedMs: number;
  /** Why it does not match the baseline; empty when it does (or for the baseline itself). */
  reason: string;
}

/**
 * Poll the container until it reaches a state we can judge. Without a baseline: exit, or
 * ports that stopped changing, or a quiet running process. With one: the baseline's exit,
 * or the baseline's ports held for a moment — bounded so a broken trial costs little.
 */
async function watch(run: Started, spec: WorkloadSpec, baseline: Fingerprint | undefined): Promise<Seen> {
  const limitMs = baseline ? Math.min(spec.timeoutMs, Math.max(5000, 4 * baselineMs(baseline))) : spec.timeoutMs;
  let lastKey = "";
  let lastChangeAt = Date.now();
  let matchedAt: number | undefined;
  for (;;) {
    const info = await run.container.inspect();
    const elapsedMs = Date.now() - run.startedAtMs;
    const state = info.State;
    if (!state.Running) {
      const exitCode = state.ExitCode;
      const seen = { running: false, exitCode, oomKilled: state.OOMKilled, listening: [], elapsedMs };
      if (!baseline) return { ...seen, reason: "" };
      if (baseline.kind === "service") return { ...seen, reason: `exited ${exitCode} after ${elapsedMs}ms; baseline kept running` };
      if (state.OOMKilled) return { ...seen, reason: "killed: out of memory" };
      return { ...seen, reason: exitCode === baseline.exitCode ? "" : `exit ${exitCode}; baseline exit ${baseline.exitCode}` };
    }
    const listening = await run.reader.read(state.Pid);
    const seen = { running: true, exitCode: null, oomKilled: false, listening, elapsedMs };
    const key = (listening ?? []).join(",");
    if (key !== lastKey) {
      lastKey = key;
      lastChangeAt = Date.now();
    }
    if (!baseline) {
      const declaredUp = spec.declaredPorts.length > 0 && spec.declaredPorts.every((p) => listening?.includes(p));
      if (declaredUp) return { ...seen, reason: "" };
      if (key && Date.now() - lastChangeAt >= SETTLE_MS) return { ...seen, elapsedMs: lastChangeAt - run.startedAtMs, reason: "" };
      if (!key && elapsedMs >= NO_PORT_READY_MS) return { ...seen, reason: "" };
      if (elapsedMs >= spec.timeoutMs) return { ...seen, reason: "" };
    } else if (baseline.kind === "service") {
      const want = baseline.listening;
      const reached =
        want === undefined || listening === undefined || want.length === 0
          ? elapsedMs >= baseline.readyMs
          : want.every((p) => listening.includes(p));
      if (reached) matchedAt ??= Date.now();
      if (matchedAt !== undefined && Date.now() - matchedAt >= HOLD_MS) {
        // Extra ports are not a regression; missing ones are.
        const same = want === undefined || listening === undefined || want.every((p) => listening.includes(p));
        return { ...seen, reason: same ? "" : `listening on [${listening}]; baseline [${want}]` };
      }
      if (elapsedMs >= limitMs) {
        return { ...seen, reason: `not listening on [${want}] after ${elapsedMs}ms (listening on [${listening ?? "?"}])` };
      }
    } else if (elapsedMs >= limitMs) {
      return { ...seen, reason: `still running after ${elapsedMs}ms; baseline exited ${baseline.exitCode} after ${baseline.durationMs}ms` };
    }
    await sleep(POLL_MS);
  }
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
async function findVolumeWrites(container: Docker.Container, volumes: string[], image: Map<string, ImageFile>): Promise<string[]> {
  const written: string[] = [];
  for (const v of volumes) {
    const stream = await container.getArchive({ path: v }).catch(() => undefined);
    if (!stream) continue;
    const ex = tarStream.extract();
    let differs = false;
    const parent = v.slice(0, v.lastIndexOf("/"));
    await new Promise<void>((resolve) => {
      ex.on("entry", (header, body, next) => {
        // Entries are named relative to the volume's parent ("data/", "data/file").
        const p = normalizePath(`${parent}/${header.name}`);
        const before = image.get(p);
        if (p !== v && header.type !== "directory") {
          const mtime = header.mtime?.getTime() ?? 0;
          if (!before || before.size !== (header.size ?? 0) || Math.abs(before.mtimeMs - mtime) >= 1000) differs = true;
        } else if (p !== v && !before) differs = true;
        body.on("end", () => next());
        body.resume();
      });
      ex.on("finish", resolve);
      ex.on("error", () => resolve());
      stream.pipe(ex);
    });
    if (differs) written.push(v);
  }
  return written;
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
