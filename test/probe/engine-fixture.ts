import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { describe } from "vitest";
import { resolveTarget, type ProbeImage } from "../../src/probe/build.js";
import { EngineSession, PROBE_LABEL } from "../../src/probe/engine.js";

export const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/images");
const BUSYBOX = "/bin/busybox";

/** Is a Docker engine answering? Decided once per test file. */
export async function engineReachable(): Promise<boolean> {
  try {
    await new Docker().ping();
    return true;
  } catch {
    return false;
  }
}

/**
 * `describe` for tests that need the engine: skipped with a visible notice on a laptop
 * without one, but failing when CI asks for the engine (SHIPSHAPE_REQUIRE_ENGINE=1).
 */
export function describeWithEngine(name: string, reachable: boolean, body: () => void): void {
  if (reachable) {
    describe(name, body);
    return;
  }
  if (process.env.SHIPSHAPE_REQUIRE_ENGINE === "1") {
    describe(name, () => {
      throw new Error("SHIPSHAPE_REQUIRE_ENGINE=1 but no Docker engine answers (DOCKER_HOST or /var/run/docker.sock)");
    });
    return;
  }
  console.warn(`\n[shipshape] NOTICE: no Docker engine reachable — skipping engine tests '${name}'\n`);
  describe.skip(name, body);
}

/** Build fixtures/images/<name> with busybox-static copied into a temporary context. */
export async function buildFixture(session: EngineSession, name: string): Promise<ProbeImage> {
  const dir = mkdtempSync(path.join(tmpdir(), `shipshape-fixture-${name}-`));
  try {
    cpSync(path.join(FIXTURES, name), dir, { recursive: true });
    cpSync(BUSYBOX, path.join(dir, "busybox"));
    return await resolveTarget(session, dir, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Everything any probe run left in the engine (all run ids). */
export async function leftovers(): Promise<{ containers: number; images: number; volumes: number }> {
  const docker = new Docker();
  const filters = JSON.stringify({ label: [PROBE_LABEL] });
  const [containers, images, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listImages({ filters }),
    docker.listVolumes({ filters }).then((v) => v.Volumes ?? []),
  ]);
  return { containers: containers.length, images: images.length, volumes: volumes.length };
}
