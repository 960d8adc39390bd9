import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { resolveTarget, type ProbeImage } from "../../src/probe/build.js";
import { EngineSession } from "../../src/probe/engine.js";
import { type ImageFacts, inspectImage, readImageConfig } from "../../src/probe/inspect.js";
import { describeWithEngine, engineReachable } from "./engine-fixture.js";

// Issue 13, speed: reading an image's files (a full export) is done once per image id and
// kept between runs; a cached read must give exactly the facts a fresh read gives.
const reachable = await engineReachable();

const DOCKERFILE = `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir -p /etc /app /tmp && printf "root:x:0:0:root:/root:/bin/sh\\napp:x:10001:10001::/app:/bin/sh\\n" > /etc/passwd \\
 && printf "root:x:0:\\napp:x:10001:\\n" > /etc/group \\
 && cp /bin/busybox /app/helper && chmod 4755 /app/helper && chmod 2755 /tmp \\
 && printf "#!/bin/sh\\nexec su app -c 'sleep 1'\\n" > /app/start.sh && chmod 755 /app/start.sh
CMD ["sh", "-c", "echo hi"]
`;

describeWithEngine("image facts cached per image id", reachable, () => {
  let session: EngineSession;
  let image: ProbeImage;
  let cacheDir: string;
  beforeAll(async () => {
    session = await EngineSession.open();
    const ctx = mkdtempSync(path.join(tmpdir(), "shipshape-facts-"));
    try {
      writeFileSync(path.join(ctx, "Dockerfile"), DOCKERFILE);
      cpSync("/bin/busybox", path.join(ctx, "busybox"));
      image = await resolveTarget(session, ctx, {});
    } finally {
      rmSync(ctx, { recursive: true, force: true });
    }
  }, 120_000);
  afterAll(async () => {
    await session?.close();
    for (const d of cacheDirs) rmSync(d, { recursive: true, force: true });
  });
  // every test takes a fresh cache folder; all of them are removed at the end
  const cacheDirs: string[] = [];
  const fresh = () => {
    cacheDir = mkdtempSync(path.join(tmpdir(), "shipshape-facts-cache-"));
    cacheDirs.push(cacheDir);
    return cacheDir;
  };
  const read = async (argv: string[], dir: string | null) => inspectImage(session, image.imageId, await readImageConfig(session, image.imageId), argv, dir);
  // What Docker's init layer adds to every container (/.dockerenv, /dev/console, /etc/hosts …,
  // and so their directories' times) carries the export container's creation time; the image's own files do not.
  const initLayer = (p: string) =>
    ["/", "/.dockerenv", "/etc", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/etc/mtab", "/proc", "/sys"].includes(p) || p === "/dev" || p.startsWith("/dev/");
  const content = (f: ImageFacts) => ({
    passwd: f.passwd,
    group: f.group,
    files: [...f.files].map(([p, x]) => [p, x.kind, x.mode, x.uid, x.gid, x.size, initLayer(p) ? "creation time" : x.mtimeMs, x.linkTarget ?? null]),
    setuidFiles: f.setuidFiles,
    setgidFiles: f.setgidFiles,
    fileCapabilities: f.fileCapabilities,
    scripts: [...f.scripts],
  });

  test("a second read of the same image comes from the cache and equals a fresh read", async () => {
    const dir = fresh();
    const first = await read(["sh", "-c", "echo hi"], dir);
    const second = await read(["sh", "-c", "echo hi"], dir);
    await new Promise((r) => setTimeout(r, 1100)); // another second: the init layer's times differ for sure
    const uncached = await read(["sh", "-c", "echo hi"], null);
    expect([first.cached, second.cached, uncached.cached]).toEqual([false, true, false]);
    expect(first.setuidFiles).toContain("/app/helper");
    expect(content(second)).toEqual(content(uncached));
    expect(content(first)).toEqual(content(uncached));
  }, 60_000);

  test("a command naming a script the cached read did not keep reads the image again", async () => {
    const dir = fresh();
    const first = await read(["sh", "-c", "echo hi"], dir);
    expect(first.scripts.has("/app/start.sh")).toBe(false);
    const other = await read(["/app/start.sh"], dir);
    expect(other.cached).toBe(false);
    expect(other.scripts.get("/app/start.sh")).toMatch(/exec su app/);
    // and that read is now the cached one
    expect((await read(["/app/start.sh"], dir)).cached).toBe(true);
  }, 60_000);

  test("a damaged cache entry is ignored and replaced", async () => {
    const dir = fresh();
    await read(["sh"], dir);
    const [entry] = readdirSync(path.join(dir)).filter((n) => n.endsWith(".json"));
    writeFileSync(path.join(dir, entry!), "{ not json");
    const again = await read(["sh"], dir);
    expect(again.cached).toBe(false);
    expect(again.setuidFiles).toContain("/app/helper");
    expect((await read(["sh"], dir)).cached).toBe(true);
  }, 60_000);
});
