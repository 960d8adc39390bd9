import { describe } from "vitest";
import { defaultKustomize } from "../../src/render/tool.js";

/** The kustomize on this machine (`kustomize build` or `kubectl kustomize`), as a scan would pick it. */
export const KUSTOMIZE = defaultKustomize();

/**
 * `describe` for tests that render with the real kustomize: skipped with a visible notice
 * where neither kustomize nor kubectl is installed, failing in CI (SHIPSHAPE_REQUIRE_ENGINE=1,
 * set by .ci/run, whose machines have kubectl).
 */
export function describeWithKustomize(name: string, body: () => void): void {
  if (KUSTOMIZE) {
    describe(name, body);
    return;
  }
  if (process.env.SHIPSHAPE_REQUIRE_ENGINE === "1") {
    describe(name, () => {
      throw new Error("SHIPSHAPE_REQUIRE_ENGINE=1 but neither kustomize nor kubectl is on PATH");
    });
    return;
  }
  console.warn(`\n[shipshape] NOTICE: neither kustomize nor kubectl on PATH — skipping '${name}'\n`);
  describe.skip(name, body);
}
