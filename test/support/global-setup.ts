import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { DebianImages } from "./debian-images.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** One id per `vitest run`: the Debian images of this run are named and labelled with it. */
    debianRunId: string;
    debianWorkDir: string;
  }
}

/**
 * Once per test run: the id under which test files share the Debian images they build
 * (test/support/debian-images.ts), and, at the end, their removal — whichever files built them.
 */
export default function setup(project: TestProject): () => Promise<void> {
  // A developer iterating on these tests can keep the images between runs under a fixed id
  // (and the bootstrapped root filesystem with SHIPSHAPE_DEBIAN_CACHE); CI never sets it.
  const kept = process.env.SHIPSHAPE_DEBIAN_RUN_ID;
  const runId = kept || randomBytes(4).toString("hex");
  const workDir = path.join(tmpdir(), `shipshape-debian-${runId}`);
  project.provide("debianRunId", runId);
  project.provide("debianWorkDir", workDir);
  return async () => {
    if (kept) return;
    await new DebianImages({ runId, workDir }).removeAll().catch(() => undefined);
  };
}
