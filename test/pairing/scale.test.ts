import { describe, expect, it } from "vitest";
import { emptyConfig } from "../../src/config/config.js";
import { parseDockerfile } from "../../src/dockerfile/parse.js";
import { loadManifest } from "../../src/manifest/load.js";
import { pairImages } from "../../src/pairing/pair-images.js";
import { SourceFile } from "../../src/source/source-file.js";

describe("pairing at scale", () => {
  it("pairs 1,000 Dockerfiles with 10,000 workloads, exactly (timing lives in bench/scan)", () => {
    const dockerfiles = Array.from({ length: 1000 }, (_, i) => parseDockerfile(new SourceFile(`services/s${i}/Dockerfile`, "FROM debian:12\nUSER 10001\n")));
    const skaffold = new SourceFile(
      "skaffold.yaml",
      `apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n${Array.from({ length: 500 }, (_, i) => `    - image: ghcr.io/acme/s${i}\n      context: services/s${i}\n`).join("")}`,
    );
    const makefile = new SourceFile("Makefile", "REG ?= ghcr.io/acme\nbuild-%:\n\tdocker build -t $(REG)/$*:dev services/$*\n");
    const workloads = Array.from({ length: 10 }, (_, f) =>
      loadManifest(
        new SourceFile(
          `k8s/m${f}.yaml`,
          Array.from(
            { length: 1000 },
            (_, i) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\nspec:\n  containers:\n    - name: c\n      image: ghcr.io/acme/s${(f * 1000 + i) % 1200}:dev\n`,
          ).join("---\n"),
        ),
      ).workloads,
    ).flat();
    expect(workloads.length).toBe(10_000);
    const result = pairImages({ root: "/repo", dockerfiles, workloads, buildConfigs: [skaffold, makefile], config: emptyConfig() });
    expect(result.pairs.length).toBe(1000);
    expect(result.unpairedContainers.length).toBe(10_000 - result.pairs.reduce((n, p) => n + p.targets.length, 0));
  });
});
