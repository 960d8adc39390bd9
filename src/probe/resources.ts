import { readFile } from "node:fs/promises";
import type Docker from "dockerode";

/** What a container has used so far, as far as we can tell. */
export interface ResourceSample {
  /** CPU time of the whole container, nanoseconds. */
  cpuNs?: number;
  pids?: number;
  /** Times a fork failed because the pids limit was reached. */
  pidsLimitHits?: number;
  /** Processes the kernel killed for memory (any process, not only the main one). */
  oomKills?: number;
}

export type LimitHit = "pids" | "memory" | "disk";

/**
 * Reads a container's cgroup counters: the files under /sys/fs/cgroup on a local engine
 * (cgroup v1 or v2, found through /proc/<pid>/cgroup, only when that really is this
 * container's), else the stats API (one-shot) and the engine's `oom` events.
 */
export class ResourceReader {
  private paths: Map<string, string> | undefined;

  constructor(
    private readonly container: Docker.Container,
    private readonly hostProcVisible: boolean,
    private readonly pidsLimit: number,
    private readonly startedAt: number,
  ) {}

  async sample(pid: number): Promise<ResourceSample> {
    if (this.hostProcVisible && pid > 0) {
      this.paths ??= await cgroupPaths(pid, this.container.id);
      if (this.paths) return readCgroup(this.paths);
    }
    return this.fromApi();
  }

  /** The limit the container ran into, if any (a fork bomb, a memory filler). */
  async limitHit(pid: number): Promise<LimitHit | undefined> {
    const s = await this.sample(pid).catch(() => ({}) as ResourceSample);
    if ((s.oomKills ?? 0) > 0) return "memory";
    if ((s.pidsLimitHits ?? 0) > 0 || (s.pids ?? 0) >= this.pidsLimit - 1) return "pids";
    return undefined;
  }

  private async fromApi(): Promise<ResourceSample> {
    const stats = (await this.container.stats({ stream: false, "one-shot": true } as { stream: false })) as unknown as {
      cpu_stats?: { cpu_usage?: { total_usage?: number } };
      pids_stats?: { current?: number };
    };
    // no oom counter in the stats of cgroup v1: the engine's own event says it. `until` is
    // now, to the millisecond: a whole second rounded up made the engine hold the answer
    // until then — up to 1 s per judged trial of a job (its exited container has no pid to read).
    const since = Math.floor(this.startedAt / 1000) - 1;
    const events = await new Promise<string>((resolve) =>
      this.container.modem.dial(
        {
          path: "/events?",
          method: "GET",
          options: { since, until: (Date.now() / 1000).toFixed(3), filters: JSON.stringify({ container: [this.container.id], event: ["oom"] }) },
          statusCodes: { 200: true },
        },
        (err: unknown, data: unknown) => resolve(err ? "" : Buffer.isBuffer(data) ? data.toString() : typeof data === "string" ? data : JSON.stringify(data ?? "")),
      ),
    );
    return {
      cpuNs: stats.cpu_stats?.cpu_usage?.total_usage,
      pids: stats.pids_stats?.current,
      oomKills: events.split("\n").filter((l) => l.includes('"oom"')).length,
    };
  }
}

async function cgroupPaths(pid: number, containerId: string): Promise<Map<string, string> | undefined> {
  const text = await readFile(`/proc/${pid}/cgroup`, "utf8").catch(() => "");
  if (!text.includes(containerId)) return undefined;
  const paths = new Map<string, string>();
  for (const line of text.split("\n")) {
    const [, controllers, p] = line.split(":");
    if (p === undefined || controllers === undefined) continue;
    if (controllers === "") paths.set("unified", `/sys/fs/cgroup${p}`);
    for (const c of controllers.split(",")) {
      // each controller is mounted (or linked, for "cpu,cpuacct") under its own name
      if (c === "pids" || c === "memory" || c === "cpuacct") paths.set(c, `/sys/fs/cgroup/${c}${p}`);
    }
  }
  return paths;
}

async function readCgroup(paths: Map<string, string>): Promise<ResourceSample> {
  const read = (file: string) => readFile(file, "utf8").catch(() => "");
  const field = (text: string, name: string) => {
    const m = new RegExp(`^${name}\\s+(\\d+)`, "m").exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const unified = paths.get("unified");
  if (paths.has("pids") || paths.has("memory")) {
    // cgroup v1
    const [usage, pids, pidsEvents, oom] = await Promise.all([
      read(`${paths.get("cpuacct")}/cpuacct.usage`),
      read(`${paths.get("pids")}/pids.current`),
      read(`${paths.get("pids")}/pids.events`),
      read(`${paths.get("memory")}/memory.oom_control`),
    ]);
    return {
      cpuNs: usage.trim() ? Number(usage) : undefined,
      pids: pids.trim() ? Number(pids) : undefined,
      pidsLimitHits: field(pidsEvents, "max"),
      oomKills: field(oom, "oom_kill"),
    };
  }
  if (!unified) return {};
  const [cpu, pids, pidsEvents, memEvents] = await Promise.all([
    read(`${unified}/cpu.stat`),
    read(`${unified}/pids.current`),
    read(`${unified}/pids.events`),
    read(`${unified}/memory.events`),
  ]);
  const usec = field(cpu, "usage_usec");
  return {
    cpuNs: usec !== undefined ? usec * 1000 : undefined,
    pids: pids.trim() ? Number(pids) : undefined,
    pidsLimitHits: field(pidsEvents, "max"),
    oomKills: field(memEvents, "oom_kill"),
  };
}

/** "the pids limit (512 processes)" — for reasons and errors. */
export function describeLimit(limit: LimitHit, pidsLimit: number, memoryBytes: number): string {
  if (limit === "pids") return `the pids limit (${pidsLimit} processes)`;
  if (limit === "memory") return `the memory limit (${Math.round(memoryBytes / 1024 / 1024)} MiB; a process was killed for memory)`;
  return "the disk limit (No space left on device)";
}
