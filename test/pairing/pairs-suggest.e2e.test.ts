import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fixture, runCli } from "../cli/run-cli.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "shipshape-suggest-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of a fixture repository the test may write a .shipshape.yaml into. */
function copyOf(name: string, as: string): string {
  const dir = path.join(tmp, as);
  cpSync(fixture("pairs", name), dir, { recursive: true });
  return dir;
}

const pairsOf = (dir: string) => {
  const r = runCli(["pairs", dir, "--format", "json"]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as { pairs: Array<{ dockerfile: string; image: string; confidence: string; evidence: Array<{ kind: string; file: string; line: number }> }>; unpairedDockerfiles: string[]; unpairedContainers: unknown[] };
};

/** What a user does with a suggestion: delete the '# ' of the entry's lines after the marker line. */
function uncomment(yaml: string, marker: string): string {
  const lines = yaml.split("\n");
  let i = lines.findIndex((l) => l.includes(marker));
  expect(i).toBeGreaterThan(-1);
  while (!/^ {2}# - dockerfile:/.test(lines[i]!)) i++;
  for (; i < lines.length && /^ {2}# (-| ) /.test(lines[i]!); i++) lines[i] = lines[i]!.replace(/^ {2}# /, "  ");
  return lines.join("\n");
}

describe("shipshape pairs --suggest (built CLI)", () => {
  it("prints an images: block that pastes as is, changes nothing until uncommented, then pairs what it marked", () => {
    const dir = copyOf("suggest", "paste");
    const before = pairsOf(dir);
    expect(before.pairs).toEqual([]);
    const r = runCli(["pairs", dir, "--suggest"]);
    expect(r.code).toBe(0);
    // valid YAML whose images: list is empty: every guess is a comment, with why it is unpaired
    expect(parse(r.stdout)).toEqual({ images: null });
    expect(r.stdout).toContain("  # check this: api/Dockerfile → ghcr.io/acme/api: the image's name 'api' equals the Dockerfile's folder name 'api'\n");
    expect(r.stdout).toContain("  # unpaired: api/Dockerfile: built as ghcr.io/acme/api-server (makefile Makefile:6), which no workload in the scanned manifests deploys\n");
    expect(r.stdout).toContain("  # gateway/Dockerfile: built by makefile Makefile:3 without an image name we can read (docker build -t ${IMG} gateway)\n");
    expect(r.stdout).toContain("  # image ghcr.io/acme/nightly-report is built nowhere we can read, and no Dockerfile here is named like it\n");
    expect(r.stdout).toContain("# third-party images, built elsewhere (not unpaired): postgres\n");
    expect(r.stdout).toContain("  # image gcr.io/acme-ci/ledger is built without a Dockerfile (jib, skaffold.yaml:8): an images: entry needs a Dockerfile, nothing to add\n\n");

    writeFileSync(path.join(dir, ".shipshape.yaml"), r.stdout);
    expect(pairsOf(dir)).toEqual(before);

    writeFileSync(path.join(dir, ".shipshape.yaml"), uncomment(r.stdout, "# check this: api/Dockerfile"));
    const after = pairsOf(dir);
    expect(after.pairs.map((p) => `${p.dockerfile} ${p.image} ${p.confidence} ${p.evidence.map((e) => `${e.kind} ${e.file}:${e.line}`).join(",")}`)).toEqual([
      "api/Dockerfile ghcr.io/acme/api high config .shipshape.yaml:10",
    ]);
    expect(after.unpairedDockerfiles).toEqual(["gateway/Dockerfile", "jobs/Dockerfile"]);

    // asked again, the user's entry is kept as it is (the block replaces the list) and is no longer suggested
    const again = runCli(["pairs", dir, "--suggest"]);
    expect(parse(again.stdout)).toEqual({ images: [{ dockerfile: "api/Dockerfile", image: "ghcr.io/acme/api" }] });
    expect(again.stdout).not.toContain("check this: api/Dockerfile");
  });

  it("a blank left unfilled is exit 2 naming the key; filled in, it pairs", () => {
    const dir = copyOf("suggest", "blank");
    const yaml = runCli(["pairs", dir, "--suggest"]).stdout;
    const blank = uncomment(yaml, "# image ghcr.io/acme/nightly-report");
    writeFileSync(path.join(dir, ".shipshape.yaml"), blank);
    const r = runCli(["pairs", dir, "--format", "json"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("'images[0].dockerfile' is empty: fill in the Dockerfile that builds the image");
    writeFileSync(path.join(dir, ".shipshape.yaml"), blank.replace('dockerfile: ""', "dockerfile: jobs/Dockerfile"));
    expect(pairsOf(dir).pairs.map((p) => `${p.dockerfile} ${p.image} ${p.confidence}`)).toEqual(["jobs/Dockerfile ghcr.io/acme/nightly-report high"]);
    expect(readFileSync(path.join(dir, ".shipshape.yaml"), "utf8")).toContain("# fill in: the Dockerfile that builds this image");
  });

  it("--format json adds a suggestions list; nothing is a fact", () => {
    const r = runCli(["pairs", fixture("pairs", "suggest"), "--suggest", "--format", "json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(["pairs", "unpairedDockerfiles", "unpairedContainers", "unpairedReasons", "thirdPartyContainers", "suggestions"]);
    expect(report.suggestions.map((s: { kind: string; dockerfile: string | null; image: string | null }) => `${s.kind} ${s.dockerfile} ${s.image}`)).toEqual([
      "candidate api/Dockerfile ghcr.io/acme/api",
      "image null ghcr.io/acme/nightly-report",
      "dockerfile gateway/Dockerfile null",
      "dockerfile jobs/Dockerfile null",
      "dockerless null gcr.io/acme-ci/ledger",
    ]);
    // a bare skaffold jib artifact name, deployed under the default repo: built without a Dockerfile, no entry to add
    expect(report.unpairedContainers.find((c: { container: string }) => c.container === "ledger").reason).toBe("image gcr.io/acme-ci/ledger is built without a Dockerfile (jib, skaffold.yaml:8)");
    expect(report.suggestions[0]).toMatchObject({ check: "the image's name 'api' equals the Dockerfile's folder name 'api'", containers: [{ file: "k8s/app.yaml", kind: "Deployment", name: "api", container: "api" }] });
    // without --suggest the report is as before
    expect(Object.keys(JSON.parse(runCli(["pairs", fixture("pairs", "suggest"), "--format", "json"]).stdout))).not.toContain("suggestions");
  });

  it("ambiguous names give each Dockerfile as an alternative to check; nothing unpaired gives an empty list", () => {
    const r = runCli(["pairs", fixture("pairs", "heuristic"), "--suggest"]);
    expect(r.stdout).toContain("# check this: a/shared/Dockerfile → ghcr.io/acme/shared: the image's name 'shared' equals the Dockerfile's folder name 'shared' (one of 2 Dockerfiles named so: keep the one that builds it)\n");
    expect(r.stdout).toContain("# check this: b/shared/Dockerfile → ghcr.io/acme/shared:");
    const none = runCli(["pairs", fixture("pairs", "compose"), "--suggest"]);
    expect(none.code).toBe(0);
    expect(parse(none.stdout)).toEqual({ images: [] });
    expect(none.stdout).toContain("# Nothing is unpaired");
  });

  it("a similar name is a candidate among unpaired Dockerfiles only, not one pairing with its own image", () => {
    const r = runCli(["pairs", fixture("pairs", "config"), "--suggest"]);
    expect(r.stdout.match(/# check this: .*/g)).toEqual([
      "# check this: other/Dockerfile → registry.example.com:5000/team/app-other: the image's name 'app-other' is like the Dockerfile's folder name 'other'",
    ]);
    // the user's own entry comes first, active, so the block replaces their list
    expect(parse(r.stdout)).toEqual({ images: [{ dockerfile: "build/app.Containerfile", image: "registry.example.com:5000/team/app" }] });
  });

  it("--suggest with --format dot is exit 2", () => {
    const r = runCli(["pairs", fixture("pairs", "suggest"), "--suggest", "--format", "dot"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--suggest");
  });
});
