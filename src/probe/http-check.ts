import { existsSync, openSync, readSync, closeSync, createReadStream, statSync } from "node:fs";
import tarStream from "tar-stream";
import type { EngineSession } from "./engine.js";
import { demux } from "./listening.js";

/** A port known to speak HTTP, and where to ask it. */
export interface HttpTarget {
  port: number;
  path: string;
  /** Why we think it is HTTP: "--http", "readinessProbe httpGet", "known image nginx" … */
  source: string;
}

/** What one GET answered: a status, or why there was none. */
export interface HttpAnswer {
  status?: number;
  error?: string;
}

const HELPER_MS = 8000;

/**
 * One GET from inside the container's own network namespace: a helper container (a static
 * busybox, nothing else) joins it with `NetworkMode: container:<id>` and runs `wget` against
 * 127.0.0.1. No published ports, no traffic off the machine, nothing needed in the image.
 * The helper image is made once per session, from the machine's static busybox, and removed
 * with the session.
 */
export class HttpChecker {
  private image: Promise<string> | undefined;

  constructor(
    private readonly session: EngineSession,
    private readonly busybox: string | undefined = findStaticBusybox(),
  ) {}

  /** Why HTTP checks cannot run here (undefined: they can). */
  get unavailable(): string | undefined {
    return this.busybox ? undefined : "no static busybox on this machine (install busybox-static, or set SHIPSHAPE_BUSYBOX)";
  }

  async get(containerId: string, target: HttpTarget): Promise<HttpAnswer> {
    if (!this.busybox) return { error: this.unavailable };
    this.image ??= this.makeImage(this.busybox);
    const image = await this.image;
    const url = `http://127.0.0.1:${target.port}${target.path.startsWith("/") ? target.path : `/${target.path}`}`;
    const docker = this.session.docker;
    const helper = await docker.createContainer({
      Image: image,
      name: this.session.name(`http-${Math.random().toString(36).slice(2, 7)}`),
      Labels: this.session.labels,
      User: "65534:65534",
      // not `wget -T`: busybox 1.35's static build crashes with it; `timeout` bounds it instead
      Entrypoint: ["/bin/busybox", "timeout", "5", "/bin/busybox", "wget", "-S", "-O", "/dev/null", url],
      HostConfig: {
        NetworkMode: `container:${containerId}`,
        CapDrop: ["ALL"],
        ReadonlyRootfs: true,
        SecurityOpt: ["no-new-privileges:true"],
        Memory: 64 * 1024 * 1024,
        PidsLimit: 16,
      },
    });
    this.session.track("container", helper.id);
    try {
      await helper.start();
      const done = await Promise.race([helper.wait(), new Promise((r) => setTimeout(() => r(undefined), HELPER_MS))]);
      const logs = await helper.logs({ stdout: true, stderr: true, follow: false });
      const { stdout, stderr } = demux(Buffer.from(logs as unknown as Buffer));
      return parseWget(`${stdout}\n${stderr}`, done === undefined);
    } catch (err) {
      return { error: `the HTTP helper failed: ${(err as Error).message}` };
    } finally {
      void this.session.removeContainer(helper.id);
    }
  }

  private async makeImage(busybox: string): Promise<string> {
    const pack = tarStream.pack();
    pack.entry({ name: "bin/", type: "directory", mode: 0o755 });
    const entry = pack.entry({ name: "bin/busybox", size: statSync(busybox).size, mode: 0o755 });
    createReadStream(busybox).pipe(entry);
    entry.on("finish", () => pack.finalize());
    const tag = `shipshape-probe/${this.session.runId}:http-helper`;
    const [repo, version] = tag.split(":");
    const stream = await this.session.docker.importImage(pack as unknown as string, {
      repo,
      tag: version,
      changes: Object.entries(this.session.labels).map(([k, v]) => `LABEL ${k}=${v}`),
    } as object);
    await new Promise<void>((resolve, reject) =>
      this.session.docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
    );
    const id = (await this.session.docker.getImage(tag).inspect()).Id;
    this.session.track("image", id);
    return id;
  }
}

/** "HTTP/1.1 404 Not Found" lines (the last one, after redirects), or what wget said instead. */
export function parseWget(output: string, timedOut: boolean): HttpAnswer {
  const statuses = [...output.matchAll(/HTTP\/\d(?:\.\d)?\s+(\d{3})/g)].map((m) => Number(m[1]));
  if (statuses.length) return { status: statuses.at(-1)! };
  if (timedOut) return { error: "no answer within 8s" };
  const said = output
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("wget:") || /timed out|terminated/i.test(l));
  return { error: said.at(-1)?.replace(/^wget:\s*/, "") ?? "no answer (the connection was held open or closed without a response)" };
}

export function statusClass(a: HttpAnswer): string {
  return a.status !== undefined ? `${Math.floor(a.status / 100)}xx` : "no answer";
}

export function describeAnswer(a: HttpAnswer): string {
  return a.status !== undefined ? `HTTP ${a.status}` : (a.error ?? "no answer");
}

/**
 * The machine's busybox when it is statically linked (it runs in an otherwise empty image):
 * an ELF file without a program interpreter.
 */
export function findStaticBusybox(): string | undefined {
  const candidates = [process.env.SHIPSHAPE_BUSYBOX, "/bin/busybox", "/usr/bin/busybox", "/usr/lib/initramfs-tools/bin/busybox"];
  return candidates.find((p): p is string => Boolean(p) && existsSync(p!) && isStaticElf(p!));
}

function isStaticElf(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const header = Buffer.alloc(64);
    readSync(fd, header, 0, 64, 0);
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) return false; // 64-bit little-endian ELF only
    const phoff = Number(header.readBigUInt64LE(32));
    const phentsize = header.readUInt16LE(54);
    const phnum = header.readUInt16LE(56);
    const table = Buffer.alloc(phentsize * phnum);
    readSync(fd, table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) if (table.readUInt32LE(i * phentsize) === 3) return false; // PT_INTERP: dynamically linked
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
