import path from "node:path";
import type { Pos } from "../source/source-file.js";
import { locate, type SourceFile } from "../source/source-file.js";
import type { Evidence, EvidenceKind } from "./pair.js";

/**
 * One way the repository builds an image, as one build config states it. Paths are
 * relative to the scanned root; any text may hold unresolved markers (image-ref.ts).
 */
export interface ImageBuild {
  kind: EvidenceKind;
  /** where the build config says it (a Pos, so findings can point there) */
  at: Pos;
  /** one line for people: "artifact ghcr.io/acme/web, context src/web" */
  detail: string;
  /** the Dockerfile, relative to the root */
  dockerfile: string;
  context?: string;
  /** target stage (`--target`, `docker.target` …) */
  target?: string;
  /** the references it tags the image with; a tag-less one means `latest` when `tagsKnown` */
  images: string[];
  /**
   * false when the tag is chosen at deploy time (skaffold and Tilt rewrite the manifests)
   * or is otherwise unknowable: then no deployed tag can be called "never built".
   */
  tagsKnown: boolean;
  /** the tags come from a variable the user sets when building (a Makefile's `?=`): the default is not the only one */
  tagsOverridable?: boolean;
  /** build arguments the config passes (compose `args`, skaffold `buildArgs` …) */
  buildArgs?: Record<string, string>;
  /**
   * Dockerfiles to try, in order, when `dockerfile` does not exist (a script run from its
   * own folder or from the repository root); the first that exists is the one built.
   */
  fallbacks?: string[];
  /** other names deployments may give this image (a compose service name), matched by last path segment only */
  names?: string[];
  /** "medium" when the build is read from conventions rather than stated (a remote reusable workflow's inputs) */
  cap?: "medium";
  /**
   * Only these manifests deploy the build (Tilt rewrites only what its `k8s_yaml` loads):
   * root-relative files, or folders (a kustomization's, or a chart's) for all they hold.
   */
  deploys?: string[];
}

/**
 * `kustomize edit set image NAME=REF` in a script or recipe: at deploy time the
 * kustomization in `dir` makes every `NAME` image REF (kubebuilder's `make deploy`).
 */
export interface ImageRetag {
  kind: EvidenceKind;
  at: Pos;
  detail: string;
  /** the image name as the manifests write it */
  name: string;
  /** what it becomes (may hold unresolved parts) */
  to: string;
  /** the kustomization's folder, root-relative */
  dir: string;
}

/** An image built without a Dockerfile (ko, jib, buildpacks): for "why unpaired". */
export interface DockerlessImage {
  kind: EvidenceKind;
  at: Pos;
  tool: string;
  /** the image reference as written (may hold unresolved parts); '' when not named */
  image: string;
}

/**
 * What every evidence source may read and add besides builds. Sources get the other build
 * configs by path (a Makefile's `include`, a local reusable workflow), and add deploy-time
 * renames and Dockerfile-less builds. A new source (rendered output, issue 14) plugs in by
 * returning ImageBuilds and adding to these lists.
 */
export interface SourceContext {
  root: string;
  file(rel: string): SourceFile | undefined;
  retags: ImageRetag[];
  dockerless: DockerlessImage[];
}

export function evidenceOf(build: Pick<ImageBuild, "kind" | "at" | "detail">): Evidence {
  const { file, line } = locate(build.at);
  return { kind: build.kind, file, line, detail: build.detail };
}

/**
 * Join a path written in a build config onto the folder it is relative to, as a
 * root-relative '/' path; undefined when it leaves the root or is a URL.
 */
export function joinRel(base: string, p: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p) || p.startsWith("git@")) return undefined;
  const joined = path.posix.normalize(path.posix.join(base === "" ? "." : base, p));
  if (joined === ".." || joined.startsWith("../") || path.posix.isAbsolute(joined)) return undefined;
  return joined === "." ? "" : joined.replace(/\/$/, "");
}

/** The folder of a root-relative file path ('' for the root). */
export function dirOf(rel: string): string {
  const i = rel.lastIndexOf("/");
  return i === -1 ? "" : rel.slice(0, i);
}

/** `context/Dockerfile` when no dockerfile is named. */
export function dockerfileIn(context: string, dockerfile: string | undefined): string | undefined {
  return joinRel(context, dockerfile ?? "Dockerfile");
}
