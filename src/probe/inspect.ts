import path from "node:path";
import tarStream from "tar-stream";
import { type Capability, decodeFileCapabilities } from "./capabilities.js";
import { EngineSession } from "./engine.js";
import { type CachedFacts, factsCacheDir, factsOfRead, loadFacts, saveFacts } from "./facts-cache.js";
import { readLayerFacts } from "./layer-facts.js";
import { overlayLayersOf } from "./overlay.js";
import type { Account } from "./passwd.js";

export interface ImageConfig {
  user: string;
  entrypoint: string[];
  cmd: string[];
  env: string[];
  workingDir: string;
  exposedPorts: number[];
  /** Image `VOLUME` paths. */
  volumes: string[];
  hasHealthcheck: boolean;
}

export type FileKind = "file" | "directory" | "symlink" | "other";

export interface ImageFile {
  kind: FileKind;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtimeMs: number;
  linkTarget?: string;
}

export interface ImageFacts {
  imageId: string;
  config: ImageConfig;
  passwd: Account[];
  group: Account[];
  /** Every path of the image filesystem, absolute, without a trailing slash. */
  files: Map<string, ImageFile>;
  setuidFiles: string[];
  setgidFiles: string[];
  fileCapabilities: Array<{ path: string; capabilities: Capability[] }>;
  /** Text of small files named by the entrypoint/command (scripts), by absolute path. */
  scripts: Map<string, string>;
  /** How long reading the filesystem took, to keep the choice honest. */
  readMs: number;
  /** Read from the facts cache (same image id, an earlier run) instead of the image. */
  cached: boolean;
  /** Where they came from: the cache, the image's layers on this host, or an export through the engine. */
  source: "cache" | "layers" | "export";
}

const SCRIPT_LIMIT = 64 * 1024;

/** The image configuration: one API call, needed before the first trial. */
export async function readImageConfig(session: EngineSession, imageId: string): Promise<ImageConfig> {
  const info = await session.docker.getImage(imageId).inspect();
  const c = info.Config;
  return {
    user: c.User ?? "",
    entrypoint: asArgv(c.Entrypoint),
    cmd: asArgv(c.Cmd),
    env: c.Env ?? [],
    workingDir: c.WorkingDir || "/",
    exposedPorts: Object.keys(c.ExposedPorts ?? {})
      .filter((p) => p.endsWith("/tcp") || !p.includes("/"))
      .map((p) => Number.parseInt(p, 10))
      .filter((p) => Number.isFinite(p)),
    volumes: Object.keys(c.Volumes ?? {}).map((v) => normalizePath(v)),
    hasHealthcheck: Boolean(c.Healthcheck?.Test?.length && c.Healthcheck.Test[0] !== "NONE"),
  };
}

/**
 * Facts read without running the image, once per image id: an earlier run's facts for the
 * same id are reused (facts-cache.ts), unless this command names scripts they lack. It runs
 * alongside the baseline.
 */
export async function inspectImage(
  session: EngineSession,
  imageId: string,
  config: ImageConfig,
  argv: string[],
  /** null: no cache (read the image) */
  cacheDir: string | null = factsCacheDir() ?? null,
): Promise<ImageFacts> {
  const wanted = new Set([...config.entrypoint, ...config.cmd, ...argv].map((a) => path.posix.basename(a)));
  const started = Date.now();
  let facts = cacheDir ? loadFacts(imageId, cacheDir) : undefined;
  const cached = facts !== undefined && coversScripts(facts, wanted);
  let source: ImageFacts["source"] = "cache";
  if (!facts || !cached) {
    // SHIPSHAPE_IMAGE_FACTS=export: always export (what a probe without access to the storage does; for measuring)
    const layersAllowed = session.hostProcVisible && process.env.SHIPSHAPE_IMAGE_FACTS !== "export";
    const fromLayers = layersAllowed ? await readLayerFacts(await layerDirsOf(session, imageId), wanted, SCRIPT_LIMIT) : undefined;
    source = fromLayers ? "layers" : "export";
    facts = fromLayers ?? (await exportFacts(session, imageId, wanted));
    if (cacheDir) saveFacts(imageId, facts, cacheDir);
  }
  const { scriptNames: _names, ...rest } = facts;
  return { imageId, config, ...rest, readMs: Date.now() - started, cached, source };
}

/** The image's overlay2 layer directories on the engine's host, top first; none on another storage driver. */
async function layerDirsOf(session: EngineSession, imageId: string): Promise<string[]> {
  const layers = overlayLayersOf(await session.docker.getImage(imageId).inspect());
  return layers ? [layers.upper, ...layers.lowers] : [];
}

/** The cached scripts are those of every name asked, or no file of the image bears the other names. */
function coversScripts(facts: CachedFacts, wanted: Set<string>): boolean {
  const missing = [...wanted].filter((n) => !facts.scriptNames.includes(n));
  if (missing.length === 0) return true;
  for (const [p, f] of facts.files) if (f.kind === "file" && f.size <= SCRIPT_LIMIT && missing.includes(path.posix.basename(p))) return false;
  return true;
}

/**
 * Without the layers: we export the filesystem of a created, never started container: one streamed pass gives
 * the full file list with modes (setuid bits), `security.capability` xattrs (moby puts them
 * in PAX headers), passwd/group and the entrypoint script, with no shell needed in the image.
 */
export async function exportFacts(session: EngineSession, imageId: string, wanted: Set<string>): Promise<CachedFacts> {
  const container = await session.docker.createContainer({
    Image: imageId,
    Entrypoint: ["/nonexistent"], // never started; a harmless value for images without one
    Labels: session.labels,
    name: session.name(`inspect-${Math.random().toString(36).slice(2, 7)}`),
    HostConfig: { NetworkMode: "none" },
  });
  session.track("container", container.id);
  const files = new Map<string, ImageFile>();
  const contents = new Map<string, string>();
  const fileCapabilities: ImageFacts["fileCapabilities"] = [];
  try {
    const stream = await container.export();
    const extract = tarStream.extract();
    const done = new Promise<void>((resolve, reject) => {
      extract.on("finish", resolve);
      extract.on("error", reject);
      stream.on("error", reject);
    });
    extract.on("entry", (header, body, next) => {
      const p = normalizePath(header.name);
      const kind: FileKind =
        header.type === "file" || header.type === "contiguous-file" || header.type === "link"
          ? "file"
          : header.type === "directory"
            ? "directory"
            : header.type === "symlink"
              ? "symlink"
              : "other";
      files.set(p, {
        kind,
        mode: header.mode ?? 0,
        uid: header.uid ?? 0,
        gid: header.gid ?? 0,
        size: header.size ?? 0,
        mtimeMs: header.mtime?.getTime() ?? 0,
        linkTarget: header.linkname ?? undefined,
      });
      const pax = (header as { pax?: Record<string, string> }).pax;
      const cap = pax?.["SCHILY.xattr.security.capability"];
      if (cap) fileCapabilities.push({ path: p, capabilities: decodeFileCapabilities(Buffer.from(cap, "latin1")) });
      const keep =
        kind === "file" &&
        (header.size ?? 0) <= SCRIPT_LIMIT &&
        (p === "/etc/passwd" || p === "/etc/group" || wanted.has(path.posix.basename(p)));
      if (!keep) {
        body.on("end", () => next());
        body.resume();
        return;
      }
      const chunks: Buffer[] = [];
      body.on("data", (d: unknown) => chunks.push(d as Buffer));
      body.on("end", () => {
        contents.set(p, Buffer.concat(chunks).toString("utf8"));
        next();
      });
    });
    stream.pipe(extract);
    await done;
  } finally {
    void session.removeContainer(container.id); // the session waits for it when it closes
  }
  return factsOfRead(files, contents, fileCapabilities, wanted);
}

function asArgv(v: string[] | string | null | undefined): string[] {
  if (!v) return [];
  return Array.isArray(v) ? v : [v];
}

/** Absolute, no trailing slash, no `./` — the form every path in the probe uses. */
export function normalizePath(p: string): string {
  const abs = path.posix.normalize("/" + p.replace(/^\.\//, ""));
  return abs.length > 1 ? abs.replace(/\/+$/, "") : abs;
}

/** Follow symlinks inside the image (absolute and relative), bounded against loops. */
export function resolveInImage(files: Map<string, ImageFile>, p: string): string {
  let current = normalizePath(p);
  for (let hops = 0; hops < 16; hops++) {
    const parts = current.split("/").filter(Boolean);
    let resolved = "";
    let changed = false;
    for (let i = 0; i < parts.length; i++) {
      const next = `${resolved}/${parts[i]}`;
      const f = files.get(next);
      if (f?.kind === "symlink" && f.linkTarget) {
        const target = f.linkTarget.startsWith("/") ? f.linkTarget : path.posix.join(resolved || "/", f.linkTarget);
        current = normalizePath([target, ...parts.slice(i + 1)].join("/"));
        changed = true;
        break;
      }
      resolved = next;
    }
    if (!changed) return resolved || "/";
  }
  return current;
}
