import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, fixture, runCli } from "./run-cli.js";

/**
 * Run the built CLI into a reader that is gone before the report comes (like `| head -1`
 * once it has its line). Closing right away rather than after a first chunk: a pipe plus
 * one read hold 128 KiB, so a report this size could fit and never meet a closed pipe.
 */
function runIntoClosedReader(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [path.join(REPO, "bin/shipshape.js"), ...args], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.destroy();
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("output into a reader that stops early", () => {
  it("ends quietly, with the command's own exit code", async () => {
    for (const format of ["json", "text"]) {
      const args = ["scan", fixture("pairs/monorepo"), "--format", format];
      const r = await runIntoClosedReader(args);
      expect(r.stderr).not.toMatch(/Error|EPIPE/);
      expect(r.code).toBe(runCli(args).code);
    }
  });
});
