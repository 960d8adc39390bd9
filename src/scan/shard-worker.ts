import { parentPort, workerData } from "node:worker_threads";
import { analyzers } from "../analyze/registry.js";
import { scanJson } from "../report/json.js";
import { scanPrepared } from "./pipeline.js";
import type { ShardRequest } from "./sharded.js";

// One shard of a large scan (see sharded.ts): scan the given manifests, post the report.
const request = workerData as ShardRequest;
try {
  const result = await scanPrepared(request.prepared, { paths: [], analyzers }, { manifests: new Set(request.manifests), primary: request.primary });
  parentPort!.postMessage({ report: scanJson(result) });
} catch (e) {
  const err = e as Error;
  parentPort!.postMessage({ error: { message: err?.message ?? String(e), stack: err?.stack } });
}
