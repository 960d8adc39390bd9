import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, runCli } from "../cli/run-cli.js";

describe("shipshape pairs (built CLI)", () => {
  it("--format json: the contract's shape, one object on stdout", () => {
    const r = runCli(["pairs", fixture("pairs", "skaffold"), "--format", "json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(["pairs", "unpairedDockerfiles", "unpairedContainers", "unpairedReasons", "thirdPartyContainers"]);
    expect(report.pairs[2]).toEqual({
      dockerfile: "src/web/Dockerfile",
      stage: null,
      image: "ghcr.io/acme/web",
      workloads: [{ file: "k8s/app.yaml", kind: "Deployment", name: "web", namespace: "default", container: "web" }],
      evidence: [{ kind: "skaffold", file: "skaffold.yaml", line: 9, detail: "artifact ghcr.io/acme/web, context src/web (config app)" }],
      confidence: "high",
    });
    expect(report.unpairedContainers).toEqual([
      { file: "k8s/app.yaml", kind: "Pod", name: "api", container: "metrics", image: "ghcr.io/acme/metrics-sidecar:1.0", reason: "image ghcr.io/acme/metrics-sidecar is built nowhere we can read" },
    ]);
  });

  it("says why each Dockerfile and first-party container is unpaired; third-party images are not unpaired", () => {
    const r = runCli(["pairs", fixture("pairs", "unpaired-reasons"), "--format", "json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.unpairedReasons).toEqual([
      { dockerfile: "other/Dockerfile", reason: "built by makefile Makefile:5 without an image name we can read (docker build -t ${IMAGE} other)" },
      { dockerfile: "tools/Dockerfile", reason: "built as ghcr.io/acme/tools (makefile Makefile:2), which no workload in the scanned manifests deploys" },
    ]);
    // postgres is Docker Hub's: not ours to build, so not "unpaired"
    expect(report.unpairedContainers.map((c: { container: string; reason: string }) => `${c.container}: ${c.reason}`)).toEqual([
      "billing: image ghcr.io/acme/billing is built without a Dockerfile (jib, Makefile:8)",
      "mailer: image ghcr.io/acme/mailer is built nowhere we can read",
    ]);
    expect(report.thirdPartyContainers.map((c: { container: string }) => c.container)).toEqual(["db"]);
    const text = runCli(["pairs", fixture("pairs", "unpaired-reasons")]);
    expect(text.stdout).toContain("  tools/Dockerfile  built as ghcr.io/acme/tools (makefile Makefile:2), which no workload in the scanned manifests deploys\n");
  });

  it("third-party containers are named as such, not unpaired and not omitted; a public name built here pairs", () => {
    const r = runCli(["pairs", fixture("pairs", "third-party"), "--format", "json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.thirdPartyContainers).toEqual([
      { file: "k8s/app.yaml", kind: "Deployment", name: "app", container: "exporter", image: "quay.io/prometheus/node-exporter:v1.8.0", thirdParty: true, reason: "third-party: quay.io/prometheus/node-exporter is published under quay.io/prometheus, a public publisher, built elsewhere" },
      { file: "k8s/app.yaml", kind: "StatefulSet", name: "db", container: "postgres", image: "postgres:16", thirdParty: true, reason: "third-party: docker.io/library/postgres is a Docker Official Images name (docker.io/library), built elsewhere" },
      { file: "k8s/app.yaml", kind: "StatefulSet", name: "db", container: "cache", image: "bitnami/redis:7.2", thirdParty: true, reason: "third-party: docker.io/bitnami/redis is published by 'bitnami' on Docker Hub, a public publisher, built elsewhere" },
      { file: "k8s/app.yaml", kind: "Job", name: "migrate", container: "migrate", image: "postgres:16", thirdParty: true, reason: "third-party: docker.io/library/postgres is a Docker Official Images name (docker.io/library), built elsewhere" },
    ]);
    // '<image_url>' is no image at all: not called a Docker Official Images name
    expect(JSON.stringify(report.thirdPartyContainers)).not.toContain("placeholder");
    // an organisation's own image on Docker Hub is first-party: unpaired, with its reason
    expect(report.unpairedContainers.map((c: { container: string }) => c.container)).toEqual(["worker"]);
    // nginx:local is built by the Makefile: paired, so neither third-party nor unpaired
    expect(report.pairs.map((p: { dockerfile: string; image: string }) => `${p.dockerfile} ${p.image}`)).toEqual(["app/Dockerfile ghcr.io/acme/app", "proxy/Dockerfile docker.io/library/nginx"]);
    const text = runCli(["pairs", fixture("pairs", "third-party")]);
    expect(text.code).toBe(0);
    // one line for all of them, each image once with its count
    expect(text.stdout).toContain("Third-party containers: 4 (public images deployed here, built elsewhere: not unpaired)\n  bitnami/redis, postgres ×2, quay.io/prometheus/node-exporter\n");
    expect(text.stdout).toContain("2 pairs, 0 unpaired Dockerfiles, 1 unpaired container, 4 third-party containers\n");
  });

  it("confidence: high only for an explicit build → tag → deploy chain", () => {
    const r = runCli(["pairs", fixture("pairs", "confidence"), "--format", "json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { pairs: Array<{ dockerfile: string; image: string; confidence: string; evidence: Array<{ kind: string }> }> };
    expect(report.pairs.map((p) => `${p.dockerfile} ${p.image} ${p.confidence} ${p.evidence.map((e) => e.kind).join(",")}`)).toEqual([
      // the Makefile tags ghcr.io/acme/api:1, the manifest deploys it
      "api/Dockerfile ghcr.io/acme/api high makefile",
      // named like its folder, built by nothing we read
      "jobs/Dockerfile ghcr.io/acme/jobs medium heuristic",
      // built as ghcr.io/acme/web, deployed under another registry: the same name only
      "web/Dockerfile registry.acme.internal/prod/web medium makefile,heuristic",
      // built as $(REGISTRY)/worker with REGISTRY unset: a wildcard matched
      "worker/Dockerfile registry.acme.internal/worker medium makefile",
    ]);
  });

  it("--format text, dot and mermaid", () => {
    const text = runCli(["pairs", fixture("pairs", "monorepo"), "--no-render"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("services/api/Dockerfile (stage runtime) → ghcr.io/acme/api  [high]");
    expect(text.stdout).toContain("10 pairs, 1 unpaired Dockerfile, 2 unpaired containers");
    const dot = runCli(["pairs", fixture("pairs", "monorepo"), "--format", "dot", "--no-render"]);
    expect(dot.stdout.startsWith("digraph pairs {")).toBe(true);
    expect(dot.stdout).toContain('d0 [label="build/reports.Containerfile", shape=note];');
    const mermaid = runCli(["pairs", fixture("pairs", "monorepo"), "--format", "mermaid", "--no-render"]);
    expect(mermaid.stdout.startsWith("flowchart LR\n")).toBe(true);
    expect(mermaid.stdout).toMatch(/d\d+ -->\|"target runtime · skaffold, kustomize · high"\| i\d+/);
  });

  it("an images: entry in .shipshape.yaml naming a Dockerfile that is not there is exit 2, naming the key and line", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "shipshape-config-images-"));
    try {
      mkdirSync(path.join(dir, "app"));
      writeFileSync(path.join(dir, "app/Dockerfile"), "FROM scratch\n");
      writeFileSync(path.join(dir, ".shipshape.yaml"), "images:\n  - { dockerfile: app/Dockerfile, image: ghcr.io/acme/app }\n  - dockerfile: api/Dockerfile\n    image: ghcr.io/acme/api\n");
      for (const cmd of ["pairs", "scan"]) {
        const r = runCli([cmd, dir, "--format", "json"]);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr).toContain(".shipshape.yaml:3: 'images[1].dockerfile' names api/Dockerfile, which is not a file under");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects an unknown format with exit code 2", () => {
    expect(runCli(["pairs", fixture("pairs", "skaffold"), "--format", "sarif"]).code).toBe(2);
  });

  it("scan --format json carries the pairs and the consistency findings with both files", () => {
    const r = runCli(["scan", fixture("consistency", "non-numeric-user"), "--format", "json", "--fail-on", "none"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.pairs.map((p: { image: string }) => p.image)).toEqual(["ghcr.io/acme/bad", "ghcr.io/acme/good"]);
    const f = report.findings.find((x: { ruleId: string }) => x.ruleId === "consistency/non-numeric-user");
    expect(f).toMatchObject({ file: "k8s/app.yaml", line: 12, dockerfile: "bad/Dockerfile", related: [{ file: "bad/Dockerfile", line: 3 }] });
  });
});
