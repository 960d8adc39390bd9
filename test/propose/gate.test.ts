import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixture, runCli } from "../cli/run-cli.js";

describe("propose --fail-on (a gate for pipelines)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "shipshape-gate-"));
  cpSync(fixture("propose/mixed/repo"), dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const code = (...args: string[]) => runCli(["propose", dir, "--kube-version", "1.36", ...args]);

  it("passes by default without --probe, and fails on note while something is missing", () => {
    expect(code().code).toBe(0);
    expect(code("--fail-on", "note").code).toBe(1);
  });

  it("does not gate what --write cannot change: an image that needs root stays below restricted, shown, not failed", () => {
    const json = JSON.parse(code("--format", "json").stdout) as { proposals: Array<{ pss?: { level: string; imageNeeds?: boolean } }> };
    expect(json.proposals.some((p) => p.pss && p.pss.level !== "restricted" && p.pss.imageNeeds)).toBe(true);
    expect(code("--fail-on", "warning").code).toBe(0);
  });

  it("passes --fail-on note once --write has applied everything an image allows", () => {
    // an image that can reach 'restricted': after --write nothing is missing any more
    const repo = mkdtempSync(path.join(os.tmpdir(), "shipshape-drift-"));
    mkdirSync(path.join(repo, "app"));
    writeFileSync(path.join(repo, "app/Dockerfile"), "FROM scratch\nCOPY app /app\nUSER 10001:10001\nEXPOSE 8080\nENTRYPOINT [\"/app\"]\n");
    writeFileSync(
      path.join(repo, "deploy.yaml"),
      "# the app\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app   # main\n          image: ghcr.io/acme/app:1.0\n",
    );
    writeFileSync(path.join(repo, ".shipshape.yaml"), "images:\n  - { dockerfile: app/Dockerfile, image: ghcr.io/acme/app }\n");
    const run = (...args: string[]) => runCli(["propose", repo, "--kube-version", "1.36", ...args]).code;
    const before = run("--fail-on", "note");
    const write = run("--write");
    const after = run("--fail-on", "note");
    rmSync(repo, { recursive: true, force: true });
    expect([before, write, after]).toEqual([1, 0, 0]);
  });
});
