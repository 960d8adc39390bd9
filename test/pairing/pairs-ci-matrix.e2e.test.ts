import { describe, expect, it } from "vitest";
import { fixture, runCli } from "../cli/run-cli.js";

interface PairsJson {
  pairs: Array<{ dockerfile: string; confidence: string; workloads: Array<{ name: string }> }>;
  unpairedDockerfiles: string[];
  unpairedContainers: Array<{ name: string; reason: string }>;
  unpairedReasons: Array<{ dockerfile: string; reason: string }>;
}

// The OpenTelemetry demo's layout: one CI matrix of {file, tag suffix} mappings pushes every
// service to one repository, told apart by tag; a Dockerfile no build names must stay out.
describe("pairs: one repository, services told apart by tag (built CLI)", () => {
  const r = runCli(["pairs", fixture("pairs", "ci-matrix-services"), "--format", "json"]);
  const report = JSON.parse(r.stdout) as PairsJson;

  it("reads a matrix of mappings (matrix.service.file) and pairs each deployment with its own service's Dockerfile", () => {
    expect(r.code).toBe(0);
    expect(report.pairs.map((p) => `${p.dockerfile} <= ${p.workloads.map((w) => w.name).join(",")} (${p.confidence})`)).toEqual([
      "src/ad/Dockerfile <= ad (high)", // latest-ad: a tag the build pushes
      "src/cart/Dockerfile <= cart (high)", // 2.1.3-cart: built as dev-cart, only cart's tags have 'cart'
    ]);
  });

  it("a Dockerfile path the build does not state pairs with nothing, and says why", () => {
    expect(report.unpairedDockerfiles).toEqual(["src/ad/genproto/Dockerfile", "tools/a/Dockerfile", "tools/b/Dockerfile"]);
    const why = "ci .github/workflows/tool.yml:11 builds a Dockerfile it names ${inputs.dockerfile}, which fits several Dockerfiles; nothing says which";
    expect(report.unpairedReasons).toContainEqual({ dockerfile: "tools/a/Dockerfile", reason: why });
    expect(report.unpairedContainers).toEqual([
      expect.objectContaining({ name: "tool", reason: expect.stringContaining("from a Dockerfile it names ${inputs.dockerfile}, which fits several Dockerfiles") }),
    ]);
  });
});
