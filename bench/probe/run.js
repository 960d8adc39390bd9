// Probe benchmark (issue 5). Per fixture image: the trials the probe used, its wall time,
// and the floor — one plain run of the same image to the same ready state (create, start,
// then exit for a job or the baseline's ports listening for a service; no hardening, no
// judging). Targets: an image needing nothing < 3x the floor; k capabilities <= 2 + 4k trials.
// Run: npm run bench:probe   (RUNS=3 by default; median reported). "cold": the image's files are
//      read (an empty facts cache); "warm": an earlier run of the same image id left its facts.
//      npm run bench:probe -- --debian   the same for images of real software built from Debian's
//      packages (issue 13; test/support/debian-images.ts, needs root, debootstrap and the mirror).
//      SHIPSHAPE_DEBIAN_CACHE=<dir> keeps the bootstrapped root filesystem, SHIPSHAPE_DEBIAN_RUN_ID=<id>
//      keeps the images between runs; without it they are removed at the end.
import { cpSync, mkdtempSync, rmSync, mkdirSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { resolveTarget } from "../../dist/src/probe/build.js";
import { EngineSession } from "../../dist/src/probe/engine.js";
import { ListeningReader } from "../../dist/src/probe/listening.js";
import { imageOnlyInput } from "../../dist/src/probe/manifest-input.js";
import { probe } from "../../dist/src/probe/search.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, "../../fixtures/images");
const runs = Number(process.env.RUNS ?? 3);
const debian = process.argv.includes("--debian");
const IMAGES = [
  "job-nothing", "service-nothing", "writes-tmp-cache", "volume-data", "root-only",
  "bind-80", "chown-file", "dac-read", "su-switch", "combo-three",
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One plain run to the state the probe's baseline reached: exit, or these ports listening. */
async function floorOnce(session, imageId, ports) {
  const t0 = performance.now();
  const container = await session.docker.createContainer({
    Image: imageId,
    Labels: session.labels,
    HostConfig: { NetworkMode: "none" },
  });
  session.track("container", container.id);
  await container.start();
  const reader = new ListeningReader(container, session.hostProcVisible);
  for (;;) {
    const info = await container.inspect();
    if (!info.State.Running) break;
    if (ports.length) {
      const listening = (await reader.read(info.State.Pid)) ?? [];
      if (ports.every((p) => listening.includes(p))) break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const ms = performance.now() - t0;
  await session.removeContainer(container.id);
  return ms;
}

/**
 * Probe `image` RUNS times with an empty facts cache (cold: the image's files are read) and
 * RUNS times with the facts of an earlier run cached (warm: same image id), then RUNS plain
 * runs to the baseline's ready state; one table row.
 */
async function measure(session, name, image, extra = {}) {
  const walls = [];
  const warmWalls = [];
  let report;
  let coldInspectMs;
  let factsSource;
  const once = async () => {
    const t0 = performance.now();
    report = await probe(session, { image, workload: imageOnlyInput(), timeoutMs: 30_000, privilegedPortsAllowed: false, concurrency: 3, ...extra });
    return performance.now() - t0;
  };
  // A plain run after each probe run, so that probe and floor see the same machine (a
  // shared machine's load moves; floors taken apart from the probes moved by 40 %).
  const floors = [];
  const floor = async () => {
    const ports = report.workloadKind === "service" ? report.trials[0].outcome.listening : [];
    floors.push(await floorOnce(session, image.imageId, ports));
  };
  for (let i = 0; i < runs; i++) {
    // an empty cache of our own for each cold run; the last one stays for the warm runs
    if (i > 0) rmSync(process.env.SHIPSHAPE_CACHE_DIR, { recursive: true, force: true });
    process.env.SHIPSHAPE_CACHE_DIR = mkdtempSync(path.join(tmpdir(), "shipshape-bench-cache-"));
    walls.push(await once());
    coldInspectMs = report.stats.inspectMs;
    factsSource = report.stats.factsSource;
    await floor();
  }
  // the last cold run filled the cache
  for (let i = 0; i < runs; i++) {
    warmWalls.push(await once());
    await floor();
  }
  if (!report.stats.factsCached) throw new Error(`${name}: the warm runs did not use the facts cache`);
  rmSync(process.env.SHIPSHAPE_CACHE_DIR, { recursive: true, force: true });
  delete process.env.SHIPSHAPE_CACHE_DIR;
  const k = report.capabilities.needed.length;
  const row = {
    image: name,
    kind: report.workloadKind,
    needed: report.capabilities.needed,
    writes: report.writes,
    runsAsNonRoot: report.runsAsNonRoot,
    verified: report.verified,
    trials: report.trials.length,
    discarded: report.trials.filter((t) => t.outcome.reason.startsWith("discarded")).length,
    trialBudget: 2 + 4 * k,
    wallMs: Math.round(median(walls)),
    warmMs: Math.round(median(warmWalls)),
    floorMs: Math.round(median(floors)),
    // of the last cold run: reading the image (config, files, passwd) while the baseline runs
    coldInspectMs,
    factsSource,
    replans: report.stats?.replans,
  };
  row.ratio = +(row.wallMs / row.floorMs).toFixed(2);
  row.warmRatio = +(row.warmMs / row.floorMs).toFixed(2);
  console.error(`${name}: ${row.trials} trials, cold ${row.wallMs} ms, warm ${row.warmMs} ms, floor ${row.floorMs} ms (${row.ratio}x, ${row.warmRatio}x)`);
  return row;
}

/** The Debian images and recipes of test/support (TypeScript, outside dist/): bundled here with esbuild. */
async function debianSupport() {
  const { build } = await import("esbuild");
  const support = path.resolve(here, "../../test/support");
  const outdir = path.join(here, "out", "debian");
  await build({
    entryPoints: [path.join(support, "debian-images.ts"), path.join(support, "debian-recipes.ts")],
    bundle: true, platform: "node", format: "esm", packages: "external", outdir, outExtension: { ".js": ".mjs" }, logLevel: "warning",
  });
  const { DebianImages } = await import(path.join(outdir, "debian-images.mjs"));
  const { DEBIAN_IMAGES } = await import(path.join(outdir, "debian-recipes.mjs"));
  return { DebianImages, DEBIAN_IMAGES };
}

const session = await EngineSession.open();
const rows = [];
let debianStore;
try {
  if (debian) {
    const { DebianImages, DEBIAN_IMAGES } = await debianSupport();
    const runId = process.env.SHIPSHAPE_DEBIAN_RUN_ID || `bench-${randomBytes(4).toString("hex")}`;
    debianStore = new DebianImages({
      runId,
      workDir: path.join(tmpdir(), `shipshape-debian-${runId}`),
      baseCache: process.env.SHIPSHAPE_DEBIAN_CACHE || undefined,
      log: (line) => console.error(`[debian images] ${line}`),
    });
    const why = await debianStore.prepare();
    if (why) throw new Error(`the Debian images cannot be built here: ${why}`);
    const names = (process.env.IMAGES ?? "nginx,redis,memcached,postgres,lighttpd").split(",");
    for (const name of names) {
      const built = await debianStore.image(name);
      const recipe = DEBIAN_IMAGES[name];
      const httpTargets = recipe.protocol === "http" ? [{ port: recipe.port, path: "/", source: "bench" }] : [];
      rows.push(await measure(session, name, { ref: built.ref, imageId: built.imageId, built: false }, { httpTargets }));
    }
  } else {
    for (const name of IMAGES) {
      const dir = mkdtempSync(path.join(tmpdir(), `shipshape-bench-${name}-`));
      cpSync(path.join(fixtures, name), dir, { recursive: true });
      cpSync("/bin/busybox", path.join(dir, "busybox"));
      const image = await resolveTarget(session, dir, {});
      rmSync(dir, { recursive: true, force: true });
      rows.push(await measure(session, name, image));
    }
  }
} finally {
  await session.close();
  if (debianStore && !process.env.SHIPSHAPE_DEBIAN_RUN_ID) await debianStore.removeAll();
}

const header =
  "| image | kind | needed | writes | non-root | verified | trials (discarded) | budget 2+4k | cold wall ms | warm wall ms | floor ms | cold/floor | warm/floor | cold inspect ms (read from) |";
const lines = [header, "|" + " --- |".repeat(14)];
for (const r of rows) {
  lines.push(
    `| ${r.image} | ${r.kind} | ${r.needed.join(", ") || "—"} | ${r.writes.join(", ") || "—"} | ${r.runsAsNonRoot ? "yes" : "no"} | ${r.verified ? "yes" : "no"} | ${r.trials} (${r.discarded}) | ${r.trialBudget} | ${r.wallMs} | ${r.warmMs} | ${r.floorMs} | ${r.ratio} | ${r.warmRatio} | ${r.coldInspectMs ?? "?"} (${r.factsSource ?? "?"}) |`,
  );
}
console.log(lines.join("\n"));
mkdirSync(path.join(here, "out"), { recursive: true });
writeFileSync(path.join(here, "out", debian ? "results-debian.json" : "results.json"), JSON.stringify({ runs, load: os.loadavg(), rows }, null, 2) + "\n");
