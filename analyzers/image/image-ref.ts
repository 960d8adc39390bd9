import { splitImageRef, type SplitRef } from "../../src/pairing/image-ref.js";

/** An image reference split the way the container runtime reads it: name[:tag][@digest]. */
export type ImageRef = SplitRef;

/** The one parser pairing uses too, so a rule and a pair never read a reference differently. */
export const parseImageRef: (ref: string) => ImageRef = splitImageRef;

/** Text a template or CI step fills in later; nothing can be said about it. */
export function isPlaceholder(ref: string): boolean {
  return ref.includes("$") || ref.includes("{{") || ref.trim() === "";
}

const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
export function isValidDigest(digest: string): boolean {
  return DIGEST.test(digest);
}

/** Tags that name a moving target rather than a release: latest, stable, main, alpine … */
export function isMutableTag(tag: string): boolean {
  if (tag === "latest") return true;
  // a release tag carries a version or a commit; a tag without any digit is a channel or branch
  return !/\d/.test(tag);
}
