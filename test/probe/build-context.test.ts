import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { resolveTarget } from "../../src/probe/build.js";
import { buildContextEntries } from "../../src/probe/build-context.js";
import { EngineSession, PROBE_LABEL } from "../../src/probe/engine.js";
import { describeWithEngine, engineReachable } from "./engine-fixture.js";

const reachable = await engineReachable();
const tmp = mkdtempSync(path.join(tmpdir(), "shipshape-build-context-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A build context: every file is named in `files` (a value of null makes a directory). */
function context(name: string, files: Record<string, string | null>, links: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmp, `${name}-`));
  for (const [rel, text] of Object.entries({ Dockerfile: "FROM scratch\nCOPY . /ctx/\n", ...files })) {
    const abs = path.join(dir, rel);
    if (text === null) mkdirSync(abs, { recursive: true });
    else {
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, text);
    }
  }
  for (const [rel, target] of Object.entries(links)) symlinkSync(target, path.join(dir, rel));
  return dir;
}

/** Where Docker's rules and gitignore's part ways (each line says what Docker does). */
const differing = () =>
  context(
    "differing",
    {
      ".dockerignore": [
        "# a comment; the Dockerfile and .dockerignore are sent although excluded",
        "Dockerfile",
        ".dockerignore",
        "node_modules", // the top-level one only: app/node_modules is sent
        "*.log", // top.log only: sub/x.log is sent
        "logs", // excluded, but an exception re-includes a file under it
        "!logs/keep.txt",
        "build/", // the trailing slash is cleaned away: a file named build is excluded too
        "readme.md", // case-sensitive: README.md is sent
        "cache/**", // everything under cache/ …
        "!cache/**/wanted.txt", // … but cache/wanted.txt; cache/deep/ is not walked, so its wanted.txt stays out
        "/abs.txt", // a leading slash is the context's root
        "  spaced.txt  ", // trimmed
      ].join("\n"),
      "app/node_modules/dep/index.js": "x",
      "node_modules/top.js": "x",
      "top.log": "x",
      "sub/x.log": "x",
      "logs/a.txt": "x",
      "logs/keep.txt": "x",
      build: "a file",
      "sub/build/out.txt": "x",
      "README.md": "x",
      "cache/wanted.txt": "x",
      "cache/other.txt": "x",
      "cache/deep/wanted.txt": "x",
      "abs.txt": "x",
      "sub/abs.txt": "x",
      "spaced.txt": "x",
      "empty-dir": null,
    },
    { "link-to-app": "app" },
  );

const DIFFERING_SENT = [
  ".dockerignore",
  "Dockerfile",
  "README.md",
  "app",
  "app/node_modules",
  "app/node_modules/dep",
  "app/node_modules/dep/index.js",
  "cache", // `cache/**` matches what is under it, not cache itself
  "cache/wanted.txt",
  "empty-dir",
  "link-to-app",
  "logs/keep.txt",
  "sub",
  "sub/abs.txt",
  "sub/build",
  "sub/build/out.txt",
  "sub/x.log",
];

/** `*` does not cross '/', and a directory it excludes is re-included whole by `!dir`. */
const star = () => context("star", { ".dockerignore": "*\n!src\n", "src/a.js": "x", "src/deep/b.js": "x", "other.txt": "x" });
const STAR_SENT = [".dockerignore", "Dockerfile", "src", "src/a.js", "src/deep", "src/deep/b.js"];

test("the build context is what Docker's client sends, not what gitignore rules would keep", () => {
  expect(buildContextEntries(differing(), "Dockerfile").sort()).toEqual(DIFFERING_SENT);
  expect(buildContextEntries(star(), "Dockerfile").sort()).toEqual(STAR_SENT);
});

test("a Dockerfile in a sub-directory that .dockerignore excludes is still sent, alone", () => {
  const dir = context("nested", { ".dockerignore": "docker\n", "docker/Dockerfile.prod": "FROM scratch\n", "docker/other": "x", "app.js": "x" });
  expect(buildContextEntries(dir, "docker/Dockerfile.prod").sort()).toEqual([".dockerignore", "Dockerfile", "app.js", "docker/Dockerfile.prod"]);
});

describeWithEngine("the probe's build context against a real `docker build`", reachable, () => {
  const runId = `build-context-${randomBytes(4).toString("hex")}`;
  const images: string[] = [];
  afterAll(() => {
    for (const id of images) execFileSync("docker", ["rmi", "-f", id], { stdio: "ignore" });
  });

  /** The files under /ctx of an image, read back through `docker export` of a created (never started) container. */
  function filesIn(image: string): string[] {
    const id = execFileSync("docker", ["create", "--label", `${PROBE_LABEL}=${runId}`, image, "/none"], { encoding: "utf8" }).trim();
    let listing: string;
    try {
      listing = execFileSync("sh", ["-c", `docker export ${id} | tar -t`], { encoding: "utf8", maxBuffer: 64 << 20 });
    } finally {
      execFileSync("docker", ["rm", "-f", id], { stdio: "ignore" });
    }
    return listing
      .split("\n")
      .filter((l) => l.startsWith("ctx/") && l !== "ctx/")
      .map((l) => l.slice("ctx/".length).replace(/\/$/, ""))
      .sort();
  }

  /** What the docker CLI's classic builder (it sends the context itself) puts in the image. */
  function dockerBuild(dir: string): string {
    const iid = `${dir}.iid`;
    execFileSync("docker", ["build", "-q", "--label", `${PROBE_LABEL}=${runId}`, "--iidfile", iid, dir], {
      env: { ...process.env, DOCKER_BUILDKIT: "0" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const id = execFileSync("cat", [iid], { encoding: "utf8" }).trim();
    images.push(id);
    return id;
  }

  test.each([
    ["differing", differing, DIFFERING_SENT],
    ["star", star, STAR_SENT],
  ])("%s: the same files as docker build", async (_name, make, sent) => {
    const dir = make();
    const reference = filesIn(dockerBuild(dir));
    const session = await EngineSession.open();
    try {
      const image = await resolveTarget(session, dir, {});
      const ours = filesIn(image.imageId);
      expect(ours).toEqual(reference);
      // the daemon drops the Dockerfile and .dockerignore from the context when they are excluded
      expect(ours).toEqual(expect.arrayContaining(sent.filter((f) => f !== "Dockerfile" && f !== ".dockerignore")));
    } finally {
      await session.close();
    }
  });
});
