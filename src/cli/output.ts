import { rename, open } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../errors.js";

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

/** Write the report to --output (atomically, so a reader never sees half a file) or stdout. */
export function emit(text: string, output: string | undefined): Promise<void> {
  return emitChunks([text], output);
}

/** Like emit, for a text made of many pieces (a large JSON report): never joined in memory. */
export async function emitChunks(chunks: Iterable<string>, output: string | undefined): Promise<void> {
  // batch small pieces so the stream sees a few hundred writes, not one per finding
  const batches = function* () {
    let buf = "";
    for (const c of chunks) {
      buf += c;
      if (buf.length > 1 << 16) {
        yield buf;
        buf = "";
      }
    }
    if (buf) yield buf;
  };
  if (!output) {
    for (const b of batches()) {
      if (stdoutGone()) return;
      if (!process.stdout.write(b)) await drainedOrClosed(process.stdout);
    }
    return;
  }
  const tmp = path.join(path.dirname(output), `.${path.basename(output)}.${process.pid}.tmp`);
  try {
    const fh = await open(tmp, "w");
    try {
      for (const b of batches()) await fh.write(b);
    } finally {
      await fh.close();
    }
    await rename(tmp, output);
  } catch (e) {
    throw new UsageError(`cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

export async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
