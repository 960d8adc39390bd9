import type { ContainerImageFacts } from "../../src/analyze/define.js";
import { knownImageSource } from "../../src/known-images/lookup.js";
import { userRef } from "../consistency/places.js";

/**
 * Whether the container's image runs as root, when that is known without running it (its
 * paired Dockerfile's USER or known base image, or the known-images list), and where that is
 * said. A named USER that is not root counts as non-root even when its uid is unknown.
 */
export function imageUser(image: ContainerImageFacts): { root: boolean; where: string } | undefined {
  const user = image.dockerfile?.effectiveUser;
  if (user) {
    if (user.uid !== undefined) return { root: user.uid === 0, where: userRef(user) };
    if (user.user === "" || /\$/.test(user.user)) return undefined; // a variable with no value: anything
    return { root: user.user === "root", where: userRef(user) };
  }
  if (image.dockerfile || !image.known) return undefined;
  const { variant, ref } = image.known;
  const config = variant.user.config;
  return {
    root: variant.user.uid === 0,
    where: `${ref} (${config && config !== "0" ? `runs as '${config}', uid ${variant.user.uid}` : "sets no user: root"}, per ${knownImageSource(image.known)})`,
  };
}
