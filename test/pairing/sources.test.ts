import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, pairsOf } from "./pairs-helpers.js";

describe("pairing, one fixture repository per evidence source", () => {
  it("config: .shipshape.yaml images", async () => {
    const r = await pairsOf("pairs/config");
    expect(r.pairs).toEqual(["build/app.Containerfile -> registry.example.com:5000/team/app (high) <= k8s/app.yaml:Deployment/default/app/app | config"]);
    expect(r.report.pairs[0]!.evidence).toEqual([{ kind: "config", file: ".shipshape.yaml", line: 2, detail: "images[0]: build/app.Containerfile → registry.example.com:5000/team/app" }]);
    expect(r.unpairedDockerfiles).toEqual(["other/Dockerfile"]);
    expect(r.unpairedContainers).toEqual(["other/other registry.example.com:5000/team/app-other:1"]);
  });

  it("skaffold: configs, profiles, docker.dockerfile, target, requires", async () => {
    const r = await pairsOf("pairs/skaffold");
    expect(r.pairs).toEqual([
      "services/billing/Dockerfile -> ghcr.io/acme/billing (high) <= k8s/billing.yaml:Deployment/billing/billing/billing | skaffold",
      "src/api/Dockerfile -> ghcr.io/acme/api (high) <= k8s/app.yaml:Pod/default/api/api | skaffold",
      "src/web/Dockerfile -> ghcr.io/acme/web (high) <= k8s/app.yaml:Deployment/default/web/web | skaffold",
      "src/worker/Dockerfile.worker@runtime -> ghcr.io/acme/worker (high) <= k8s/app.yaml:Deployment/jobs/worker/worker | skaffold",
    ]);
    expect(r.report.pairs[1]!.evidence[0]).toMatchObject({ file: "skaffold.yaml", line: 20, detail: "artifact ghcr.io/acme/api, context src/api (config app, profile legacy)" });
    expect(r.unpairedDockerfiles).toEqual(["src/unused/Dockerfile"]);
    // envoy is a public vendor image, the metrics sidecar is first-party and built nowhere
    expect(r.unpairedContainers).toEqual(["api/metrics ghcr.io/acme/metrics-sidecar:1.0"]);
  });

  it("compose: build string and object, target, defaults in ${VAR:-x}, docker.io spelt two ways", async () => {
    const r = await pairsOf("pairs/compose");
    expect(r.pairs).toEqual([
      "api/Dockerfile.prod@release -> docker.io/acme/api (high) <= k8s/all.yaml:Deployment/default/api/api | compose",
      "web/Dockerfile -> ghcr.io/acme/web (high) <= k8s/all.yaml:Deployment/default/web/web | compose",
    ]);
    expect(r.unpairedContainers).toEqual([]);
  });

  it("kustomize: the image each overlay rewrites the base to is what pairs", async () => {
    const r = await pairsOf("pairs/kustomize-overlay");
    expect(r.pairs).toEqual(["app/Dockerfile -> ghcr.io/acme/web (high) <= deploy/base/deployment.yaml:Deployment/default/web/web | makefile,kustomize"]);
    expect(r.report.pairs[0]!.evidence.map((e) => `${e.kind} ${e.file}:${e.line} ${e.detail}`)).toEqual([
      "makefile Makefile:5 docker build -t ghcr.io/acme/web:1.4.2 app",
      "kustomize deploy/overlays/prod/kustomization.yaml:7 images: web → ghcr.io/acme/web:1.4.2",
      "kustomize deploy/overlays/staging/kustomization.yaml:6 images: web → ghcr.io/acme/web:1.5.0-rc1",
    ]);
    expect(r.unpairedContainers).toEqual([]);
  });

  it("GitHub Actions: build-push-action (multi-line, comma-separated, metadata-action tags, matrix) and run: steps", async () => {
    const r = await pairsOf("pairs/ci-github");
    expect(r.pairs).toEqual([
      "jobs/cron/Dockerfile -> ghcr.io/acme/cron (high) <= k8s/apps.yaml:Deployment/default/cron/cron | ci",
      "services/api/Dockerfile.api -> ghcr.io/acme/api (high) <= k8s/apps.yaml:Deployment/default/api/api | ci",
      "services/mailer/Dockerfile -> ghcr.io/acme/mailer (high) <= k8s/apps.yaml:Deployment/default/mailer/mailer | ci",
      "services/web/Dockerfile -> ghcr.io/acme/web (high) <= k8s/apps.yaml:Deployment/default/web/web | ci",
      "services/worker/Dockerfile -> ghcr.io/acme/worker (high) <= k8s/apps.yaml:Deployment/default/worker/worker | ci",
    ]);
    expect(r.report.pairs[0]!.evidence[0]).toMatchObject({ file: ".github/workflows/build.yml", line: 47 });
    // ghcr.io/${{ github.repository }} names no repository we can know: no guess
    expect(r.unpairedDockerfiles).toEqual(["tools/Dockerfile"]);
    expect(r.unpairedContainers).toEqual(["tools/tools ghcr.io/acme/toolbox:1"]);
  });

  it("GitLab CI: script docker build with $CI_REGISTRY_IMAGE, kaniko executor", async () => {
    const r = await pairsOf("pairs/ci-gitlab");
    expect(r.pairs).toEqual([
      "web/Dockerfile -> registry.gitlab.com/acme/shop/web (medium) <= k8s/apps.yaml:Deployment/default/web/web | ci",
      "worker/Dockerfile -> registry.gitlab.com/acme/shop/worker (high) <= k8s/apps.yaml:Deployment/default/worker/worker | ci",
    ]);
  });

  it("Cloud Build: docker builder steps with dir and substitutions", async () => {
    const r = await pairsOf("pairs/cloudbuild");
    expect(r.pairs).toEqual([
      "api/Dockerfile -> us-docker.pkg.dev/my-project/apps/api (medium) <= k8s/apps.yaml:Deployment/default/api/api | ci",
      "web/Dockerfile -> gcr.io/my-project/web (medium) <= k8s/apps.yaml:Deployment/default/web/web | ci",
    ]);
  });

  it("Makefile and shell scripts: ?= defaults, pattern rules bound by the Dockerfile path, podman, buildah", async () => {
    const r = await pairsOf("pairs/makefile");
    expect(r.pairs).toEqual([
      "batch/Dockerfile -> quay.io/acme/batch (high) <= k8s/apps.yaml:Deployment/default/batch/batch | makefile",
      "db/migrate.Dockerfile -> localhost:5000/tools/migrate (high) <= k8s/apps.yaml:Deployment/default/migrate/migrate | makefile",
      "services/search/Dockerfile -> ghcr.io/acme/search (high) <= k8s/apps.yaml:Deployment/default/search/search | makefile",
      "services/web/Dockerfile -> ghcr.io/acme/web (high) <= k8s/apps.yaml:Deployment/default/web/web | makefile",
    ]);
    // `docker build -t $(IMAGE) other/`: an unknown name pairs nothing
    expect(r.unpairedDockerfiles).toEqual(["other/Dockerfile"]);
  });

  it("Makefile: both branches of a ?= switch, a Dockerfile copied before the build, a tag on the next recipe line", async () => {
    const r = await pairsOf("pairs/makefile-switch");
    expect(r.pairs).toEqual([
      "Dockerfile -> ghcr.io/acme/app (high) <= k8s/app.yaml:Deployment/default/app/app | makefile",
      // `cp Dockerfile.dev dist` then `docker build -f dist/Dockerfile.dev dist` under DEV_IMAGE=true
      "Dockerfile.dev -> ghcr.io/acme/app (high) <= k8s/app.yaml:Deployment/default/app/app | makefile",
      // `cp ./worker/* $(TEMP_DIR)`, a build there, `docker tag … ghcr.io/acme/worker:v2` on the next line
      "worker/Dockerfile -> ghcr.io/acme/worker (high) <= k8s/app.yaml:Deployment/default/app/worker | makefile",
    ]);
    // `ifeq ($(OS),Windows_NT)`: OS is no switch of this Makefile, so make never reads that branch
    expect(r.unpairedDockerfiles).toEqual(["Dockerfile.win"]);
  });

  it("skaffold: a profile's JSON patch that swaps an artifact's Dockerfile is a build of that Dockerfile", async () => {
    const r = await pairsOf("pairs/skaffold-profile-patch");
    expect(r.pairs).toEqual([
      "src/cart/Dockerfile -> ghcr.io/acme/cart (high) <= k8s/app.yaml:Deployment/default/shop/cart | skaffold",
      "src/cart/Dockerfile.debug -> ghcr.io/acme/cart (high) <= k8s/app.yaml:Deployment/default/shop/cart | skaffold",
      "src/web/Dockerfile -> ghcr.io/acme/web (high) <= k8s/app.yaml:Deployment/default/shop/web | skaffold",
    ]);
    // the patch names artifact 1 (the cart): the web's debug Dockerfile is built by nothing
    expect(r.unpairedDockerfiles).toEqual(["src/web/Dockerfile.debug"]);
    expect(r.report.pairs[1]!.evidence[0]).toMatchObject({ file: "skaffold.yaml", line: 17 });
  });

  it("Tiltfile: positional and keyword docker_build, variables, a loop bound by the context", async () => {
    const r = await pairsOf("pairs/tilt");
    expect(r.pairs).toEqual([
      "backend/Dockerfile@prod -> docker.io/acme/backend (high) <= k8s/apps.yaml:Deployment/default/backend/backend | tilt",
      "frontend/Dockerfile -> docker.io/acme/frontend (high) <= k8s/apps.yaml:Deployment/default/frontend/frontend | tilt",
      "svc/a1/Dockerfile -> docker.io/acme/a1 (high) <= k8s/apps.yaml:Deployment/default/a1/a1 | tilt",
      "svc/b1/Dockerfile -> docker.io/acme/b1 (high) <= k8s/apps.yaml:Deployment/default/b1/b1 | tilt",
    ]);
  });

  it("Tiltfile: a Tilt build pairs only with the manifests its k8s_yaml loads", async () => {
    const r = await pairsOf("pairs/tilt-scope");
    expect(r.pairs).toEqual([
      "Dockerfile -> ghcr.io/acme/app (high) <= base/app.yaml:Deployment/default/app/app, release/app.yaml:Deployment/default/app-release/app-release | makefile",
      // release/ is not in k8s_yaml(kustomize('dev')): Tilt never rewrites it
      "Dockerfile.tilt -> ghcr.io/acme/app (high) <= base/app.yaml:Deployment/default/app/app | tilt",
    ]);
  });

  it("heuristics: folder name and Dockerfile.<name>, never an ambiguous name, never high", async () => {
    const r = await pairsOf("pairs/heuristic");
    expect(r.pairs).toEqual([
      "services/billing/Dockerfile -> ghcr.io/acme/billing (medium) <= k8s/apps.yaml:Deployment/default/billing/billing | heuristic",
      "tools/Dockerfile.migrate -> ghcr.io/acme/migrate (medium) <= k8s/apps.yaml:Deployment/default/migrate/migrate | heuristic",
    ]);
    expect(r.unpairedDockerfiles).toEqual(["a/shared/Dockerfile", "b/shared/Dockerfile"]);
    expect(r.unpairedContainers).toEqual(["shared/shared ghcr.io/acme/shared:1", "unknown/unknown ghcr.io/acme/unknown:1"]);
  });

  it("heuristics: one Dockerfile and one first-party image pair with low confidence", async () => {
    const r = await pairsOf("pairs/heuristic-single");
    expect(r.pairs).toEqual(["Dockerfile -> ghcr.io/acme/thing (low) <= deploy.yaml:Deployment/default/thing/thing | heuristic"]);
    expect(r.unpairedContainers).toEqual([]);
  });
});

describe("monorepo: ten services, mixed evidence, kustomize base and overlays", () => {
  it("finds every pair and no false one", async () => {
    const r = await pairsOf("pairs/monorepo");
    expect(r.pairs).toEqual([
      "build/reports.Containerfile -> ghcr.io/acme/reports (high) <= deploy/base/reports.yaml:CronJob/default/reports/reports | config",
      "services/api/Dockerfile@runtime -> ghcr.io/acme/api (high) <= deploy/base/api.yaml:Deployment/default/api/api | skaffold,kustomize",
      "services/auth/Dockerfile -> ghcr.io/acme/auth (high) <= deploy/base/auth.yaml:Deployment/default/auth/auth | makefile",
      "services/billing/Dockerfile -> ghcr.io/acme/billing (high) <= deploy/base/billing.yaml:Deployment/default/billing/billing | ci,kustomize",
      "services/frontend/Dockerfile -> ghcr.io/acme/frontend (high) <= deploy/base/frontend.yaml:Deployment/default/frontend/frontend | tilt",
      "services/mailer/Dockerfile -> ghcr.io/acme/mailer (high) <= deploy/base/mailer.yaml:Deployment/default/mailer/mailer | ci",
      "services/notifications/Dockerfile -> ghcr.io/acme/notifications (high) <= deploy/base/notifications.yaml:Deployment/default/notifications/notifications | ci",
      "services/search/Dockerfile -> ghcr.io/acme/search (high) <= deploy/base/search.yaml:Deployment/default/search/search | makefile,kustomize",
      "services/web/Dockerfile -> ghcr.io/acme/web (high) <= deploy/base/web.yaml:Deployment/default/web/web | skaffold,kustomize",
      "services/worker/Dockerfile -> ghcr.io/acme/worker (high) <= deploy/base/worker.yaml:Deployment/default/worker/worker | compose",
    ]);
    expect(r.unpairedDockerfiles).toEqual(["tools/debug/Dockerfile"]);
    // web-admin is not web; public images (postgres, busybox, the exporter) are not listed
    expect(r.unpairedContainers).toEqual(["gateway/gateway ghcr.io/acme/legacy-gateway:3.2", "gateway/web-admin ghcr.io/acme/web-admin:1.0"]);
  });
});

describe("confidence across every pairing fixture", () => {
  it("no pair with heuristic evidence is high, and a high pair has build-config evidence", async () => {
    const dirs = readdirSync(path.join(FIXTURES, "pairs"));
    let high = 0;
    for (const dir of dirs) {
      const { report } = await pairsOf(`pairs/${dir}`);
      for (const p of report.pairs) {
        if (p.confidence !== "high") continue;
        high++;
        expect(p.evidence.map((e) => e.kind), `${dir}: ${p.dockerfile} → ${p.image}`).not.toContain("heuristic");
        expect(p.evidence.some((e) => e.kind !== "kustomize"), `${dir}: ${p.dockerfile} → ${p.image}`).toBe(true);
      }
    }
    expect(high).toBeGreaterThan(20);
  });
});
