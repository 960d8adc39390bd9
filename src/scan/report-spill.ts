import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** Where a piece of spilled text is: bytes in the file, or an index when kept in memory. */
export interface SpillRef {
  offset: number;
  bytes: number;
}

/**
 * Where a large scan keeps the rendered long lists of its report (findings, workloads)
 * until they are written out, so its memory does not grow with the repository. A
 * temporary file that is unlinked as soon as it is open: nothing is left behind, even when
 * the process is killed. Where no temporary file can be made, the text stays in memory.
 */
export class ReportSpill {
  private fd: number | undefined;
  /** a file that could not be unlinked while open (Windows): removed on close or exit */
  private path: string | undefined;
  private size = 0;
  private readonly memory: string[] = [];

  constructor() {
    let dir: string | undefined;
    try {
      dir = mkdtempSync(path.join(tmpdir(), "shipshape-scan-"));
      const file = path.join(dir, "report.spill");
      this.fd = openSync(file, "w+", 0o600);
      try {
        unlinkSync(file);
        rmdirSync(dir);
      } catch {
        this.path = dir;
        process.on("exit", this.removeOnExit);
      }
    } catch {
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Whether the text goes to a file (false: kept in memory). */
  get onDisk(): boolean {
    return this.fd !== undefined;
  }

  append(text: string): SpillRef {
    if (this.fd === undefined) {
      this.memory.push(text);
      return { offset: this.memory.length - 1, bytes: -1 };
    }
    const buf = Buffer.from(text, "utf8");
    const ref = { offset: this.size, bytes: buf.length };
    for (let done = 0; done < buf.length; ) done += writeSync(this.fd, buf, done, buf.length - done, this.size + done);
    this.size += buf.length;
    return ref;
  }

  read(ref: SpillRef): string {
    if (ref.bytes === -1) return this.memory[ref.offset]!;
    return this.readBytes(ref).toString("utf8");
  }

  /** The text's UTF-8 bytes: what a report copies to its output without decoding. */
  readBytes(ref: SpillRef): Buffer {
    if (ref.bytes === -1) return Buffer.from(this.memory[ref.offset]!, "utf8");
    if (this.fd === undefined) throw new Error("report spill read after close");
    const buf = Buffer.allocUnsafe(ref.bytes);
    for (let done = 0; done < ref.bytes; ) {
      const n = readSync(this.fd, buf, done, ref.bytes - done, ref.offset + done);
      if (n === 0) throw new Error("report spill is shorter than written");
      done += n;
    }
    return buf;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.memory.length = 0;
    this.removeOnExit();
    process.off("exit", this.removeOnExit);
  }

  private readonly removeOnExit = () => {
    if (this.path) rmSync(this.path, { recursive: true, force: true });
    this.path = undefined;
  };
}
