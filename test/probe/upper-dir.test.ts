import { afterAll, beforeAll, expect, test } from "vitest";
import type { ProbeImage } from "../../src/probe/build.js";
import { EngineSession } from "../../src/probe/engine.js";
import { upperDirOf, upperDirPaths } from "../../src/probe/upper-dir.js";
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

  test("a layer that cannot be read gives no answer (the probe then asks the engine)", async () => {
    expect(await upperDirPaths("/nonexistent/shipshape/upper")).toBeUndefined();
    expect(upperDirOf({ GraphDriver: { Name: "vfs", Data: {} } })).toBeUndefined();
  });
});
