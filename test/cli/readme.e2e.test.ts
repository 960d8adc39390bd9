import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, runCli } from "./run-cli.js";

const readme = readFileSync(path.join(REPO, "README.md"), "utf8");

describe("the README's first screen is true", () => {
  const first = /```sh\n([\s\S]*?)```/.exec(readme)![1]!.trim().split("\n");

  it("has two commands: set up and scan the example, and run the tests", () => {
    expect(first).toHaveLength(2);
    expect(first[0]).toMatch(/^npm ci && npx shipshape scan examples\/shop +# .*exits 1/);
    expect(first[1]).toMatch(/^npm test +#/);
  });

  it("says the example scan exits 1, and it does, with findings and nothing on stderr", () => {
    const r = runCli(["scan", "examples/shop"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^\d+ errors?, /m);
  });

  it("points only at files a clone has (no ../shared)", () => {
    expect(readme).not.toContain("../shared");
    for (const [, link] of readme.matchAll(/\]\(((?:docs|examples|fixtures)\/[^)#]+)\)/g)) expect(existsSync(path.join(REPO, link!)), link).toBe(true);
  });
});
