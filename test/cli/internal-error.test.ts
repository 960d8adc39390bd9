import { afterEach, describe, expect, it, vi } from "vitest";

// No input can make the scan fail internally (that is the point), so the failure is
// injected: the scan command's action throws as a bug would.
vi.mock("../../src/cli/scan-action.js", () => ({
  scanAction: () => {
    throw new TypeError("Cannot read properties of undefined (reading 'spec')");
  },
}));

const { main } = await import("../../src/cli/main.js");

function stderrOf(run: () => Promise<number>): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((s) => ((stderr += String(s)), true));
  return run().then(
    (code) => (spy.mockRestore(), { code, stderr }),
    (e) => (spy.mockRestore(), Promise.reject(e)),
  );
}

describe("an internal error", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is one line on stderr and exit code 2", async () => {
    const { code, stderr } = await stderrOf(() => main(["node", "shipshape", "scan", "."]));
    expect(code).toBe(2);
    expect(stderr).toBe("shipshape: internal error: Cannot read properties of undefined (reading 'spec') (run with --debug for details)\n");
  });

  it("comes with its stack trace under --debug", async () => {
    const { code, stderr } = await stderrOf(() => main(["node", "shipshape", "scan", ".", "--debug"]));
    expect(code).toBe(2);
    const lines = stderr.trimEnd().split("\n");
    expect(lines[0]).toBe("shipshape: internal error: Cannot read properties of undefined (reading 'spec')");
    expect(lines[1]).toBe("TypeError: Cannot read properties of undefined (reading 'spec')");
    expect(lines.slice(2).some((l) => l.includes("internal-error.test.ts"))).toBe(true);
  });
});
