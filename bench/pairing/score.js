// Pairing benchmark (issue 11): precision and recall of `shipshape pairs` on public
// repositories, against truth files written by reading each repository (truth/*.json).
// A truth entry says which images a Dockerfile builds (as the manifests write them,
// optionally limited to some files); every workload container that deploys one of them
// is an expected (Dockerfile → container) tuple. The containers are the ones `scan`
// lists, so a third-party-looking image still counts when the repository builds it.
//
// Run: npm run build && node bench/pairing/score.js [NAME...] [--verbose] [--json FILE]
//   snapshots come from the `fetch` tool's mirror (/work/.mirror/<owner>+<name>/repo,
//   or SNAPSHOTS=dir), extracted at the truth file's commit into a temporary folder.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { extractSnapshot } from "./extract.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, "../../bin/shipshape.js");
const snapshots = process.env.SNAPSHOTS ?? "/work/.mirror";
const args = process.argv.slice(2);
const verbose = args.includes("--verbose");
const jsonAt = args.indexOf("--json");
const jsonOut = jsonAt !== -1 ? args[jsonAt + 1] : undefined;
const names = args.filter((a, i) => !a.startsWith("--") && (jsonAt === -1 || i !== jsonAt + 1));

/** Docker's normalisation, without tag or digest: `nginx` → `docker.io/library/nginx`. */
export function repositoryOf(ref) {
  let r = String(ref ?? "").trim().replace(/@.*$/, "");
  const slash = r.lastIndexOf("/");
  const colon = r.lastIndexOf(":");
  if (colon > slash) r = r.slice(0, colon);
  const first = r.indexOf("/");
  const head = first === -1 ? "" : r.slice(0, first);
  if (first !== -1 && (head.includes(".") || head.includes(":") || head === "localhost")) return r;
  return first === -1 ? `docker.io/library/${r}` : `docker.io/${r}`;
}

function run(argv) {
  const r = spawnSync(process.execPath, [cli, ...argv], { maxBuffer: 1 << 30, encoding: "utf8" });
  if (r.status !== 0 && r.status !== 1) throw new Error(`shipshape ${argv.join(" ")}: exit ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

function checkout(truth) {
  const dir = path.join(os.tmpdir(), "shipshape-pairing", `${truth.repo.replace("/", "+")}@${truth.commit.slice(0, 12)}`);
  if (!existsSync(path.join(dir, ".extracted"))) {
    const gitDir = path.join(snapshots, truth.repo.replace("/", "+"), "repo");
    if (!existsSync(gitDir)) throw new Error(`no snapshot of ${truth.repo} at ${gitDir}: fetch it first`);
    mkdirSync(dir, { recursive: true });
    extractSnapshot(gitDir, truth.commit, dir);
    writeFileSync(path.join(dir, ".extracted"), "");
  }
  return dir;
}

const key = (dockerfile, w, container) => `${dockerfile}\t${w.file}\t${w.kind}/${w.name}\t${container}`;

function score(name) {
  const truth = JSON.parse(readFileSync(path.join(here, "truth", `${name}.json`), "utf8"));
  const dir = checkout(truth);
  const t0 = performance.now();
  const pairs = run(["pairs", dir, "--format", "json"]);
  const ms = performance.now() - t0;
  const scan = run(["scan", dir, "--format", "json", "--fail-on", "none"]);
  const expected = new Set();
  for (const p of truth.pairs) {
    const images = new Set(p.images.map(repositoryOf));
    const files = p.files ? new RegExp(p.files) : undefined;
    for (const w of scan.workloads) {
      if (files && !files.test(w.file)) continue;
      for (const c of w.containers) if (c.image && images.has(repositoryOf(c.image))) expected.add(key(p.dockerfile, w, c.name));
    }
  }
  const predicted = new Map(); // key → heuristic only
  for (const p of pairs.pairs) {
    const heuristic = p.evidence.every((e) => e.kind === "heuristic");
    for (const w of p.workloads) {
      const k = key(p.dockerfile, w, w.container);
      predicted.set(k, (predicted.get(k) ?? true) && heuristic);
    }
  }
  const tp = [...predicted.keys()].filter((k) => expected.has(k));
  const fp = [...predicted.keys()].filter((k) => !expected.has(k));
  const fn = [...expected].filter((k) => !predicted.has(k));
  const heur = [...predicted].filter(([, h]) => h).map(([k]) => k);
  return {
    name,
    repo: truth.repo,
    expected: expected.size,
    predicted: predicted.size,
    tp: tp.length,
    heuristic: heur.length,
    heuristicTp: heur.filter((k) => expected.has(k)).length,
    ms: Math.round(ms),
    fp,
    fn,
  };
}

const ratio = (a, b) => (b === 0 ? "—" : (a / b).toFixed(3));
const all = names.length ? names : readdirSync(path.join(here, "truth")).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort();
const rows = [];
console.log(`${"repository".padEnd(40)} ${"truth".padStart(5)} ${"found".padStart(5)} ${"TP".padStart(5)} ${"prec".padStart(6)} ${"recall".padStart(6)} ${"heur".padStart(5)} ${"h-TP".padStart(5)} ${"ms".padStart(7)}`);
for (const n of all) {
  const r = score(n);
  rows.push(r);
  console.log(`${r.repo.padEnd(40)} ${String(r.expected).padStart(5)} ${String(r.predicted).padStart(5)} ${String(r.tp).padStart(5)} ${ratio(r.tp, r.predicted).padStart(6)} ${ratio(r.tp, r.expected).padStart(6)} ${String(r.heuristic).padStart(5)} ${String(r.heuristicTp).padStart(5)} ${String(r.ms).padStart(7)}`);
  if (verbose) {
    for (const k of r.fp) console.log(`    FP ${k}`);
    for (const k of r.fn) console.log(`    FN ${k}`);
  }
}
const sum = (f) => rows.reduce((a, r) => a + r[f], 0);
console.log(`${"overall (micro)".padEnd(40)} ${String(sum("expected")).padStart(5)} ${String(sum("predicted")).padStart(5)} ${String(sum("tp")).padStart(5)} ${ratio(sum("tp"), sum("predicted")).padStart(6)} ${ratio(sum("tp"), sum("expected")).padStart(6)} ${String(sum("heuristic")).padStart(5)} ${String(sum("heuristicTp")).padStart(5)}`);
const macro = (f) => (rows.reduce((a, r) => a + (f(r) ?? 0), 0) / rows.filter((r) => f(r) !== undefined).length).toFixed(3);
console.log(`${"overall (mean per repository)".padEnd(40)} ${"".padStart(23)} ${macro((r) => (r.predicted ? r.tp / r.predicted : undefined)).padStart(6)} ${macro((r) => (r.expected ? r.tp / r.expected : undefined)).padStart(6)}`);
console.log(`heuristic precision: ${ratio(sum("heuristicTp"), sum("heuristic"))} (${sum("heuristicTp")} of ${sum("heuristic")} pairs made by names alone)`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(rows, null, 2) + "\n");
