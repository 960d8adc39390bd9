import { type Dirent, lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from "node:fs";
import path from "node:path";
import { decodeFileCapabilities } from "./capabilities.js";
import { type CachedFacts, factsOfRead } from "./facts-cache.js";
import type { FileKind, ImageFacts, ImageFile } from "./inspect.js";
import { isWhiteout } from "./overlay.js";

/**
 * Image facts read from the image's overlay2 layers on this host, instead of exporting the
 * image through the engine: the export streams every byte of every file (0.4–1.4 s for a
 * Debian image, and it slows the trials starting beside it), while the facts need only each
 * entry's metadata, two xattrs and a few small files (~50 ms for the same image).
 *
 * Layers are merged as overlayfs merges them, top first: a whiteout (a 0:0 character device)
 * deletes the path below it, an opaque directory (`trusted.overlay.opaque=y`) hides what the
 * layers below hold under it. File capabilities are the `security.capability` xattr. Reading
 * xattrs needs the optional native module `@napi-rs/xattr`; without it, or when the layers
 * are not ours to read (another host, not root, rootless or user-namespaced storage, whose
 * owners are shifted), undefined: the caller exports the image.
 */
export async function readLayerFacts(layerDirs: string[], wanted: Set<string>, scriptLimit: number): Promise<CachedFacts | undefined> {
  if (layerDirs.length === 0) return undefined;
  const xattr = await loadXattr();
  if (!xattr) return undefined;
  try {
    // Docker's own storage is root's; user-namespaced storage has its owners shifted.
    if (!layerDirs.every((d) => lstatSync(d).uid === 0)) return undefined;
    return await mergeLayers(layerDirs, wanted, scriptLimit, xattr);
  } catch {
    return undefined; // unreadable (not root), removed meanwhile: the export still works
  }
}

interface Xattr {
  getAttributeSync(path: string, name: string): Buffer | null;
}

let xattrModule: Promise<Xattr | undefined> | undefined;
function loadXattr(): Promise<Xattr | undefined> {
  xattrModule ??= import("@napi-rs/xattr").then(
    (m) => m as Xattr,
    () => undefined, // an optional dependency: not installed, or no build for this platform
  );
  return xattrModule;
}

/** Entries between two yields to the event loop: trials are being watched meanwhile. */
const YIELD_EVERY = 200;

async function mergeLayers(layerDirs: string[], wanted: Set<string>, scriptLimit: number, xattr: Xattr): Promise<CachedFacts> {
  const files = new Map<string, ImageFile>();
  const contents = new Map<string, string>();
  const fileCapabilities: ImageFacts["fileCapabilities"] = [];
  // Paths under which the layers below are not seen: deleted, opaque, or not a directory above.
  const hiddenBelow = new Set<string>();
  let sinceYield = 0;
  for (const layer of layerDirs) {
    const hiddenHere: string[] = [];
    const visit = (p: string, host: string, s: Stats, kind: FileKind): void => {
      if (files.has(p)) {
        if (kind === "directory" && files.get(p)!.kind === "directory" && isOpaque(xattr, host)) hiddenHere.push(p);
        return;
      }
      files.set(p, {
        kind,
        mode: s.mode, // type bits included, as in the export's tar headers
        uid: s.uid,
        gid: s.gid,
        size: kind === "file" ? s.size : 0, // as the export's tar headers give it
        mtimeMs: Math.floor(s.mtimeMs / 1000) * 1000,
        ...(kind === "symlink" ? { linkTarget: readlinkSync(host) } : {}),
      });
      if (kind === "file") {
        const cap = xattr.getAttributeSync(host, "security.capability");
        if (cap) fileCapabilities.push({ path: p, capabilities: decodeFileCapabilities(cap) });
        const keep = s.size <= scriptLimit && (p === "/etc/passwd" || p === "/etc/group" || wanted.has(path.posix.basename(p)));
        if (keep) contents.set(p, readFileSync(host, "utf8"));
      }
      if (kind !== "directory") hiddenHere.push(p);
      else if (isOpaque(xattr, host)) hiddenHere.push(p);
    };
    const walk = async (rel: string): Promise<void> => {
      const dir = rel ? `${layer}${rel}` : layer;
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = `${rel}/${e.name}`;
        if (hiddenBelow.has(p)) continue;
        const host = `${dir}/${e.name}`;
        const s = lstatSync(host);
        if (isWhiteout(s)) {
          hiddenHere.push(p); // a whiteout: deleted here, and in every layer below
          continue;
        }
        visit(p, host, s, kindOf(e));
        if (e.isDirectory()) await walk(p);
        if (++sinceYield >= YIELD_EVERY) {
          sinceYield = 0;
          await new Promise((r) => setImmediate(r));
        }
      }
    };
    if (!files.has("/")) {
      const s = lstatSync(layer);
      files.set("/", { kind: "directory", mode: s.mode, uid: s.uid, gid: s.gid, size: 0, mtimeMs: Math.floor(s.mtimeMs / 1000) * 1000 });
    }
    await walk("");
    for (const p of hiddenHere) hiddenBelow.add(p);
  }
  // In the export's order (depth first, names sorted): which hidden files a mount lists first must not depend on how the facts were read.
  const sorted = new Map([...files].sort(([a], [b]) => byComponents(a, b)));
  return factsOfRead(
    sorted,
    contents,
    fileCapabilities.sort((a, b) => byComponents(a.path, b.path)),
    wanted,
  );
}

function byComponents(a: string, b: string): number {
  const x = a.split("/");
  const y = b.split("/");
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length - y.length;
}

function kindOf(e: Dirent): FileKind {
  return e.isFile() ? "file" : e.isDirectory() ? "directory" : e.isSymbolicLink() ? "symlink" : "other";
}

function isOpaque(xattr: Xattr, dir: string): boolean {
  return xattr.getAttributeSync(dir, "trusted.overlay.opaque")?.toString() === "y";
}
