import { describe, expect, it } from "vitest";
import { evaluateMakefile } from "../../src/pairing/make-eval.js";
import { displayTemplate } from "../../src/pairing/image-ref.js";

const run = (text: string, files: Record<string, string> = {}) =>
  evaluateMakefile(text, "app/Makefile", "app", (rel) => (files[rel] !== undefined ? { text: files[rel]!, path: rel } : undefined)).recipes.map((r) => displayTemplate(r.text));

describe("make-eval", () => {
  it("expands variables through several hops, with ?= defaults and $(if)", () => {
    const out = run(["IMG ?= controller:latest", "CONTAINER_TOOL ?= docker", "docker-build:", "\t$(CONTAINER_TOOL) build $(if $(BASE_IMAGE),--build-arg BASE_IMAGE=$(BASE_IMAGE)) -t ${IMG} ."].join("\n"));
    expect(out).toEqual(["docker build  -t controller:latest ."]);
  });

  it("generates recipes through include, define, foreach, eval and call", () => {
    const mk = ["DOCKER:=docker", "define gen", "build-$(1):", "\t$(DOCKER) build -f $(1)/Dockerfile $(1)/. -t $(REGISTRY)/$(PREFIX)$(1):latest", "endef", "$(foreach ITEM,$(APPS),$(eval $(call gen,$(ITEM))))"].join("\n");
    const out = run(["PREFIX ?= hello-", "APPS ?= node python", "include ../docker.mk"].join("\n"), { "docker.mk": mk });
    expect(out).toEqual(["docker build -f node/Dockerfile node/. -t ${REGISTRY}/hello-node:latest", "docker build -f python/Dockerfile python/. -t ${REGISTRY}/hello-python:latest"]);
  });

  it("reads conditionals as make does with an empty environment", () => {
    const out = run(["ifdef IMAGE_NAMESPACE", "PREFIX=$(IMAGE_NAMESPACE)/", "else", "PREFIX=quay.io/argoproj/", "endif", "ifeq ($(ARCH),arm)", "TAG=arm", "else", "TAG=latest", "endif", "image:", "\tdocker build -t $(PREFIX)argocd:$(TAG) ."].join("\n"));
    expect(out).toEqual(["docker build -t quay.io/argoproj/argocd:latest ."]);
  });
});
