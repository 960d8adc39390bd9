// Probe benchmark (issue 5). Per fixture image: the trials the probe used, its wall time,
// and the floor — one plain run of the same image to the same ready state (create, start,
// then exit for a job or the baseline's ports listening for a service; no hardening, no
// judging). Targets: an image needing nothing < 3x the floor; k capabilities <= 2 + 4k trials.
// Run: npm run bench:probe   (RUNS=3 by default; median reported)
import { cpSync, mkdtempSync, rmSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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

const session = await EngineSession.open();
const rows = [];
try {
  for (const name of IMAGES) {
    const dir = mkdtempSync(path.join(tmpdir(), `shipshape-bench-${name}-`));
    cpSync(path.join(fixtures, name), dir, { recursive: true });
    cpSync("/bin/busybox", path.join(dir, "busybox"));
    const image = await resolveTarget(session, dir, {});
    rmSync(dir, { recursive: true, force: true });
    const walls = [];
    let report;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      report = await probe(session, { image, workload: imageOnlyInput(), timeoutMs: 30_000, privilegedPortsAllowed: false, concurrency: 3 });
      walls.push(performance.now() - t0);
    }
    const ports = report.workloadKind === "service" ? report.trials[0].outcome.listening : [];
    const floors = [];
    for (let i = 0; i < runs; i++) floors.push(await floorOnce(session, image.imageId, ports));
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
      floorMs: Math.round(median(floors)),
    };
    row.ratio = +(row.wallMs / row.floorMs).toFixed(2);
    rows.push(row);
    console.error(`${name}: ${row.trials} trials, ${row.wallMs} ms, floor ${row.floorMs} ms (${row.ratio}x)`);
  }
} finally {
  await session.close();
}

const header = "| image | kind | needed | writes | non-root | verified | trials (discarded) | budget 2+4k | wall ms | floor ms | wall/floor |";
const lines = [header, "|" + " --- |".repeat(11)];
for (const r of rows) {
  lines.push(
    `| ${r.image} | ${r.kind} | ${r.needed.join(", ") || "—"} | ${r.writes.join(", ") || "—"} | ${r.runsAsNonRoot ? "yes" : "no"} | ${r.verified ? "yes" : "no"} | ${r.trials} (${r.discarded}) | ${r.trialBudget} | ${r.wallMs} | ${r.floorMs} | ${r.ratio} |`,
  );
}
console.log(lines.join("\n"));
mkdirSync(path.join(here, "out"), { recursive: true });
writeFileSync(path.join(here, "out", "results.json"), JSON.stringify({ runs, rows }, null, 2) + "\n");
