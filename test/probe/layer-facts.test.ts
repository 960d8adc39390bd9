import { cpSync, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { finished } from "node:stream/promises";
import tarStream from "tar-stream";
import { afterAll, beforeAll, expect, test } from "vitest";
import { resolveTarget, type ProbeImage } from "../../src/probe/build.js";
import { EngineSession } from "../../src/probe/engine.js";
import type { CachedFacts } from "../../src/probe/facts-cache.js";
import { exportFacts, inspectImage, readImageConfig } from "../../src/probe/inspect.js";
import { readLayerFacts } from "../../src/probe/layer-facts.js";
import { imageOnlyInput } from "../../src/probe/manifest-input.js";
import { probe } from "../../src/probe/search.js";
import { describeWithEngine, engineReachable } from "./engine-fixture.js";

// Issue 13, speed: on a local engine run as root, image facts are read from the image's
// layers (~50 ms for a Debian image) instead of an export of every byte (0.4–1.4 s). They
// must be the export's facts: whiteouts and opaque directories merged as overlayfs merges
// them, file capabilities from the xattr, setuid/setgid bits, passwd, group, scripts.
const reachable = await engineReachable();
const canRead = process.getuid?.() === 0; // the engine's storage is root's

const DOCKERFILE = `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir -p /etc /app /gone /opaque && printf "root:x:0:0:root:/root:/bin/sh\\napp:x:10001:10001::/app:/bin/sh\\n" > /etc/passwd \\
 && printf "root:x:0:\\napp:x:10001:\\n" > /etc/group \\
 && cp /bin/busybox /app/helper && chmod 4755 /app/helper && mkdir /app/shared && chmod 2775 /app/shared \\
 && echo a > /gone/file && echo old > /opaque/old \\
 && printf "#!/bin/sh\\nexec su app -c 'sleep 1'\\n" > /app/start.sh && chmod 755 /app/start.sh
ADD caps.tar /
RUN rm /gone/file && rm -rf /opaque && mkdir /opaque && echo new > /opaque/new
CMD ["/app/start.sh"]
`;

/** A tar whose one file carries cap_net_bind_service=ep, as `setcap` would leave it (docker keeps PAX xattrs when it unpacks ADD). */
async function capsTar(file: string): Promise<void> {
  const cap = Buffer.alloc(20);
  cap.writeUInt32LE(0x02000001, 0); // VFS_CAP_REVISION_2 | effective
  cap.writeUInt32LE(1 << 10, 4); // permitted: CAP_NET_BIND_SERVICE
  const pack = tarStream.pack();
  const out = createWriteStream(file);
  pack.pipe(out);
  const body = readFileSync("/bin/busybox");
  pack.entry({ name: "bin/pinger", mode: 0o755, size: body.length, pax: { "SCHILY.xattr.security.capability": cap.toString("latin1") } }, body);
  pack.finalize();
  await finished(out);
}

describeWithEngine("image facts read from the image's layers on this host", reachable, () => {
  let session: EngineSession;
  let image: ProbeImage;
  beforeAll(async () => {
    session = await EngineSession.open();
    const ctx = mkdtempSync(path.join(tmpdir(), "shipshape-layer-facts-"));
    try {
      writeFileSync(path.join(ctx, "Dockerfile"), DOCKERFILE);
      cpSync("/bin/busybox", path.join(ctx, "busybox"));
      await capsTar(path.join(ctx, "caps.tar"));
      image = await resolveTarget(session, ctx, {});
    } finally {
      rmSync(ctx, { recursive: true, force: true });
    }
  }, 120_000);
  afterAll(() => session?.close());

  const layerDirs = async () => {
    const data = (await session.docker.getImage(image.imageId).inspect()).GraphDriver.Data as unknown as Record<string, string>;
    return [data.UpperDir!, ...(data.LowerDir ? data.LowerDir.split(":") : [])];
  };
  // What Docker's init layer adds to every container, which the export (of a container) has and the image's layers do not.
  const initLayer = (p: string) => ["/", "/.dockerenv", "/etc", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/etc/mtab", "/proc", "/sys"].includes(p) || p === "/dev" || p.startsWith("/dev/");
  const comparable = (f: CachedFacts) => ({
    ...f,
    files: [...f.files].filter(([p]) => !initLayer(p)).map(([p, x]) => [p, x.kind, x.mode, x.uid, x.gid, x.size, x.mtimeMs, x.linkTarget ?? null]),
    scripts: [...f.scripts],
  });

  test.skipIf(!canRead)("are the facts an export gives: deletions, opaque directories, file capabilities, setuid and setgid, accounts, scripts", async () => {
    const wanted = new Set(["start.sh"]);
    const fromLayers = await readLayerFacts(await layerDirs(), wanted, 64 * 1024);
    const exported = await exportFacts(session, image.imageId, wanted);
    expect(fromLayers).toBeDefined();
    expect(comparable(fromLayers!)).toEqual(comparable(exported));
    // and they are right, not only equal
    expect(fromLayers!.files.has("/gone/file")).toBe(false);
    expect(fromLayers!.files.has("/opaque/old")).toBe(false);
    expect(fromLayers!.files.has("/opaque/new")).toBe(true);
    expect(fromLayers!.fileCapabilities).toEqual([{ path: "/bin/pinger", capabilities: ["NET_BIND_SERVICE"] }]);
    expect(fromLayers!.setuidFiles).toEqual(["/app/helper"]);
    expect(fromLayers!.files.get("/app/shared")!.mode & 0o2000).toBe(0o2000);
    expect(fromLayers!.passwd.map((a) => a.name)).toEqual(["root", "app"]);
    expect(fromLayers!.scripts.get("/app/start.sh")).toMatch(/exec su app/);
  }, 60_000);

  test.skipIf(!canRead)("are what the probe reads on a local engine run as root", async () => {
    const facts = await inspectImage(session, image.imageId, await readImageConfig(session, image.imageId), ["/app/start.sh"], null);
    expect(facts.source).toBe("layers");
    expect(facts.fileCapabilities).toEqual([{ path: "/bin/pinger", capabilities: ["NET_BIND_SERVICE"] }]);
  }, 60_000);

  test.skipIf(!canRead)("a VOLUME holding hard links is written only when its files change (the layers give a link's real size, the archive none)", async () => {
    const ctx = mkdtempSync(path.join(tmpdir(), "shipshape-hardlinks-"));
    let linked: ProbeImage;
    try {
      writeFileSync(
        path.join(ctx, "Dockerfile"),
        `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir -p /data /etc && echo "root:x:0:0:root:/root:/bin/sh" > /etc/passwd && echo "root:x:0:" > /etc/group \\
 && echo content > /data/a && ln /data/a /data/b
VOLUME /data
`,
      );
      cpSync("/bin/busybox", path.join(ctx, "busybox"));
      linked = await resolveTarget(session, ctx, {});
    } finally {
      rmSync(ctx, { recursive: true, force: true });
    }
    const writes = async (script: string) => {
      const input = { ...imageOnlyInput(), cmd: ["sh", "-c", script] };
      const r = await probe(session, { image: linked, workload: input, timeoutMs: 20_000, privilegedPortsAllowed: false, concurrency: 3 });
      expect(r.stats.factsSource).toBe("layers");
      return r.writes;
    };
    expect(await writes("echo reads nothing")).toEqual([]);
    expect(await writes("echo more >> /data/a")).toEqual(["/data"]);
  }, 90_000);

  test("layers that cannot be read give no facts (the probe then exports the image)", async () => {
    expect(await readLayerFacts(["/nonexistent/shipshape/layer"], new Set(), 1024)).toBeUndefined();
    expect(await readLayerFacts([], new Set(), 1024)).toBeUndefined();
  });
});
