import type { Stats } from "node:fs";

/**
 * How Docker's overlay2 storage lays out an image or a container on the engine's host: what
 * the probe reads there instead of asking the engine (upper-dir.ts, layer-facts.ts).
 */

/** The layer directories of an image (its top layer and the ones below) or a container (its writable layer, then its init layer and the image's), top first. */
export interface OverlayLayers {
  upper: string;
  lowers: string[];
}

/** From an inspect answer, an image's or a container's; undefined on another storage driver. */
export function overlayLayersOf(info: { GraphDriver?: { Name?: string; Data?: unknown } }): OverlayLayers | undefined {
  if (info.GraphDriver?.Name !== "overlay2") return undefined;
  // dockerode types an image's GraphDriver.Data as devicemapper's; overlay2 gives UpperDir/LowerDir
  const data = (info.GraphDriver.Data ?? {}) as Record<string, string | undefined>;
  if (!data.UpperDir) return undefined;
  return { upper: data.UpperDir, lowers: data.LowerDir?.split(":").filter(Boolean) ?? [] };
}

/** overlayfs marks a deletion with a character device 0:0. */
export function isWhiteout(s: Stats): boolean {
  return s.isCharacterDevice() && s.rdev === 0;
}
