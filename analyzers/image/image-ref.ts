/** An image reference split the way the container runtime reads it: name[:tag][@digest]. */
export interface ImageRef {
  name: string;
  tag?: string;
  digest?: string;
}

export function parseImageRef(ref: string): ImageRef {
  const at = ref.indexOf("@");
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const rest = at >= 0 ? ref.slice(0, at) : ref;
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  // a colon before the last slash is a registry port (localhost:5000/app)
  if (colon > slash) return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { name: rest, digest };
}

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
