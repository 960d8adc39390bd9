import { describe, expect, it } from "vitest";
import { fixture, runCli } from "../cli/run-cli.js";

// stakater/Reloader's layout: `VERSION ?= 0.0.1` in the Makefile, `make … VERSION=1.4.14` in
// the release job, `image: …:v1.4.14` in the manifests. The default is not the only tag built.
describe("a Makefile tag from a `?=` variable (built CLI)", () => {
  const r = runCli(["scan", fixture("pairs", "makefile-version-switch"), "--format", "json"]);
  const report = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; container: string; severity: string; message: string }>; pairs: Array<{ dockerfile: string }> };
  const neverBuilt = report.findings.filter((f) => f.ruleId === "consistency/tag-never-built");

  it("still pairs, and is not called a tag no build produces: a note names the default", () => {
    expect(report.pairs.map((p) => p.dockerfile)).toEqual(["tools/Dockerfile", "web/Dockerfile"]);
    const web = neverBuilt.find((f) => f.container === "web")!;
    expect(web.severity).toBe("note");
    expect(web.message).toContain("not the tag the build's defaults give: Makefile:6 builds v0.0.1 by default");
    expect(web.message).not.toContain("a tag no build produces");
  });

  it("a literal tag in the same Makefile still is, at warning", () => {
    expect(neverBuilt.filter((f) => f.severity === "warning").map((f) => f.container)).toEqual(["tools"]);
  });
});
