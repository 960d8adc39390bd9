import { randomBytes } from "node:crypto";
import Docker from "dockerode";
import { EngineError } from "../errors.js";

/** Label carried by every container, image and volume a probe run creates. */
export const PROBE_LABEL = "dev.shipshape.probe";

export type ResourceKind = "container" | "image" | "volume";

interface Resource {
  kind: ResourceKind;
  id: string;
}

/**
 * One probe run against one engine: the connection, the run id used in labels and names,
 * and a registry of what was created so that `close()` can remove all of it — on success,
 * on error, on timeout and on SIGINT/SIGTERM.
 */
export class EngineSession {
  readonly runId: string;
  private readonly created: Resource[] = [];
  private closing: Promise<void> | undefined;
  private readonly pending = new Set<Promise<void>>();
  private readonly onSignal: (signal: NodeJS.Signals) => void;

  private constructor(
    readonly docker: Docker,
    readonly hostProcVisible: boolean,
  ) {
    this.runId = randomBytes(6).toString("hex");
    this.onSignal = (signal) => {
      // Remove what we made, then die of the same signal's conventional exit code.
      void this.close()
        .then(() => Promise.allSettled([...this.pending]))
        .finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    };
    process.once("SIGINT", this.onSignal);
    process.once("SIGTERM", this.onSignal);
  }

  /** Connect through DOCKER_HOST or the local socket; an unreachable engine is the user's problem (exit 2). */
  static async open(): Promise<EngineSession> {
    const docker = new Docker(); // reads DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH; else /var/run/docker.sock
    try {
      await withTimeout(docker.ping(), 10_000, "no answer within 10s");
    } catch (err) {
      const where = process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock";
      throw new EngineError(`cannot reach the Docker engine at ${where}: ${shortMessage(err)}`);
    }
    // A local engine lets us read a container's /proc/<pid>/net/tcp directly (no exec, no traffic).
    const host = process.env.DOCKER_HOST;
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
      process.off("SIGINT", this.onSignal);
      process.off("SIGTERM", this.onSignal);
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

export function shortMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, "").split("\n")[0]!.trim();
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
