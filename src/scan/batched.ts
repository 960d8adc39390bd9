import { scanJson, type ScanReport } from "../report/json.js";
import type { DiscoveredFile } from "../workspace/discover.js";
import { batchReport, contextReport, mergeBatches, type BatchReport } from "./batch-report.js";
import { applyRuleSettings, openContext } from "./context.js";
import { unitNotes } from "../render/scan-units.js";
import { prepareScan, scanInContext, scanPrepared, type ScanOptions } from "./pipeline.js";
import type { PreparedScan } from "./context.js";
import { BatchPool } from "./worker-pool.js";
import type { KubeVersion } from "../kube/version.js";

/**
 * Manifest files per batch: few enough that a batch's YAML trees die in the young
 * generation (bench/scan: 25 files → ~290 ms of scavenges, 100 → ~580 ms, 300 → ~700 ms).
 */
const BATCH_FILES = 25;
/** Below this many manifest files a worker thread's start-up costs more than it saves. */
const WORKER_THRESHOLD = 1000;

/**
 * The scan command's report. A large repository is checked in batches of manifest files
 * whose models are dropped once reported (most of a large scan's cost was the garbage
 * collector copying YAML trees kept until the end), by this thread and `threads - 1`
 * worker threads; the merged report equals one pass over every file (tested).
 */
export async function scanReport(options: ScanOptions & { threads?: number }): Promise<{ report: ScanReport; root: string; kube: KubeVersion }> {
  const prepared = await prepareScan(options);
  const { kube } = prepared;
  const manifests = prepared.workspace.files.filter((f) => f.roles.includes("manifest"));
  const batchFiles = Number(process.env.SHIPSHAPE_BATCH_FILES ?? BATCH_FILES);
  // rendered units are checked together (a finding on a shared base is grouped across them): one pass
  const rendered = prepared.units.some((u) => u.output !== undefined);
  if (prepared.readStdin || rendered || manifests.length <= batchFiles) return { report: scanJson(await scanPrepared(prepared, options)), root: prepared.root, kube };
  const batches: DiscoveredFile[][] = [];
  for (let i = 0; i < manifests.length; i += batchFiles) batches.push(manifests.slice(i, i + batchFiles));
  const threshold = Number(process.env.SHIPSHAPE_WORKER_THRESHOLD ?? WORKER_THRESHOLD);
  const wanted = manifests.length >= threshold && compiled() ? (options.threads ?? 1) - 1 : 0;
  const pool = new BatchPool(Math.max(0, Math.min(wanted, 7, batches.length - 1)));
  try {
    return { report: await checkInBatches(prepared, options, batches, pool), root: prepared.root, kube };
  } finally {
    await pool.close();
  }
}

async function checkInBatches(prepared: PreparedScan, options: ScanOptions, batches: DiscoveredFile[][], pool: BatchPool): Promise<ScanReport> {
  const progress = options.progress;
  const total = batches.reduce((n, b) => n + b.length, 0);
  const results: BatchReport[] = new Array(batches.length);
  let next = 0;
  let files = 0;
  const finished = (id: number, report: BatchReport) => {
    results[id] = report;
    files += batches[id]!.length;
    progress?.update(`checked ${files}/${total} manifest files`);
  };
  const take = () => (next < batches.length ? { id: next, files: batches[next++]! } : undefined);
  // the workers start on their first batches while this thread reads the Dockerfiles
  const workers = pool.run({ prepared }, take, finished);
  workers.catch(() => undefined); // awaited below; until then a worker's failure must not go unhandled
  progress?.update(`reading ${prepared.workspace.files.length} files`);
  const ctx = openContext(prepared);
  if (ctx.dockerfiles.length === 1) {
    // the last-resort pairing heuristic ("the only Dockerfile, the only image") needs every workload at once
    await pool.close();
    return scanJson(await scanInContext(ctx, options));
  }
  const own = contextReport(ctx, options.analyzers);
  own.shared.push(...applyRuleSettings(unitNotes(prepared.units), prepared.config));
  // this thread takes batches too, yielding between them so the workers are kept fed
  for (let task = take(); task; task = take()) {
    finished(task.id, batchReport(ctx, task.files, options.analyzers));
    if (pool.size) await new Promise((resolve) => setImmediate(resolve));
  }
  await workers;
  return mergeBatches(ctx, own, results);
}

/** Workers load compiled JavaScript; from TypeScript sources (tests) everything runs in this thread. */
function compiled(): boolean {
  return import.meta.url.endsWith(".js");
}
