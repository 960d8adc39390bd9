import { fstatSync, unlinkSync, type Stats } from "node:fs";
import { lstat, mkdir, open, readlink, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { UsageError } from "../errors.js";
import type { ReportChunk } from "../report/report-list.js";

export function parseFormat<F extends string>(v: string, allowed: readonly F[]): F {
  if ((allowed as readonly string[]).includes(v)) return v as F;
  throw new UsageError(`--format: expected ${allowed.join(", ")}, got '${v}'`);
}

let stdoutReaderGone = false;

/**
 * When the reader of stdout stops early (`shipshape scan | head -1`), writes fail with EPIPE.
 * Like other command-line tools, stop writing quietly instead of dying with a stack trace;
 * the command still ends with its own exit code. main() calls it before any output.
 */
export function stopQuietlyOnClosedStdout(): void {
  if (process.stdout.listeners("error").includes(onStdoutError)) return;
  process.stdout.on("error", onStdoutError);
}

function onStdoutError(e: Error): void {
  if (!isEpipe(e)) throw e;
  stdoutReaderGone = true;
}

const isEpipe = (e: Error) => (e as NodeJS.ErrnoException).code === "EPIPE";

function stdoutGone(): boolean {
  return stdoutReaderGone || process.stdout.destroyed;
}

/** Resolves on 'drain', or when the stream fails or closes (no 'drain' would follow). */
function drainedOrClosed(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const event of ["drain", "error", "close"]) stream.off(event, done);
      resolve();
    };
    for (const event of ["drain", "error", "close"]) stream.once(event, done);
  });
}

/** Write the report to --output (see outputTarget for how) or stdout. */
export function emit(text: string, output: string | undefined): Promise<void> {
  return emitChunks([text], output);
}

/** Like emit, for a text made of many pieces (a large JSON report): never joined in memory. */
export async function emitChunks(chunks: Iterable<ReportChunk>, output: string | undefined): Promise<void> {
  const target = output === undefined ? ({ kind: "stdout" } as const) : await outputTarget(output);
  if (target.kind === "stdout") {
    for (const b of batched(chunks)) {
      if (stdoutGone()) return;
      if (!process.stdout.write(b)) await drainedOrClosed(process.stdout);
    }
    return;
  }
  try {
    if (target.kind === "through") await writeThrough(target.path, batched(chunks));
    else await replaceFile(target, batched(chunks));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== "string") throw e; // a bug while rendering, not a file the user named
    throw new UsageError(`cannot write ${output}: ${code}`);
  }
}

const BATCH = 1 << 16;

/**
 * Small pieces joined so the file or stream sees a few hundred writes, not one per
 * finding. Text stays text; bytes (copied from a scan's spill) are joined as bytes.
 */
function* batched(chunks: Iterable<ReportChunk>): Generator<ReportChunk> {
  let pieces: ReportChunk[] = [];
  let size = 0;
  const flush = (): ReportChunk => {
    const out = pieces.every((p) => typeof p === "string") ? pieces.join("") : Buffer.concat(pieces.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : p)));
    pieces = [];
    size = 0;
    return out;
  };
  for (const c of chunks) {
    if (typeof c !== "string" && c.length >= BATCH) {
      // a large piece goes as it is, after what came before it
      if (size) yield flush();
      yield c;
      continue;
    }
    pieces.push(c);
    size += c.length;
    if (size > BATCH) yield flush();
  }
  if (size) yield flush();
}

/**
 * How a report reaches the path given with --output:
 * - stdout: the path is this process's standard output (`/dev/stdout`, or the file stdout
 *   already goes to), which is written as a stream: appending stays appending;
 * - through: a FIFO or character device (`/dev/null`, a terminal) is opened and written,
 *   never replaced (as root, a rename over /dev/null would replace the device);
 * - replace: a regular file, or a new one, gets a temporary sibling renamed over it, so a
 *   reader never sees half a report; an existing file keeps its mode (and owner, as root).
 * Symlinks are followed to their target, which is what is written or created.
 */
export type OutputTarget =
  | { kind: "stdout" }
  | { kind: "through"; path: string }
  | { kind: "replace"; path: string; existing?: Pick<Stats, "mode" | "uid" | "gid"> };

/** Decide how to write `output` (throws a UsageError for a directory, a block device or a socket). */
export async function outputTarget(output: string): Promise<OutputTarget> {
  const fail = (what: string) => new UsageError(`--output ${output}: ${what}`);
  if (output === "" || /[\\/]$/.test(output)) throw fail("is a directory; give a file name");
  const final = await followLinks(path.resolve(output)).catch((e: NodeJS.ErrnoException) => {
    throw fail(e.code === "ELOOP" ? "too many levels of symbolic links" : `cannot resolve: ${e.code ?? e.message}`);
  });
  let st: Stats;
  try {
    st = await stat(final);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { kind: "replace", path: final };
    throw fail(`cannot write: ${code ?? String(e)}`);
  }
  if (st.isDirectory()) throw fail("is a directory; give a file name");
  if (isStandardOutput(st)) return { kind: "stdout" };
  if (st.isFile()) return { kind: "replace", path: final, existing: st };
  if (st.isFIFO() || st.isCharacterDevice()) return { kind: "through", path: final };
  throw fail(`is a ${st.isBlockDevice() ? "block device" : "socket"}, not a file to write a report to`);
}

/** Check --output before the work starts, so `--output .` fails at once, not after a long scan. */
export async function checkOutput(output: string | undefined): Promise<void> {
  if (output !== undefined) await outputTarget(output);
}

/**
 * The folder `--format kustomize --output DIR` writes into: never a file. `create: false`
 * only checks (before the work starts); `create: true` makes it when missing.
 */
export async function outputDirectory(dir: string, { create }: { create: boolean }): Promise<string> {
  const st = await stat(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return undefined;
    throw new UsageError(`--output ${dir}: ${e.code ?? e.message}`);
  });
  if (st && !st.isDirectory()) throw new UsageError(`--output ${dir}: not a directory (--format kustomize writes a folder)`);
  if (!st && create) {
    await mkdir(dir, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot create ${dir}: ${e.code ?? e.message}`);
    });
  }
  return dir;
}

/** The path a chain of symlinks ends at, whether or not that file exists yet (`ln -s new.json out`). */
async function followLinks(p: string): Promise<string> {
  for (let hops = 0; hops < 40; hops++) {
    let st: Stats;
    try {
      st = await lstat(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return p;
      throw e;
    }
    if (!st.isSymbolicLink()) return p;
    p = path.resolve(path.dirname(p), await readlink(p));
  }
  throw Object.assign(new Error("too many symbolic links"), { code: "ELOOP" });
}

function isStandardOutput(st: Stats): boolean {
  try {
    const out = fstatSync(1);
    return out.dev === st.dev && out.ino === st.ino;
  } catch {
    return false;
  }
}

async function writeThrough(file: string, batches: Iterable<ReportChunk>): Promise<void> {
  const fh = await open(file, "w");
  try {
    await writeAll(fh, batches);
  } finally {
    await fh.close();
  }
}

async function replaceFile(target: Extract<OutputTarget, { kind: "replace" }>, batches: Iterable<ReportChunk>): Promise<void> {
  const dir = path.dirname(target.path);
  // random and exclusive: a name nobody (no planted symlink) holds
  const tmp = path.join(dir, `.${path.basename(target.path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fh = await open(tmp, "wx", 0o666);
  pendingTemps.add(tmp);
  syncSignalCleanup();
  let renamed = false;
  try {
    try {
      await writeAll(fh, batches);
      const was = target.existing;
      if (was) {
        await fh.chmod(was.mode & 0o7777);
        if (process.getuid?.() === 0 && (was.uid !== 0 || was.gid !== 0)) await fh.chown(was.uid, was.gid).catch(() => undefined);
      }
    } finally {
      await fh.close();
    }
    await rename(tmp, target.path);
    renamed = true;
  } finally {
    pendingTemps.delete(tmp);
    if (!renamed) await unlink(tmp).catch(() => undefined);
    syncSignalCleanup();
  }
}

async function writeAll(fh: FileHandle, batches: Iterable<ReportChunk>): Promise<void> {
  for (const b of batches) {
    const bytes = typeof b === "string" ? Buffer.from(b, "utf8") : b;
    // a FIFO or device may take less than it was given
    for (let done = 0; done < bytes.length; ) done += (await fh.write(bytes, done, bytes.length - done)).bytesWritten;
  }
}

/**
 * Temporary files being written. A signal that ends the process (Ctrl-C, a closed
 * terminal, `kill`) must not leave one behind: while any exists, the signals remove them
 * first, then take their usual course.
 */
const pendingTemps = new Set<string>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const;
let cleanupInstalled = false;

function removePendingTemps(): void {
  for (const t of pendingTemps) {
    try {
      unlinkSync(t);
    } catch {
      // already gone
    }
  }
  pendingTemps.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removePendingTemps();
  syncSignalCleanup();
  // nobody else handles it: end the way the signal would have without us
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function syncSignalCleanup(): void {
  const wanted = pendingTemps.size > 0;
  if (wanted === cleanupInstalled) return;
  cleanupInstalled = wanted;
  for (const s of SIGNALS) {
    if (wanted) process.on(s, onSignal);
    else process.off(s, onSignal);
  }
  if (wanted) process.on("exit", removePendingTemps);
  else process.off("exit", removePendingTemps);
}

/** A line on stderr for something the user should know although the command goes on. */
export function warn(message: string | undefined): void {
  if (message) process.stderr.write(`shipshape: warning: ${message}\n`);
}

export async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
