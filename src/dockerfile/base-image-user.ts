import { knownImage, knownImageSource } from "../known-images/lookup.js";
import type { DockerUser, Stage } from "./model.js";

/**
 * The user an image runs as when no stage of its Dockerfile sets USER: its base image's,
 * when the base is a known image (gcr.io/distroless/static:nonroot runs as 65532,
 * python:3.12-slim as root). The FROM line is where it comes from.
 */
export function baseImageUser(root: Stage): DockerUser | undefined {
  const ref = root.baseImage.value;
  if (ref === "scratch") return undefined;
  const known = knownImage(ref);
  if (!known) return undefined;
  const { config, uid, gid } = known.variant.user;
  // the kubelet reads an empty image user as uid 0, like a numeric one
  const [user, group] = (config || "0").split(":");
  const named = !/^\d+$/.test(user!);
  return {
    raw: config || "(none: root)",
    node: root.node,
    user: user!,
    ...(group !== undefined ? { group } : {}),
    uid,
    ...(gid !== undefined ? { gid } : {}),
    resolvedBy: "base-image",
    detail: `the base image ${ref} runs as ${
      uid === 0 ? `root (${config ? `its user is '${config}'` : "it sets no user"})` : `'${config}' (${named ? "uid " : ""}${uid}${gid !== undefined ? `:${gid}` : ""})`
    }, per ${knownImageSource(known)}`,
    fromBase: { image: ref, source: knownImageSource(known) },
  };
}
