import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { ProbeImage } from "../../src/probe/build.js";
import { EngineSession } from "../../src/probe/engine.js";
import { overlayLayersOf } from "../../src/probe/overlay.js";
import { upperDirChanges, upperDirOf, upperDirPaths } from "../../src/probe/upper-dir.js";
import { buildFixture, describeWithEngine, engineReachable } from "./engine-fixture.js";

// Issue 13, speed: the baseline polls until its files stop changing. The engine's changes
// API walks the whole image each time; the writable layer on this host tells the same thing
// cheaply. It must see every change the API sees, deletions included.
const reachable = await engineReachable();
const canRead = process.getuid?.() === 0; // the engine's storage is root's

describeWithEngine("a container's writable layer, read from this host", reachable, () => {
  let session: EngineSession;
  let image: ProbeImage;
  beforeAll(async () => {
    session = await EngineSession.open();
    image = await buildFixture(session, "service-nothing");
  }, 120_000);
  afterAll(() => session?.close());

  test.skipIf(!canRead)("lists every path the changes API reports — added, changed and deleted — and a new one as soon as it is written", async () => {
    const container = await session.docker.createContainer({
      Image: image.imageId,
      Cmd: ["sh", "-c", "mkdir -p /var/x && echo a > /var/x/f && rm /etc/group && ln -s / /var/x/loop && touch /tmp/ready && sleep 1 && touch /tmp/later && sleep 30"],
      User: "0", // the image's own user may not write there
      Labels: session.labels,
      HostConfig: { NetworkMode: "none" },
    });
    session.track("container", container.id);
    await container.start();
    const info = await container.inspect();
    const upper = upperDirOf(info);
    expect(upper).toBeDefined();
    let paths: string[] | undefined = [];
    for (let i = 0; i < 100 && !paths?.includes("tmp/ready"); i++) {
      await new Promise((r) => setTimeout(r, 50));
      paths = await upperDirPaths(upper);
    }
    const api = ((await container.changes()) as Array<{ Path: string }>).map((c) => c.Path.slice(1));
    expect(paths).toContain("tmp/ready");
    expect(api).toEqual(expect.arrayContaining(["var/x/f", "etc/group"]));
    expect(paths).toEqual(expect.arrayContaining(api));
    // the symlink it made is listed, not followed
    expect(paths!.filter((p) => p.startsWith("var/x/loop/"))).toEqual([]);
    expect(paths).not.toContain("tmp/later");
    for (let i = 0; i < 100 && !paths?.includes("tmp/later"); i++) {
      await new Promise((r) => setTimeout(r, 50));
      paths = await upperDirPaths(upper);
    }
    expect(paths).toContain("tmp/later");
    await session.removeContainer(container.id);
  }, 60_000);

  test.skipIf(!canRead)("a container that wrote nothing has an empty layer, and the changes API agrees (the probe then does not ask it)", async () => {
    const container = await session.docker.createContainer({ Image: image.imageId, Labels: session.labels, HostConfig: { NetworkMode: "none" } });
    session.track("container", container.id);
    await container.start();
    await new Promise((r) => setTimeout(r, 500));
    expect(await upperDirPaths(upperDirOf(await container.inspect()))).toEqual([]);
    const api: unknown = await container.changes();
    expect(Array.isArray(api) ? api : []).toEqual([]);
    await session.removeContainer(container.id);
  }, 60_000);

  test.skipIf(!canRead)("what the container changed, read from its layers, is what the changes API says — plus a directory where files came and went", async () => {
    const container = await session.docker.createContainer({
      Image: image.imageId,
      // added, changed (mode), deleted, a file only opened for writing, a file made and removed
      Cmd: ["sh", "-c", "mkdir -p /var/x && echo a > /var/x/f && rm /etc/group && chmod 600 /etc/passwd && exec 3<>/www/index.html; touch /tmp/t && rm /tmp/t && touch /var/x/ready && sleep 30"],
      User: "0",
      Labels: session.labels,
      HostConfig: { NetworkMode: "none" },
    });
    session.track("container", container.id);
    await container.start();
    const layers = overlayLayersOf(await container.inspect());
    expect(layers).toBeDefined();
    for (let i = 0; i < 100 && !(await upperDirPaths(layers!.upper))?.includes("var/x/ready"); i++) await new Promise((r) => setTimeout(r, 50));
    const ours = await upperDirChanges(layers!);
    const api = ((await container.changes()) as Array<{ Path: string; Kind: number }>).map((c) => ({
      path: c.Path,
      kind: c.Kind === 1 ? "added" : c.Kind === 2 ? "deleted" : "changed",
    }));
    expect(api).toEqual(expect.arrayContaining([{ path: "/etc/group", kind: "deleted" }, { path: "/var/x/f", kind: "added" }, { path: "/etc/passwd", kind: "changed" }]));
    expect(ours).toEqual(expect.arrayContaining(api));
    expect(ours!.filter((c) => !api.some((a) => a.path === c.path))).toEqual([{ path: "/tmp", kind: "changed" }]);
    expect(ours!.map((c) => c.path)).not.toContain("/www/index.html");
    await session.removeContainer(container.id);
  }, 60_000);

  test("a layer that cannot be read gives no answer (the probe then asks the engine)", async () => {
    expect(await upperDirPaths("/nonexistent/shipshape/upper")).toBeUndefined();
    expect(upperDirOf({ GraphDriver: { Name: "vfs", Data: {} } })).toBeUndefined();
  });
});

describe("changes read from overlay layers on disk", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "shipshape-layers-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const layer = (name: string, files: Record<string, string>) => {
    const dir = path.join(root, name);
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      writeFileSync(path.join(dir, p), text);
    }
    mkdirSync(dir, { recursive: true });
    return dir;
  };

  test("a symlink in an image layer is not followed out to this host's files", async () => {
    const lower = layer("lower", {});
    mkdirSync(path.join(lower, "var"));
    symlinkSync("/etc", path.join(lower, "var", "run")); // on this host: the host's /etc
    const upper = layer("upper", { "var/run/passwd": "written by the container\n" });
    expect(await upperDirChanges({ upper, lowers: [lower] })).toEqual([
      { path: "/var", kind: "changed" },
      { path: "/var/run", kind: "changed" }, // a symlink made a directory
      { path: "/var/run/passwd", kind: "added" },
    ]);
  });

  test("a copied-up file with the image's size, mode and mtime is unchanged; the top layer that has a path decides", async () => {
    const base = layer("base", { "app/conf": "v1\n", "app/data": "old\n" });
    const top = layer("top", { "app/conf": "v2 longer\n" });
    const upper = layer("upper", { "app/conf": "v2 longer\n", "app/data": "new, longer\n" });
    // as a copy-up leaves them: the same times as the image's
    for (const p of ["app/conf", "app"]) for (const dir of [top, upper]) utimesSync(path.join(dir, p), 1_700_000_000, 1_700_000_000);
    const changes = await upperDirChanges({ upper, lowers: [top, base] });
    expect(changes).toEqual([
      { path: "/app", kind: "changed" },
      { path: "/app/data", kind: "changed" },
    ]);
  });

  test("an upper directory that cannot be read gives no answer", async () => {
    expect(await upperDirChanges({ upper: path.join(root, "missing"), lowers: [root] })).toBeUndefined();
  });
});
