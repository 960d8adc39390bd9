// Compare two commands on this noisy machine: run them in pairs (the order alternating),
// many rounds, and report the median of the per-round ratios B/A. The speed of these VMs
// drifts by ±30% within minutes, so best-of-N of separate series cannot show a 5% change;
// two runs side by side share the same spell.
// Usage: node bench/scan/ab.js ROUNDS "command A" "command B"
//   e.g. node bench/scan/ab.js 8 "node /tmp/old/bin/shipshape.js scan bench/scan/out/corpus --format json" \
//                                "node bin/shipshape.js scan bench/scan/out/corpus --format json"
import { spawnSync } from "node:child_process";

const [rounds, a, b] = process.argv.slice(2);
if (!rounds || !a || !b) {
  console.error('usage: node bench/scan/ab.js ROUNDS "command A" "command B"');
  process.exit(2);
}

function run(command) {
  const [cmd, ...args] = command.split(" ").filter(Boolean);
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "inherit"] });
  if (r.status === null || r.status > 1) throw new Error(`${command}: exit ${r.status ?? r.signal}`);
  return performance.now() - t0;
}

const as = [];
const bs = [];
for (let i = 0; i < Number(rounds); i++) {
  // alternate who goes first, so neither always runs on a cache the other warmed
  if (i % 2) bs.push(run(b)), as.push(run(a));
  else as.push(run(a)), bs.push(run(b));
}
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
const ratios = as.map((t, i) => bs[i] / t);
const ms = (xs) => `min ${Math.min(...xs).toFixed(0)} ms, median ${median(xs).toFixed(0)} ms`;
console.log(`A: ${ms(as)}\nB: ${ms(bs)}`);
console.log(`B/A per round: median ${median(ratios).toFixed(3)} (${ratios.map((r) => r.toFixed(2)).join(" ")})`);
