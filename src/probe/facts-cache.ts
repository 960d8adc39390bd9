import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Capability } from "./capabilities.js";
import { type Account, parseGroup, parsePasswd } from "./passwd.js";
import type { FileKind, ImageFacts, ImageFile } from "./inspect.js";

/**
 * Image facts kept between runs, keyed by image id. An image id is the digest of the image's
 * configuration, which names the digests of its layers: the same id is the same filesystem,
 * whatever tag points at it, so facts read once stay true. Reading them (a full export of
 * ~100 MB for a Debian-based image) is the largest fixed cost of a probe. The only entries
 * that differ between two reads are those Docker's init layer adds to every container
 * (/.dockerenv, /dev/…, /etc/hosts …): their times are the container's, and nothing uses them.
 */
/** What an image's filesystem says, without what a run adds (its config, how long the read took). */
export type CachedFacts = Pick<ImageFacts, "passwd" | "group" | "files" | "setuidFiles" | "setgidFiles" | "fileCapabilities" | "scripts"> & {
  /** Basenames whose small files were kept as scripts: a later command naming others needs a new read. */
  scriptNames: string[];
};

/**
 * The facts of one read of an image's files (an export, or its layers): every entry, the
 * text of the small files kept (passwd, group, scripts named by the command), and the file
 * capabilities found.
 */
export function factsOfRead(
  files: Map<string, ImageFile>,
  contents: Map<string, string>,
  fileCapabilities: CachedFacts["fileCapabilities"],
  wanted: Set<string>,
): CachedFacts {
  const regular = [...files].filter(([, f]) => f.kind === "file");
  return {
    passwd: parsePasswd(contents.get("/etc/passwd") ?? ""),
    group: parseGroup(contents.get("/etc/group") ?? ""),
    files,
    setuidFiles: regular.filter(([, f]) => f.mode & 0o4000).map(([p]) => p),
    setgidFiles: regular.filter(([, f]) => f.mode & 0o2000).map(([p]) => p),
    fileCapabilities,
    scripts: new Map([...contents].filter(([p]) => p !== "/etc/passwd" && p !== "/etc/group")),
    scriptNames: [...wanted].sort(),
  };
}

const VERSION = 1;
/** Entries kept; the oldest go first (a Debian image's entry is ~0.5 MB). */
const MAX_ENTRIES = 32;

type FileRow = [string, FileKind, number, number, number, number, number, string?];

interface Stored {
  version: number;
  imageId: string;
  passwd: Account[];
  group: Account[];
  files: FileRow[];
  setuidFiles: string[];
  setgidFiles: string[];
  fileCapabilities: Array<{ path: string; capabilities: Capability[] }>;
  scripts: Array<[string, string]>;
  scriptNames: string[];
}

/** `$SHIPSHAPE_CACHE_DIR/image-facts`, else `$XDG_CACHE_HOME/shipshape/image-facts` (~/.cache); `SHIPSHAPE_CACHE_DIR=off` disables it. */
export function factsCacheDir(): string | undefined {
  const own = process.env.SHIPSHAPE_CACHE_DIR;
  if (own === "off") return undefined;
  if (own) return path.join(own, "image-facts");
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "shipshape", "image-facts");
}

function entryPath(dir: string, imageId: string): string | undefined {
  const hex = /^(?:sha256:)?([0-9a-f]{64})$/.exec(imageId)?.[1];
  return hex ? path.join(dir, `${hex}.json`) : undefined; // only content-addressed ids are safe keys
}

/** The stored facts of this image, or undefined (none, unreadable, another version). */
export function loadFacts(imageId: string, dir: string): CachedFacts | undefined {
  const file = entryPath(dir, imageId);
  if (!file) return undefined;
  let s: Stored;
  try {
    s = JSON.parse(readFileSync(file, "utf8")) as Stored;
  } catch {
    return undefined;
  }
  if (s.version !== VERSION || s.imageId !== imageId || !Array.isArray(s.files)) return undefined;
  const files = new Map<string, ImageFile>();
  for (const [p, kind, mode, uid, gid, size, mtimeMs, linkTarget] of s.files) {
    files.set(p, { kind, mode, uid, gid, size, mtimeMs, ...(linkTarget !== undefined ? { linkTarget } : {}) });
  }
  return {
    passwd: s.passwd,
    group: s.group,
    files,
    setuidFiles: s.setuidFiles,
    setgidFiles: s.setgidFiles,
    fileCapabilities: s.fileCapabilities,
    scripts: new Map(s.scripts),
    scriptNames: s.scriptNames,
  };
}

/** Store atomically (several probes may share the directory); a cache that cannot be written is no error. */
export function saveFacts(imageId: string, facts: CachedFacts, dir: string): void {
  const file = entryPath(dir, imageId);
  if (!file) return;
  const stored: Stored = {
    version: VERSION,
    imageId,
    passwd: facts.passwd,
    group: facts.group,
    files: [...facts.files].map(([p, f]) => {
      const row: FileRow = [p, f.kind, f.mode, f.uid, f.gid, f.size, f.mtimeMs];
      if (f.linkTarget !== undefined) row.push(f.linkTarget);
      return row;
    }),
    setuidFiles: facts.setuidFiles,
    setgidFiles: facts.setgidFiles,
    fileCapabilities: facts.fileCapabilities,
    scripts: [...facts.scripts],
    scriptNames: facts.scriptNames,
  };
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, JSON.stringify(stored));
    renameSync(tmp, file);
    prune(dir);
  } catch {
    // read-only home, full disk: the next run reads the image again
  }
}

function prune(dir: string): void {
  const entries = readdirSync(dir)
    .filter((n) => n.endsWith(".json"))
    .map((n) => {
      try {
        return { n, at: statSync(path.join(dir, n)).mtimeMs };
      } catch {
        return { n, at: 0 };
      }
    })
    .sort((a, b) => b.at - a.at);
  for (const { n } of entries.slice(MAX_ENTRIES)) {
    try {
      unlinkSync(path.join(dir, n));
    } catch {
      // another probe pruned it first
    }
  }
}
