import { randomBytes } from "node:crypto";
import Docker from "dockerode";
import { EngineError } from "../errors.js";
import { interruptedBy, markInterrupted } from "./interruption.js";

/** Label carried by every container, image and volume a probe run creates. */
export const PROBE_LABEL = "dev.shipshape.probe";

export type ResourceKind = "container" | "image" | "volume";

interface Resource {
  kind: ResourceKind;
  id: string;
}

/** Signals that end a run early (Ctrl-C, kill, a closed terminal, Ctrl-\\), with the exit code each conventionally gives. */
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGINT: 130, SIGQUIT: 131, SIGTERM: 143 };
/** How long cleanup after a signal may take before the process exits anyway (an engine that stopped answering). */
const SIGNAL_CLEANUP_MS = 20_000;
const open = new Set<EngineSession>();

/**
 * One handler for every open session: remove what all of them made, then exit as the signal
 * asks. While that runs, the trials whose containers vanish under them fail ("no such
 * container"); those failures are the interruption's, not errors to report.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (!markInterrupted(signal)) return;
  const quiet = () => undefined;
  process.on("unhandledRejection", quiet);
  process.on("uncaughtException", quiet);
  const exit = () => process.exit(SIGNAL_EXIT[signal] ?? 1);
  setTimeout(exit, SIGNAL_CLEANUP_MS).unref();
  void Promise.allSettled([...open].map((s) => s.close())).finally(exit);
}

/** The engine schemes the Docker client accepts; anything else must not fall back to a default address. */
const DOCKER_HOST_SCHEMES = ["unix", "tcp", "http", "https", "ssh", "npipe"];

/**
 * One probe run against one engine: the connection, the run id used in labels and names,
 * and a registry of what was created so that `close()` can remove all of it — on success,
 * on error, on timeout and on SIGINT, SIGTERM, SIGHUP and SIGQUIT.
 */
export class EngineSession {
  readonly runId: string;
  private readonly created: Resource[] = [];
  private closing: Promise<void> | undefined;
  private readonly pending = new Set<Promise<void>>();

  private constructor(
    readonly docker: Docker,
    readonly hostProcVisible: boolean,
  ) {
    this.runId = randomBytes(6).toString("hex");
    if (open.size === 0) for (const s of Object.keys(SIGNAL_EXIT)) process.on(s, onSignal);
    open.add(this);
  }

  /** Connect through DOCKER_HOST or the local socket; an unreachable engine is the user's problem (exit 2). */
  static async open(): Promise<EngineSession> {
    const host = process.env.DOCKER_HOST;
    const scheme = host ? /^([a-z][a-z0-9+.-]*):\/\//i.exec(host)?.[1]?.toLowerCase() : "unix";
    if (host && (!scheme || !DOCKER_HOST_SCHEMES.includes(scheme))) {
      // docker-modem would quietly try 127.0.0.1:80, or look the "host" up in DNS
      throw new EngineError(
        `DOCKER_HOST=${host}: ${scheme ? `unsupported scheme '${scheme}://'` : "not a URL"} (expected unix://, tcp://, ssh:// or npipe://)`,
      );
    }
    const docker = new Docker(); // reads DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH; else /var/run/docker.sock
    const abort = new AbortController();
    try {
      // dockerode accepts an abortSignal here; its types do not say so
      const ping = (docker as unknown as { ping(o: { abortSignal: AbortSignal }): Promise<unknown> }).ping({ abortSignal: abort.signal });
      await withTimeout(ping, 10_000, "no answer within 10s");
    } catch (err) {
      abort.abort(); // a connection left open would keep the process alive after the error
      const where = host ?? "unix:///var/run/docker.sock";
      throw new EngineError(`cannot reach the Docker engine at ${where}: ${shortMessage(err)}`);
    }
    // A local engine lets us read a container's /proc/<pid>/net/tcp directly (no exec, no traffic).
    const local = !host || host.startsWith("unix://");
    return new EngineSession(docker, local);
  }

  get labels(): Record<string, string> {
    return { [PROBE_LABEL]: this.runId };
  }

  /** A unique, recognisable name for a container of this run. */
  name(purpose: string): string {
    return `shipshape-probe-${this.runId}-${purpose}`.replace(/[^a-zA-Z0-9_.-]/g, "-");
  }

  track(kind: ResourceKind, id: string): void {
    this.created.push({ kind, id });
    // Created while closing (a trial was mid-create on Ctrl-C): remove it right away.
    if (this.closing && kind === "container") void this.removeContainer(id);
  }

  /** Remove one container now (kill, not stop: nothing graceful is being measured). */
  removeContainer(id: string): Promise<void> {
    const removal = this.docker
      .getContainer(id)
      .remove({ force: true, v: true })
      .catch(() => undefined)
      .then(() => {
        const i = this.created.findIndex((r) => r.kind === "container" && r.id === id);
        if (i >= 0) this.created.splice(i, 1);
      });
    this.pending.add(removal);
    void removal.finally(() => this.pending.delete(removal));
    return removal;
  }

  /** Remove everything this run created, then sweep by label for anything an interrupted call left. */
  close(): Promise<void> {
    this.closing ??= this.removeAll().finally(() => {
      open.delete(this);
      // after a signal the handler stays: a second Ctrl-C must not cut the cleanup short
      if (open.size === 0 && !interruptedBy()) for (const s of Object.keys(SIGNAL_EXIT)) process.off(s, onSignal);
    });
    return this.closing;
  }

  private async removeAll(): Promise<void> {
    // Removals still in flight would make image removal fail with "image is in use".
    await Promise.allSettled([...this.pending]);
    const filters = JSON.stringify({ label: [`${PROBE_LABEL}=${this.runId}`] });
    for (let attempt = 0; attempt < 5; attempt++) {
      const containers = await this.docker.listContainers({ all: true, filters }).catch(() => []);
      const containerIds = new Set([
        ...this.created.filter((r) => r.kind === "container").map((r) => r.id),
        ...containers.map((c) => c.Id),
      ]);
      await Promise.all([...containerIds].map((id) => this.removeContainer(id)));
      const volumes = await this.docker
        .listVolumes({ filters })
        .then((r) => r.Volumes ?? [])
        .catch(() => []);
      await Promise.all(volumes.map((v) => this.docker.getVolume(v.Name).remove().catch(() => undefined)));
      const images = await this.docker.listImages({ filters }).catch(() => []);
      const imageIds = new Set([
        ...this.created.filter((r) => r.kind === "image").map((r) => r.id),
        ...images.map((i) => i.Id),
      ]);
      let failed = 0;
      for (const id of imageIds) {
        await this.docker
          .getImage(id)
          .remove({ force: true })
          .then(() => {
            const i = this.created.findIndex((r) => r.kind === "image" && r.id === id);
            if (i >= 0) this.created.splice(i, 1);
          })
          .catch((err: { statusCode?: number }) => {
            if (err.statusCode !== 404) failed++;
          });
      }
      if (failed === 0 && containerIds.size === 0 && volumes.length === 0) return;
      if (failed === 0 && attempt > 0) return;
      await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
    }
  }
}

/**
 * The engine's (or the socket's) reason in one line. Node reports a failed connection to a
 * name with several addresses as an AggregateError whose own message is empty: the reason
 * is in its parts, or at least in its code.
 */
export function shortMessage(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown; errors?: unknown };
  let text = err instanceof Error || typeof e?.message === "string" ? String(e.message ?? "") : String(err);
  if (!text.trim() && Array.isArray(e?.errors)) text = [...new Set(e.errors.map((x) => shortMessage(x)).filter(Boolean))].join("; ");
  if (!text.trim() && typeof e?.code === "string") text = e.code;
  if (!text.trim()) text = err instanceof Error ? `${err.name} without a message` : "unknown error";
  return text.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, "").split("\n")[0]!.trim();
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
