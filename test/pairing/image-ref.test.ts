import { describe, expect, it } from "vitest";
import { matchesRepository, normalizeImageRef, repositoryPattern, tagMatches, unresolved } from "../../src/pairing/image-ref.js";

describe("normalizeImageRef", () => {
  it.each([
    ["nginx", "docker.io/library/nginx", undefined, undefined],
    ["nginx:1.27", "docker.io/library/nginx", "1.27", undefined],
    ["acme/web:2", "docker.io/acme/web", "2", undefined],
    ["docker.io/nginx", "docker.io/library/nginx", undefined, undefined],
    ["index.docker.io/acme/web", "docker.io/acme/web", undefined, undefined],
    ["localhost:5000/x", "localhost:5000/x", undefined, undefined],
    ["localhost/x:1", "localhost/x", "1", undefined],
    ["registry.example.com:5000/team/app:2.0", "registry.example.com:5000/team/app", "2.0", undefined],
    ["ghcr.io/acme/web@sha256:abc", "ghcr.io/acme/web", undefined, "sha256:abc"],
    ["ghcr.io/acme/web:1.0@sha256:abc", "ghcr.io/acme/web", "1.0", "sha256:abc"],
  ])("%s", (ref, repository, tag, digest) => {
    expect(normalizeImageRef(ref)).toEqual({ repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) });
  });

  it("rejects what cannot be a reference", () => {
    expect(normalizeImageRef("")).toBeUndefined();
    expect(normalizeImageRef(":1.0")).toBeUndefined();
    expect(normalizeImageRef("a b")).toBeUndefined();
  });

  it("keeps an unknown registry as a leading wildcard", () => {
    const ref = normalizeImageRef(`${unresolved("REGISTRY")}/web:${unresolved("VERSION")}`)!;
    const p = repositoryPattern(ref.repository)!;
    expect(matchesRepository(p, "ghcr.io/acme/web")).toBe(true);
    expect(matchesRepository(p, "ghcr.io/acme/web-admin")).toBe(false);
    expect(tagMatches(ref.tag!, "v1.2.3")).toBe(true);
  });

  it("matches a variable inside a path segment by segment only", () => {
    const p = repositoryPattern(`gcr.io/${unresolved("PROJECT_ID")}/web`)!;
    expect(matchesRepository(p, "gcr.io/my-project/web")).toBe(true);
    expect(matchesRepository(p, "gcr.io/a/b/web")).toBe(false);
  });

  it("refuses a pattern whose last segment is unknown (it would match everything)", () => {
    expect(repositoryPattern(`ghcr.io/${unresolved("github.repository")}`)).toBeUndefined();
  });
});

describe("one image-reference parser", () => {
  it("the analyzers read references with pairing's parser, so a rule and a pair never disagree", async () => {
    const { parseImageRef } = await import("../../analyzers/image/image-ref.js");
    const { splitImageRef, normalizeImageRef } = await import("../../src/pairing/image-ref.js");
    expect(parseImageRef).toBe(splitImageRef);
    for (const ref of ["nginx", "localhost:5000/app", "localhost:5000/app:1.2", "ghcr.io/a/b:v1@sha256:abc", "app@sha256:abc", "a/b:c:d"]) {
      const split = parseImageRef(ref);
      const n = normalizeImageRef(ref)!;
      expect([split.tag, split.digest]).toEqual([n.tag, n.digest]);
    }
    expect(parseImageRef("localhost:5000/app")).toEqual({ name: "localhost:5000/app" });
    expect(parseImageRef("ghcr.io/a/b:v1@sha256:abc")).toEqual({ name: "ghcr.io/a/b", tag: "v1", digest: "sha256:abc" });
  });
});

describe("isImageName", () => {
  it("accepts the names Docker accepts and refuses placeholders", async () => {
    const { isImageName, normalizeImageRef } = await import("../../src/pairing/image-ref.js");
    const name = (ref: string) => isImageName(normalizeImageRef(ref)!.repository);
    for (const ok of ["postgres:16", "quay.io/prometheus/node-exporter:v1.8.0", "localhost:5000/a_b/c-d.e", "bitnami/redis"]) expect(name(ok), ok).toBe(true);
    for (const bad of ["<image_url>", "<YOUR-CONTAINER>", "acme/-web", "acme/Web"]) expect(name(bad), bad).toBe(false);
  });
});
