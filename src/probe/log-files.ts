import type Docker from "dockerode";
import tarStream from "tar-stream";
import { normalizePath } from "./inspect.js";

/** A log file the workload wrote, and its last lines. */
export interface LogFile {
  path: string;
  text: string;
}

const TAIL_BYTES = 64 * 1024;
const TOTAL_BYTES = 1024 * 1024;

/** Where daemons write what they do not print: /var/log, and files named like logs anywhere. */
export function isLogPath(p: string): boolean {
  return p.startsWith("/var/log/") || /\.(log|err)(\.\d+)?$/i.test(p) || /(^|\/)(error|access|server)[._-]?log$/i.test(p);
}

/**
 * The log files under `roots` (files or directories of the container: its scratch mounts,
 * its VOLUMEs, the log files its baseline wrote), read through the archive API — which works
 * for stopped containers and for volumes. Only regular files that look like logs (anything
 * under a root that is itself a log directory); the last 64 KiB of each.
 */
export async function readLogFiles(container: Docker.Container, roots: string[]): Promise<LogFile[]> {
  const files: LogFile[] = [];
  let total = 0;
  for (const root of [...new Set(roots)]) {
    if (total >= TOTAL_BYTES) break;
    const stream = await container.getArchive({ path: root }).catch(() => undefined);
    if (!stream) continue;
    const parent = root.slice(0, root.lastIndexOf("/"));
    const extract = tarStream.extract();
    await new Promise<void>((resolve) => {
      extract.on("entry", (header, body, next) => {
        // entries are named relative to the root's parent ("nginx/error.log")
        const p = normalizePath(`${parent}/${header.name}`);
        const wanted = header.type === "file" && (isLogPath(p) || isLogPath(root + "/")) && total < TOTAL_BYTES;
        if (!wanted) {
          body.on("end", () => next());
          body.resume();
          return;
        }
        let kept = Buffer.alloc(0);
        body.on("data", (d: unknown) => {
          kept = Buffer.concat([kept, d as Buffer]);
          if (kept.length > TAIL_BYTES) kept = kept.subarray(kept.length - TAIL_BYTES);
        });
        body.on("end", () => {
          total += kept.length;
          files.push({ path: p, text: kept.toString("utf8") });
          next();
        });
      });
      extract.on("finish", resolve);
      extract.on("error", () => resolve());
      stream.on("error", () => resolve());
      stream.pipe(extract);
    });
  }
  return files;
}
