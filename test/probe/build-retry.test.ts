import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { resolveTarget } from "../../src/probe/build.js";
import type { EngineSession } from "../../src/probe/engine.js";

// The race itself (another build's cached layer removed while ours steps onto it) cannot be
// produced on demand: the engine's answer is played by a stand-in for this one call.
const dir = mkdtempSync(path.join(tmpdir(), "shipshape-build-retry-"));
writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\n");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sessionAnswering(...answers: string[]): { session: EngineSession; calls: () => number } {
  let calls = 0;
  const session = {
    runId: "retry-test",
    labels: {},
    track: () => undefined,
    docker: {
      buildImage: async (context: NodeJS.ReadableStream) => {
        // read the whole build context, as the engine does, before answering
        await new Promise((resolve, reject) => context.on("end", resolve).on("error", reject).resume());
        throw new Error(answers[calls++] ?? "no more answers");
      },
    },
  } as unknown as EngineSession;
  return { session, calls: () => calls };
}

test("a build that lost a cached parent layer to a concurrent removal is built once more", async () => {
  const { session, calls } = sessionAnswering(
    "failed to export image: failed to set parent sha256:179b: unknown parent image ID sha256:179b",
    "the Dockerfile's own error",
  );
  await expect(resolveTarget(session, dir, {})).rejects.toThrow("the Dockerfile's own error");
  expect(calls()).toBe(2);
});

test("any other build failure is reported at once", async () => {
  const { session, calls } = sessionAnswering("COPY failed: file not found in build context");
  await expect(resolveTarget(session, dir, {})).rejects.toThrow("COPY failed: file not found in build context");
  expect(calls()).toBe(1);
});
