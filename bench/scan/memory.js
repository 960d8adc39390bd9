// Memory benchmark (issue 16): the peak RSS of `shipshape scan` must not grow with the
// repository. Two corpora of the scan benchmark's shape, the same 1,000 services with
// 5,000 and 50,000 manifest files, scanned in each streamed format; the peak at 50k should
// be within 1.5x the peak at 5k. The corpora take ~240 MB under bench/scan/out/.
// Run: npm run build && node bench/scan/memory.js   (RUNS=n runs each, the highest peak kept)
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generate } from "./generate.js";
import { peakOf } from "../peak-rss.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const runs = Number(process.env.RUNS ?? 2);
const sizes = [5000, 50000];
const formats = (process.env.FORMATS ?? "json,sarif").split(",");


const corpora = Object.fromEntries(
  sizes.map((n) => {
    const dir = path.join(here, "out", `corpus-${n}`);
    if (!existsSync(dir) || process.env.REGENERATE) {
      console.error(`generating ${n} manifests…`);
      generate(dir, n);
    }
    return [n, dir];
  }),
);

for (const format of formats) {
  const peaks = {};
  for (const n of sizes) {
    const results = [];
    for (let i = 0; i < runs; i++) results.push(await peakOf([path.join(repo, "bin/shipshape.js"), "scan", corpora[n], "--format", format, "--fail-on", "none"]));
    peaks[n] = Math.max(...results.map((r) => r.mb));
    console.log(`${format.padEnd(7)} ${String(n).padStart(6)} manifests: peak RSS ${peaks[n].toFixed(0)} MB (runs: ${results.map((r) => `${r.mb.toFixed(0)} MB ${(r.ms / 1000).toFixed(1)} s`).join(", ")})`);
  }
  const ratio = peaks[sizes[1]] / peaks[sizes[0]];
  console.log(`${format.padEnd(7)} peak at ${sizes[1]} / peak at ${sizes[0]}: ${ratio.toFixed(2)}x ${ratio <= 1.5 ? "(within 1.5x)" : "(OVER 1.5x)"}`);
}
