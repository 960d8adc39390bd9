import { describe, inject } from "vitest";
import { DebianImages } from "./debian-images.js";

/**
 * The Debian images of this test run (shared by every test file through the run id the
 * global setup provides). `SHIPSHAPE_DEBIAN_CACHE=<dir>` keeps the bootstrapped root
 * filesystem there between runs, for developers; CI builds it fresh.
 */
export function debianImagesForTests(): DebianImages {
  return new DebianImages({
    runId: inject("debianRunId"),
    workDir: inject("debianWorkDir"),
    baseCache: process.env.SHIPSHAPE_DEBIAN_CACHE || undefined,
    log: (line) => process.stderr.write(`[debian images] ${line}\n`),
  });
}

/**
 * `describe` for tests on images built from Debian packages: skipped with a visible notice
 * where the root filesystem cannot be built (no debootstrap, no root, no mirror), failing
 * when CI asks for the engine (SHIPSHAPE_REQUIRE_ENGINE=1).
 */
export function describeWithDebian(name: string, unavailable: string | undefined, body: () => void): void {
  if (unavailable === undefined) {
    describe(name, body);
    return;
  }
  if (process.env.SHIPSHAPE_REQUIRE_ENGINE === "1") {
    describe(name, () => {
      throw new Error(`SHIPSHAPE_REQUIRE_ENGINE=1 but the Debian images cannot be built: ${unavailable}`);
    });
    return;
  }
  console.warn(`\n[shipshape] NOTICE: ${unavailable} — skipping '${name}'\n`);
  describe.skip(name, body);
}
