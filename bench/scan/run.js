// Scan benchmark (issue 2): the floor is reading and parsing the same YAML with js-yaml,
// the fastest correct parser we found; then the wall time and peak RSS of
// `shipshape scan --format json` over the corpus. The floor is measured twice: as a
// command in a fresh process, like the scan (floor.js), and in this warm process.
// Run: npm run bench:scan   (RUNS=n runs each, best kept; THREADS=n adds --threads n)
import { spawn } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";

import path from "node:path";
import { fileURLToPath } from "node:url";
import fg from "fast-glob";
import jsyaml from "js-yaml";
import { generate, MANIFESTS, SERVICES } from "./generate.js";
import { samplePeakRss } from "../peak-rss.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const corpus = path.join(here, "out", "corpus");
const runs = Number(process.env.RUNS ?? 3);

if (!existsSync(corpus) || process.env.REGENERATE) {
  console.error(`generating ${SERVICES} services and ${MANIFESTS} manifests…`);
  generate(corpus);
}

// the schema shipshape parses with (YAML 1.2 core, as Kubernetes reads it, and merge keys)
const schema = jsyaml.CORE_SCHEMA.extend([jsyaml.types.merge]);

async function floor() {
  const t0 = performance.now();
  const files = await fg("**/*.yaml", { cwd: corpus, absolute: true });
  const texts = files.map((f) => readFileSync(f, "utf8"));
  let docs = 0;
  for (const t of texts) jsyaml.loadAll(t, () => docs++, { schema, json: true });
  return { ms: performance.now() - t0, docs };
}

const threads = process.env.THREADS ? ["--threads", process.env.THREADS] : [];
const scanArgs = [path.join(repo, "bin/shipshape.js"), "scan", corpus, "--format", "json", "--fail-on", "none", ...threads];

/** Run a command, sampling VmHWM (the kernel's own peak RSS) until it exits. */
function runOnce(args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let bytes = 0;
    child.stdout.on("data", (d) => (bytes += d.length));
    const peak = samplePeakRss(child);
    child.on("exit", (code) => {
      const peakMb = peak();
      if (code !== 0) reject(new Error(`${args[1]} exited ${code}`));
      else resolve({ ms: performance.now() - t0, peakMb, bytes });
    });
    child.on("error", reject);
  });
}

const floors = [];
const coldFloors = [];
const scans = [];
// interleaved, so a slow spell of the (shared) machine hits all three alike
for (let i = 0; i < runs; i++) {
  floors.push(await floor());
  coldFloors.push(await runOnce([path.join(here, "floor.js"), corpus]));
  scans.push(await runOnce(scanArgs));
}
const best = (xs, k) => Math.min(...xs.map((x) => x[k]));
const f = best(floors, "ms");
const cf = best(coldFloors, "ms");
const s = best(scans, "ms");
const all = (xs) => xs.map((x) => x.ms.toFixed(0)).join(" ");
console.log(`corpus: ${SERVICES} Dockerfiles, ${MANIFESTS} manifest files (${floors[0].docs} documents)`);
console.log(`floor, fresh process (node floor.js: read + js-yaml): ${cf.toFixed(0)} ms, peak RSS ${Math.max(...coldFloors.map((x) => x.peakMb)).toFixed(0)} MB`);
console.log(`floor, in this warm process:                         ${f.toFixed(0)} ms`);
console.log(`shipshape scan --format json ${threads.join(" ")}: ${s.toFixed(0)} ms = ${(s / cf).toFixed(2)}x the fresh-process floor (${(s / f).toFixed(2)}x the warm one), peak RSS ${Math.max(...scans.map((x) => x.peakMb)).toFixed(0)} MB, ${(scans[0].bytes / 1e6).toFixed(1)} MB of JSON`);
console.log(`best of ${runs} runs each; all runs (ms): floor fresh ${all(coldFloors)} | warm ${all(floors)} | scan ${all(scans)}`);
// The machine's speed drifts within seconds: a scan and the fresh floor run next to it
// share the same spell, so the ratio within each round is steadier than best over best.
const ratios = scans.map((x, i) => x.ms / coldFloors[i].ms).sort((a, b) => a - b);
console.log(`scan / fresh floor within each round: median ${ratios[ratios.length >> 1].toFixed(2)}x, range ${ratios[0].toFixed(2)}–${ratios.at(-1).toFixed(2)}x`);
