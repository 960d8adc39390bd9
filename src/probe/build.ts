import { existsSync, statSync } from "node:fs";
import path from "node:path";
import tar from "tar-fs";
import { EngineError, UsageError } from "../errors.js";
import { EngineSession, shortMessage } from "./engine.js";
import { buildContextEntries } from "./build-context.js";

export interface BuildOptions {
  /** Build target stage. */
  target?: string;
  buildArgs?: Record<string, string>;
  /** Pull an image reference that is not in the engine (off by default: no surprise network traffic). */
  pull?: boolean;
  /** Called with each step line of the build, for progress. */
  onStep?: (line: string) => void;
}

export interface ProbeImage {
  /** What the user named: the image reference or the Dockerfile path. */
  ref: string;
  imageId: string;
  /** True when the probe built it (and will remove it). */
  built: boolean;
}

/**
 * An image reference as the engine parses it (distribution/reference): optional registry
 * host[:port], lowercase path components, optional tag and digest — or an image id.
 */
const REFERENCE =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d+)?|\[[0-9a-fA-F:]+\](?::\d+)?)\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;
const IMAGE_ID = /^(?:sha256:)?[0-9a-f]{12,64}$/;

/** A target that can only mean a file: relative or absolute path syntax, or a Dockerfile's name. */
export function looksLikePath(target: string): boolean {
  return (
    /^(?:\.{1,2}(?:\/|$)|\/|~)/.test(target) ||
    target.endsWith("/") ||
    target.includes("\\") ||
    /(?:^|\/)(?:[^/]*\.)?Dockerfile(?:\.[^/]*)?$|\.dockerfile$/i.test(target)
  );
}

/**
 * Decide what TARGET is before any engine call: an existing file or directory, else an image
 * reference. A missing path, or something that is neither, is the user's mistake — one line,
 * exit 2 — never a request to the engine (a malformed reference once became a DNS lookup).
 */
export function checkTarget(target: string): "path" | "image" {
  if (existsSync(target)) return "path";
  if (looksLikePath(target)) throw new UsageError(`no such file or directory: ${target}`);
  if (!REFERENCE.test(target) && !IMAGE_ID.test(target)) {
    throw new UsageError(`'${target}' is neither a file nor an image reference (like nginx:1.27 or ghcr.io/acme/web:1.4)`);
  }
  return "image";
}

/** TARGET is a Dockerfile, a directory holding one, or else an image reference. */
export async function resolveTarget(
  session: EngineSession,
  target: string,
  options: BuildOptions,
): Promise<ProbeImage> {
  if (checkTarget(target) === "path") {
    const stat = statSync(target);
    const dockerfile = stat.isDirectory() ? path.join(target, "Dockerfile") : target;
    if (!existsSync(dockerfile)) throw new UsageError(`no Dockerfile in ${target}`);
    return buildImage(session, dockerfile, options);
  }
  return findImage(session, target, options.pull === true);
}

async function findImage(session: EngineSession, ref: string, pull: boolean): Promise<ProbeImage> {
  const existing = await session.docker
    .getImage(ref)
    .inspect()
    .catch(() => undefined);
  if (existing) return { ref, imageId: existing.Id, built: false };
  if (!pull) throw new EngineError(`no such image: ${ref} (not in the engine; pull it first, or pass --pull)`);
  // Not local: one pull attempt. A pulled image is a cache entry, not something the probe made.
  try {
    const stream = await session.docker.pull(ref);
    await new Promise<void>((resolve, reject) =>
      session.docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
        const failed = out?.find((o) => o.error);
        if (err || failed) reject(err ?? new Error(failed!.error));
        else resolve();
      }),
    );
    const pulled = await session.docker.getImage(ref).inspect();
    return { ref, imageId: pulled.Id, built: false };
  } catch (err) {
    throw new EngineError(`no such image: ${ref} (not in the engine, and pulling failed: ${shortMessage(err)})`);
  }
}

/**
 * The classic builder reuses cached layers of other builds; when another build's image is
 * removed while ours steps onto its layer, the engine says "unknown parent image ID".
 * That is a race, not the user's Dockerfile: build once more.
 */
const LAYER_RACE = /unknown parent image ID|failed to set parent|failed to get digest sha256:|No such image: sha256:/;

async function buildImage(session: EngineSession, dockerfile: string, options: BuildOptions): Promise<ProbeImage> {
  try {
    return await buildOnce(session, dockerfile, options);
  } catch (err) {
    if (!(err instanceof EngineError) || !LAYER_RACE.test(err.message)) throw err;
    return buildOnce(session, dockerfile, options);
  }
}

async function buildOnce(session: EngineSession, dockerfile: string, options: BuildOptions): Promise<ProbeImage> {
  const contextDir = path.dirname(path.resolve(dockerfile));
  const dockerfileInContext = path.relative(contextDir, path.resolve(dockerfile)).split(path.sep).join("/");
  // exactly the entries docker's client would send; none of a directory's children beyond those listed
  const context = tar.pack(contextDir, { entries: buildContextEntries(contextDir, dockerfileInContext), ignore: () => true });
  const tag = `shipshape-probe/${session.runId}:build`;
  let stream: NodeJS.ReadableStream;
  try {
    stream = await session.docker.buildImage(context as unknown as NodeJS.ReadableStream, {
      t: tag,
      dockerfile: dockerfileInContext,
      target: options.target,
      buildargs: options.buildArgs,
      labels: session.labels,
      rm: true,
      forcerm: true,
    });
  } catch (err) {
    throw new EngineError(`build of ${dockerfile} failed: ${shortMessage(err)}`);
  }
  let imageId: string | undefined;
  let failure: string | undefined;
  const layers = new StepImages();
  await new Promise<void>((resolve, reject) =>
    session.docker.modem.followProgress(
      stream,
      (err: Error | null) => (err ? reject(err) : resolve()),
      (event: { stream?: string; error?: string; aux?: { ID?: string } }) => {
        if (event.error) failure = event.error;
        if (event.aux?.ID) imageId = event.aux.ID;
        for (const raw of (event.stream ?? "").split("\n")) {
          const line = raw.trim();
          if (line.startsWith("Step ")) options.onStep?.(line);
          layers.read(line);
        }
      },
    ),
  ).catch((err: unknown) => {
    failure ??= shortMessage(err);
  });
  if (!imageId) {
    // The classic builder reports the ID in aux; fall back to the tag when it does not.
    imageId = await session.docker
      .getImage(tag)
      .inspect()
      .then((i) => i.Id)
      .catch(() => undefined);
  }
  if (imageId) session.track("image", imageId);
  if (failure || !imageId) {
    // the steps that succeeded left their images (the classic builder keeps them as cache):
    // this build made them, so the session removes them, the deepest first
    for (const id of layers.made().reverse()) session.track("image", id);
    throw new EngineError(`build of ${dockerfile} failed: ${(failure ?? "no image produced").trim()}`);
  }
  return { ref: dockerfile, imageId, built: true };
}

/**
 * The images a classic build's steps made, read from its output: a step's last
 * ` ---> <id>` is its image, unless the step is a FROM (the base) or said "Using cache"
 * (an image another build made).
 */
class StepImages {
  private readonly ids: string[] = [];
  private current: { from: boolean; cached: boolean; id?: string } | undefined;

  read(line: string): void {
    if (line.startsWith("Step ")) {
      this.flush();
      this.current = { from: /^Step \d+\/\d+ : FROM\s/i.test(line), cached: false };
    } else if (this.current && line === "---> Using cache") this.current.cached = true;
    else if (this.current) {
      const id = /^---> ([0-9a-f]{12,64})$/.exec(line)?.[1];
      if (id) this.current.id = id;
    }
  }

  made(): string[] {
    this.flush();
    return [...this.ids];
  }

  private flush(): void {
    const c = this.current;
    if (c?.id && !c.from && !c.cached) this.ids.push(c.id);
    this.current = undefined;
  }
}
