import { readFile } from "node:fs/promises";
import type Docker from "dockerode";

/**
 * TCP ports a container listens on, read from its own network namespace — never by
 * connecting to it (only loopback traffic is allowed here, and a connection would change
 * what we measure). A local engine: `/proc/<pid>/net/tcp{,6}` on this host, after checking
 * that pid really is in the container's cgroup. A remote engine: `cat` through exec, when
 * the image has one. `undefined` means we could not tell.
 */
export class ListeningReader {
  private hostPid: number | undefined;
  private execWorks = true;

  constructor(
    private readonly container: Docker.Container,
    private readonly hostProcVisible: boolean,
  ) {}

  /** Ports are read from this host's /proc (cheap), not through exec. */
  get local(): boolean {
    return this.hostProcVisible;
  }

  async read(pid: number): Promise<number[] | undefined> {
    if (this.hostProcVisible && pid > 0) {
      if (this.hostPid !== pid && (await this.pidBelongsToContainer(pid))) this.hostPid = pid;
      if (this.hostPid === pid) {
        const text = await Promise.all([
          readFile(`/proc/${pid}/net/tcp`, "utf8").catch(() => ""),
          readFile(`/proc/${pid}/net/tcp6`, "utf8").catch(() => ""),
        ]);
        return parseProcNetTcp(text.join("\n"));
      }
    }
    return this.execWorks ? this.readByExec() : undefined;
  }

  private async pidBelongsToContainer(pid: number): Promise<boolean> {
    const cgroup = await readFile(`/proc/${pid}/cgroup`, "utf8").catch(() => "");
    return cgroup.includes(this.container.id);
  }

  private async readByExec(): Promise<number[] | undefined> {
    try {
      const exec = await this.container.exec({
        Cmd: ["cat", "/proc/net/tcp", "/proc/net/tcp6"],
        AttachStdout: true,
        AttachStderr: true,
      });
      const stream = await exec.start({ hijack: true, stdin: false });
      const out = await collectDemuxed(stream);
      return parseProcNetTcp(out.stdout);
    } catch {
      this.execWorks = false; // no `cat` in the image: judge by lifecycle only
      return undefined;
    }
  }
}

/** Local ports in state LISTEN (0A), IPv4 and IPv6, sorted and unique. */
export function parseProcNetTcp(text: string): number[] {
  const ports = new Set<number>();
  for (const line of text.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || fields[3] !== "0A") continue;
    const port = Number.parseInt(fields[1]!.split(":")[1] ?? "", 16);
    if (Number.isFinite(port)) ports.add(port);
  }
  return [...ports].sort((a, b) => a - b);
}

/** Split Docker's multiplexed stdout/stderr stream (8-byte frame headers, no TTY). */
export function demux(buffer: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buffer.length) {
    const kind = buffer[i];
    const size = buffer.readUInt32BE(i + 4);
    const chunk = buffer.subarray(i + 8, i + 8 + size);
    (kind === 2 ? err : out).push(chunk);
    i += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

export async function collectDemuxed(stream: NodeJS.ReadableStream): Promise<{ stdout: string; stderr: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return demux(Buffer.concat(chunks));
}
