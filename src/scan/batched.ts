import v8 from "node:v8";
import { scanJson, type ScanReport } from "../report/json.js";
import type { DiscoveredFile } from "../workspace/discover.js";
import { BatchMerger, batchReport, contextReport, type BatchReport } from "./batch-report.js";
import { ReportSpill } from "./report-spill.js";
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
/**
 * While a batched scan runs and its report is written, what stays alive is small and
 * steady (the context, a few numbers per file), but V8 lets the old generation grow to
 * ~4.5x what survived the last full collection before it collects again, and the garbage
 * of a long scan (objects of allocation sites V8 chose to pretenure) filled that room:
 * 50,000 manifests peaked at ~245 MB against ~143 MB for 5,000 (bench/scan/memory.js).
 * Growing by 40% at most bounds the peak; each extra collection marks the ~30 MB alive.
 * Set from the start (the limit is fixed at each full collection), and given back to V8's
 * own heuristic when the scan keeps everything in memory after all.
 */
const HEAP_GROWING_PERCENT = 40;

function steadyHeap(): () => void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return () => v8.setFlagsFromString("--heap-growing-percent=0");
}

/** What a batched scan's report needs until it is written (no closure over the scan's other state). */
function disposer(spill: ReportSpill, restoreHeap: () => void): () => void {
  return () => {
    spill.close();
    restoreHeap();
  };
}

/** Below this many manifest files a worker thread's start-up costs more than it saves. */
const WORKER_THRESHOLD = 1000;

export interface ScanOutcome {
  report: ScanReport;
  root: string;
  kube: KubeVersion;
  /** call once the report is written: frees where its long lists were kept */
  dispose(): void;
}

/**
 * The scan command's report. A large repository is checked in batches of manifest files
 * whose models are dropped once reported (most of a large scan's cost was the garbage
 * collector copying YAML trees kept until the end), by this thread and `threads - 1`
 * worker threads; each batch's findings and workloads are spilled to a temporary file as
 * rendered JSON, so memory does not grow with the repository. The merged report equals
 * one pass over every file (tested).
 */
export async function scanReport(options: ScanOptions & { threads?: number }): Promise<ScanOutcome> {
  const restoreHeap = steadyHeap();
  const spill = new ReportSpill();
  const dispose = disposer(spill, restoreHeap);
  try {
    const prepared = await prepareScan(options);
    const { root, kube } = prepared;
    const manifests = prepared.workspace.files.filter((f) => f.roles.includes("manifest"));
    const batchFiles = Number(process.env.SHIPSHAPE_BATCH_FILES ?? BATCH_FILES);
    // rendered units are checked together (a finding on a shared base is grouped across them): one pass
    const rendered = prepared.units.some((u) => u.output !== undefined);
    if (prepared.readStdin || rendered || manifests.length <= batchFiles) {
      dispose();
      return { report: scanJson(await scanPrepared(prepared, options)), root, kube, dispose: () => undefined };
    }
    const batches: DiscoveredFile[][] = [];
    for (let i = 0; i < manifests.length; i += batchFiles) batches.push(manifests.slice(i, i + batchFiles));
    const threshold = Number(process.env.SHIPSHAPE_WORKER_THRESHOLD ?? WORKER_THRESHOLD);
    const wanted = manifests.length >= threshold && compiled() ? (options.threads ?? 1) - 1 : 0;
    const pool = new BatchPool(Math.max(0, Math.min(wanted, 7, batches.length - 1)));
    try {
      return { report: await checkInBatches(prepared, options, batches, pool, spill, restoreHeap), root, kube, dispose };
    } finally {
      await pool.close();
    }
  } catch (e) {
    dispose();
    throw e;
  }
}

async function checkInBatches(
  prepared: PreparedScan,
  options: ScanOptions,
  batches: DiscoveredFile[][],
  pool: BatchPool,
  spill: ReportSpill,
  restoreHeap: () => void,
): Promise<ScanReport> {
  const progress = options.progress;
  const total = batches.reduce((n, b) => n + b.length, 0);
  let merger: BatchMerger | undefined;
  // batches finish out of order (worker threads): each waits here until those before it are merged
  const waiting = new Map<number, BatchReport>();
  let merged = 0;
  let next = 0;
  let files = 0;
  const mergeReady = () => {
    for (let r = waiting.get(merged); r && merger; r = waiting.get(merged)) {
      waiting.delete(merged++);
      merger.add(r);
    }
  };
  const finished = (id: number, report: BatchReport) => {
    waiting.set(id, report);
    mergeReady();
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
    restoreHeap(); // then what is alive is not small

    return scanJson(await scanInContext(ctx, options));
  }
  const own = contextReport(ctx, options.analyzers);
  own.shared.push(...applyRuleSettings(unitNotes(prepared.units), prepared.config));
  merger = new BatchMerger(ctx, spill);
  mergeReady();
  // this thread takes batches too, yielding between them so the workers are kept fed
  for (let task = take(); task; task = take()) {
    finished(task.id, batchReport(ctx, task.files, options.analyzers));
    if (pool.size) await new Promise((resolve) => setImmediate(resolve));
  }
  await workers;
  return merger.finish(own);
}

/** Workers load compiled JavaScript; from TypeScript sources (tests) everything runs in this thread. */
function compiled(): boolean {
  return import.meta.url.endsWith(".js");
}
