import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { fixture } from "./run-cli.js";

// dockerode is CommonJS, so once anything loads it, it shows in the require cache
const loaded = (pkg: string) => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes(`/node_modules/${pkg}/`));

describe("command modules load on use", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "shipshape-lazy-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("scan does not load the container engine client that probe and propose need", async () => {
    const out = path.join(dir, "report.json");
    const code = await main(["node", "shipshape", "scan", fixture("scan/basic"), "--format", "json", "--output", out]);
    expect(code).toBe(1);
    expect(JSON.parse(readFileSync(out, "utf8")).findings.length).toBeGreaterThan(0);
    expect(loaded("dockerode")).toBe(false);
  });
});
