import { parentPort } from "node:worker_threads";
import { analyzers } from "../analyze/registry.js";
import { batchReport } from "./batch-report.js";
import { openContext, type ScanContext } from "./context.js";
import type { WorkerReply, WorkerSetup, WorkerTask } from "./worker-pool.js";

// A worker of a large scan (see worker-pool.ts): first the setup, then batches of manifest
// files, each checked against this thread's own context (its findings on the Dockerfiles
// themselves are the main thread's to report).
let ctx: ScanContext | undefined;
parentPort!.on("message", (m: WorkerSetup | WorkerTask) => {
  if ("prepared" in m) {
    ctx = openContext(m.prepared);
    return;
  }
  let reply: WorkerReply;
  try {
    reply = { id: m.id, report: batchReport(ctx!, m.files, analyzers) };
  } catch (e) {
    const err = e as Error;
    reply = { id: m.id, error: { message: err?.message ?? String(e), stack: err?.stack } };
  }
  parentPort!.postMessage(reply);
});
