import { normalizeImageRef } from "../pairing/image-ref.js";
import { KNOWN_IMAGES, type KnownImageEntry, type KnownImageVariant } from "./catalog.js";

/** One known image as a reference resolved to it: the variant for its tag, and how to name it. */
export interface KnownImage {
  entry: KnownImageEntry;
  variant: KnownImageVariant;
  /** the reference as written */
  ref: string;
  /** the tag it was matched by (`latest` when none is written) */
  tag: string;
}

/** The known-images variant a reference resolves to, or undefined (unknown image, or a tag no variant claims). */
export function knownImage(ref: string | undefined): KnownImage | undefined {
  if (!ref) return undefined;
  const parsed = normalizeImageRef(ref);
  if (!parsed) return undefined;
  const entry = KNOWN_IMAGES.find((e) => e.repositories.some((r) => repositoryMatches(r, parsed.repository)));
  if (!entry) return undefined;
  const tag = parsed.tag ?? (parsed.digest ? undefined : "latest");
  // a digest alone names no version: only a variant for every tag can be trusted
  const variant = tag === undefined ? entry.variants.find((v) => v.tags.includes("*")) : entry.variants.find((v) => v.tags.some((g) => globMatches(g, tag)));
  if (!variant) return undefined;
  return { entry, variant, ref, tag: tag ?? "(digest)" };
}

/** The address a known image's facts were read from (its commit is in the address), for evidence. */
export function knownImageSource(k: KnownImage): string {
  return k.variant.sources[0]!.url;
}

/** Whether the image config's user is a number, which the kubelet can check against runAsNonRoot. */
export function numericConfigUser(v: KnownImageVariant): boolean {
  return /^\d+(:\d+)?$/.test(v.user.config);
}

function repositoryMatches(pattern: string, repository: string): boolean {
  if (pattern.endsWith("/*")) return repository.startsWith(pattern.slice(0, -1));
  return pattern === repository;
}

const globCache = new Map<string, RegExp>();

export function globMatches(glob: string, text: string): boolean {
  let re = globCache.get(glob);
  if (!re) {
    const body = glob.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    re = new RegExp(`^${body}$`);
    globCache.set(glob, re);
  }
  return re.test(text);
}
