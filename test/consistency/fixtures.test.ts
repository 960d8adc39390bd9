import { describe, expect, it } from "vitest";
import { scanFixture } from "../pairing/pairs-helpers.js";

/** Each fixture pairs a `bad` and a `good` service through compose.yaml: the rule fires on bad only. */
const CASES: Array<[string, string, string, number, string[]]> = [
  ["non-numeric-user", "consistency/non-numeric-user", "error", 12, ["bad/Dockerfile:3"]],
  ["image-runs-as-root", "consistency/image-runs-as-root", "error", 9, ["bad/Dockerfile:3"]],
  ["uid-mismatch", "consistency/uid-mismatch", "warning", 12, ["bad/Dockerfile:4", "bad/Dockerfile:2", "bad/Dockerfile:3", "bad/Dockerfile:2"]],
  ["privileged-port", "consistency/privileged-port", "error", 12, ["bad/Dockerfile:3", "bad/Dockerfile:2"]],
  ["volume-read-only-root", "consistency/volume-read-only-root", "warning", 12, ["bad/Dockerfile:2"]],
  ["file-capabilities", "consistency/file-capabilities", "error", 13, ["bad/Dockerfile:3"]],
  ["user-switch", "consistency/user-switch", "error", 12, ["bad/Dockerfile:3"]],
  ["healthcheck-ignored", "consistency/healthcheck-ignored", "note", 9, ["bad/Dockerfile:2"]],
  ["tag-never-built", "consistency/tag-never-built", "warning", 10, ["compose.yaml:2"]],
];

describe("consistency analyzers on fixture repositories", () => {
  for (const [dir, ruleId, severity, line, related] of CASES) {
    it(`${ruleId}: fires on the bad pair, silent on the good one`, async () => {
      const result = await scanFixture(`consistency/${dir}`, true);
      expect(result.pairing.pairs.map((p) => `${p.dockerfile.file.path} -> ${p.image}`)).toEqual([
        "bad/Dockerfile -> ghcr.io/acme/bad",
        "good/Dockerfile -> ghcr.io/acme/good",
      ]);
      const own = result.findings.filter((f) => f.ruleId.startsWith("consistency/"));
      expect(own.map((f) => ({ ruleId: f.ruleId, severity: f.severity, file: f.file, line: f.line, workload: f.workload?.name, dockerfile: f.dockerfile }))).toEqual([
        { ruleId, severity, file: "k8s/app.yaml", line, workload: "bad", dockerfile: "bad/Dockerfile" },
      ]);
      const f = own[0]!;
      expect((f.related ?? []).map((r) => `${r.file}:${r.line}`)).toEqual(related);
      // the message names both files with their lines
      expect(f.message).toContain(`k8s/app.yaml:`);
      expect(f.message).toMatch(/(bad\/Dockerfile|compose\.yaml):\d+/);
    });
  }

  it("tag-never-built stays silent when the tag is decided at deploy time (skaffold)", async () => {
    const result = await scanFixture("pairs/skaffold", true);
    expect(result.findings.filter((f) => f.ruleId === "consistency/tag-never-built")).toEqual([]);
  });

  it("image/mutable-tag says nothing of a tag skaffold or a kustomize images: entry replaces, and still flags what deploys moving", async () => {
    const result = await scanFixture("pairs/deploy-tag", true);
    const mutable = result.findings.filter((f) => f.ruleId === "image/mutable-tag");
    expect(mutable.map((f) => `${f.file}:${f.line}`)).toEqual(["deploy/base/api.yaml:12", "k8s/web.yaml:14"]);
    // the base's tag-less `api` deploys as 1.4.2 in prod but as :latest in dev: the finding names the entry that does
    expect(mutable[0]!.message).toContain("deployed as 'ghcr.io/acme/api:latest' by kustomize images: (deploy/overlays/dev/kustomization.yaml:4)");
    // ghcr.io/acme/web (line 12) is a skaffold artifact: skaffold deploys it by its own tag; cli is built by nothing
    expect(mutable[1]!.message).toContain("'ghcr.io/acme/cli' has no tag");
  });

  it("tag-never-built follows kustomize: the staging overlay deploys a tag the Makefile never builds", async () => {
    const result = await scanFixture("pairs/kustomize-overlay", true);
    const tags = result.findings.filter((f) => f.ruleId === "consistency/tag-never-built");
    expect(tags.map((f) => `${f.file}:${f.line} ${f.related?.map((r) => `${r.file}:${r.line}`).join(",")}`)).toEqual([
      "deploy/overlays/staging/kustomization.yaml:6 Makefile:5",
    ]);
    expect(tags[0]!.message).toContain("ghcr.io/acme/web:1.5.0-rc1");
  });

  it("uses the target stage the build names: the api's runtime stage runs as 65532, not debug's root", async () => {
    const result = await scanFixture("pairs/monorepo", true);
    const api = result.pairing.pairs.find((p) => p.image === "ghcr.io/acme/api")!;
    expect(api.stage).toBe("runtime");
    expect(api.dockerfile.effectiveUser?.uid).toBe(65532);
  });
});
