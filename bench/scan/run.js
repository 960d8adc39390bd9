// Scan benchmark (issue 2): the floor is reading and parsing the same YAML with js-yaml,
// the fastest correct parser we found; then the wall time and peak RSS of
// `shipshape scan --format json` over the corpus. Run: npm run bench:scan
import { spawn } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";

import path from "node:path";
import { fileURLToPath } from "node:url";
import fg from "fast-glob";
import jsyaml from "js-yaml";
import { generate, MANIFESTS, SERVICES } from "./generate.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const corpus = path.join(here, "out", "corpus");
const runs = Number(process.env.RUNS ?? 3);

if (!existsSync(corpus) || process.env.REGENERATE) {
  console.error(`generating ${SERVICES} services and ${MANIFESTS} manifests…`);
  generate(corpus);
}

async function floor() {
  const t0 = performance.now();
  const files = await fg("**/*.yaml", { cwd: corpus, absolute: true });
  const texts = files.map((f) => readFileSync(f, "utf8"));
  let docs = 0;
  for (const t of texts) jsyaml.loadAll(t, () => docs++);
  return { ms: performance.now() - t0, docs };
}

/** Run the CLI, sampling VmHWM (the kernel's own peak RSS) until it exits. */
function scanOnce() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [path.join(repo, "bin/shipshape.js"), "scan", corpus, "--format", "json", "--fail-on", "none"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let bytes = 0;
    let peakKb = 0;
    child.stdout.on("data", (d) => (bytes += d.length));
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {}
    };
    const timer = setInterval(sample, 10);
    child.on("exit", (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`scan exited ${code}`));
      else resolve({ ms: performance.now() - t0, peakMb: peakKb / 1024, bytes });
    });
    child.on("error", reject);
  });
}

const floors = [];
const scans = [];
for (let i = 0; i < runs; i++) floors.push(await floor());
for (let i = 0; i < runs; i++) scans.push(await scanOnce());
const best = (xs, k) => Math.min(...xs.map((x) => x[k]));
const f = best(floors, "ms");
const s = best(scans, "ms");
console.log(`corpus: ${SERVICES} Dockerfiles, ${MANIFESTS} manifest files (${floors[0].docs} documents)`);
console.log(`floor (read + js-yaml parse, 1 thread): ${f.toFixed(0)} ms`);
console.log(`shipshape scan --format json:           ${s.toFixed(0)} ms  (${(s / f).toFixed(2)}x floor), peak RSS ${Math.max(...scans.map((x) => x.peakMb)).toFixed(0)} MB, ${(scans[0].bytes / 1e6).toFixed(1)} MB of JSON`);
console.log(`best of ${runs} runs each; all runs (ms): floor ${floors.map((x) => x.ms.toFixed(0)).join(" ")} | scan ${scans.map((x) => x.ms.toFixed(0)).join(" ")}`);
