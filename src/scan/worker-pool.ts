import { Worker } from "node:worker_threads";
import type { DiscoveredFile } from "../workspace/discover.js";
import type { BatchReport } from "./batch-report.js";
import type { PreparedScan } from "./context.js";

export interface WorkerSetup {
  prepared: PreparedScan;
}
export type WorkerTask = { id: number; files: DiscoveredFile[] };
export type WorkerReply = { id: number; report: BatchReport } | { id: number; error: { message: string; stack?: string } };

/**
 * Worker threads that check batches of manifest files. They start at once (loading the
 * code takes a while) and wait for `run`, which sends them the context and feeds each two
 * batches at a time from a queue the caller's thread also takes from.
 */
export class BatchPool {
  private readonly workers: Worker[] = [];

  constructor(n: number) {
    for (let i = 0; i < n; i++) this.workers.push(new Worker(new URL("./batch-worker.js", import.meta.url)));
  }

  get size(): number {
    return this.workers.length;
  }

  run(setup: WorkerSetup, take: () => WorkerTask | undefined, finished: (id: number, report: BatchReport) => void): Promise<void> {
    return Promise.all(this.workers.map((w) => this.drive(w, setup, take, finished))).then(() => undefined);
  }

  /** Stop every worker (also after a failure: a worker never outlives the scan). */
  close(): Promise<void> {
    return Promise.all(this.workers.map((w) => w.terminate())).then(() => undefined);
  }

  private drive(worker: Worker, setup: WorkerSetup, take: () => WorkerTask | undefined, finished: (id: number, report: BatchReport) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let inFlight = 0;
      const feed = () => {
        while (inFlight < 2) {
          const task = take();
          if (!task) break;
          inFlight++;
          worker.postMessage(task);
        }
        if (inFlight === 0) resolve();
      };
      worker.on("message", (m: WorkerReply) => {
        if ("error" in m) return reject(Object.assign(new Error(m.error.message), { stack: m.error.stack }));
        inFlight--;
        finished(m.id, m.report);
        feed();
      });
      worker.once("error", reject);
      worker.once("exit", (code) => inFlight > 0 && reject(new Error(`scan worker exited with code ${code}`)));
      worker.postMessage(setup);
      feed();
    });
  }
}
