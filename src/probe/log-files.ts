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

/** One entry of a folder read through the archive API. */
export interface ArchiveEntry {
  path: string;
  /** "link": a hard link to an entry read before it (the archive gives it no size of its own). */
  kind: "file" | "directory" | "link" | "other";
  size: number;
  mtimeMs: number;
}

/** A folder of the container: every entry in it, and the log files among them. */
export interface ReadFolder {
  root: string;
  entries: ArchiveEntry[];
  logs: LogFile[];
}

/**
 * The log files under `roots` (files or directories of the container: its scratch mounts,
 * its VOLUMEs, the log files its baseline wrote), read through the archive API — which works
 * for stopped containers and for volumes. Only regular files that look like logs (anything
 * under a root that is itself a log directory); the last 64 KiB of each.
 */
export async function readLogFiles(container: Docker.Container, roots: string[]): Promise<LogFile[]> {
  return (await readFolders(container, roots)).flatMap((f) => f.logs);
}

/**
 * Each root in one pass of the archive API: its entries (what a VOLUME holds after the run)
 * and its log files, as readLogFiles reads them. Roots that do not exist are left out.
 */
export async function readFolders(container: Docker.Container, roots: string[]): Promise<ReadFolder[]> {
  const folders: ReadFolder[] = [];
  let total = 0;
  for (const root of [...new Set(roots)]) {
    const stream = await container.getArchive({ path: root }).catch(() => undefined);
    if (!stream) continue;
    const folder: ReadFolder = { root, entries: [], logs: [] };
    folders.push(folder);
    const parent = root.slice(0, root.lastIndexOf("/"));
    const extract = tarStream.extract();
    await new Promise<void>((resolve) => {
      extract.on("entry", (header, body, next) => {
        // entries are named relative to the root's parent ("nginx/error.log")
        const p = normalizePath(`${parent}/${header.name}`);
        const kind = header.type === "file" ? "file" : header.type === "directory" ? "directory" : header.type === "link" ? "link" : "other";
        folder.entries.push({ path: p, kind, size: header.size ?? 0, mtimeMs: header.mtime?.getTime() ?? 0 });
        const wanted = kind === "file" && (isLogPath(p) || isLogPath(root + "/")) && total < TOTAL_BYTES;
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
          folder.logs.push({ path: p, text: kept.toString("utf8") });
          next();
        });
      });
      extract.on("finish", resolve);
      extract.on("error", () => resolve());
      stream.on("error", () => resolve());
      stream.pipe(extract);
    });
  }
  return folders;
}
