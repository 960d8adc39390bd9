import { describe, expect, it } from "vitest";
import { KNOWN_IMAGES } from "../../src/known-images/catalog.js";
import { knownImage, numericConfigUser } from "../../src/known-images/lookup.js";

describe("the known-images list", () => {
  it("names for every entry and variant the public source each fact was read from", () => {
    expect(KNOWN_IMAGES.length).toBeGreaterThanOrEqual(25);
    for (const e of KNOWN_IMAGES) {
      expect(e.schema, e.image).toBe(1);
      expect(e.repositories.length, e.image).toBeGreaterThan(0);
      expect(e.variants.length, e.image).toBeGreaterThan(0);
      for (const v of e.variants) {
        expect(v.sources.length, `${e.image} ${v.tags}`).toBeGreaterThan(0);
        for (const s of v.sources) {
          expect(s.url, e.image).toMatch(/^https:\/\/[a-z0-9.-]+\/\S+$/);
          expect(s.read.trim(), e.image).not.toBe("");
          expect(s.what.trim(), e.image).not.toBe("");
        }
        // the config's user and the uid agree: an empty, root or 0 user is uid 0
        expect(["", "root", "0"].includes(v.user.config) || v.user.config.startsWith("root:"), `${e.image} ${v.user.config}`).toBe(v.user.uid === 0);
        if (numericConfigUser(v)) expect(Number(v.user.config.split(":")[0]), e.image).toBe(v.user.uid);
        if (v.nonRoot) expect(v.nonRoot.uid, e.image).toBeGreaterThan(0);
        for (const w of v.writes ?? []) expect(w.path, e.image).toMatch(/^\/\S*$/);
      }
    }
  });

  it("covers the images people deploy most", () => {
    const refs = [
      "nginx:1.27", "nginxinc/nginx-unprivileged:1.27", "httpd:2.4", "postgres:16", "mysql:8.4", "mariadb:11.4", "redis:7.2", "valkey/valkey:8.0",
      "memcached:1.6", "mongo:8.0", "rabbitmq:4.1-management", "docker.elastic.co/elasticsearch/elasticsearch:8.14.1", "opensearchproject/opensearch:2.15.0",
      "grafana/grafana:11.1.0", "quay.io/prometheus/prometheus:v2.53.0", "prom/alertmanager:v0.27.0", "busybox:1.36", "alpine:3.20", "debian:bookworm-slim",
      "ubuntu:24.04", "node:20", "python:3.12-slim", "golang:1.22", "openjdk:17", "eclipse-temurin:21-jre", "gcr.io/distroless/static:nonroot",
      "gcr.io/distroless/base-debian12:debug", "cgr.dev/chainguard/static:latest", "cgr.dev/chainguard/wolfi-base", "bitnami/postgresql:16",
    ];
    for (const r of refs) expect(knownImage(r), r).toBeDefined();
  });

  it("answers by version and variant, and claims no tag it was not read for", () => {
    expect(knownImage("gcr.io/distroless/static:nonroot")!.variant.user).toMatchObject({ config: "65532", uid: 65532 });
    expect(knownImage("gcr.io/distroless/static-debian12")!.variant.user.uid).toBe(0);
    expect(knownImage("python:3.12-slim")!.variant.user.uid).toBe(0);
    const pg16 = knownImage("postgres:16")!.variant;
    expect(pg16.nonRoot).toMatchObject({ uid: 999, fsGroup: 999 });
    expect(pg16.writes!.map((w) => w.path)).toEqual(["/var/lib/postgresql/data", "/var/run/postgresql"]);
    expect(knownImage("postgres:16.4-alpine3.20")!.variant.nonRoot!.uid).toBe(70);
    expect(knownImage("postgres:18")!.variant.writes![0]!.path).toBe("/var/lib/postgresql");
    expect(knownImage("postgres")!.variant.writes![0]!.path).toBe("/var/lib/postgresql");
    expect(knownImage("redis:7.2-alpine")!.variant.runsAs).toMatchObject({ uid: 999, gid: 1000 });
    expect(knownImage("redis:8.0")).toBeUndefined();
    expect(knownImage("docker.io/bitnami/redis:7.2")!.variant.user.uid).toBe(1001);
    expect(knownImage("prom/prometheus:v2.53.0")!.variant.user.config).toBe("nobody");
    expect(knownImage("nginx@sha256:" + "a".repeat(64))!.variant.user.uid).toBe(0);
    expect(knownImage("ghcr.io/acme/nginx:1.27")).toBeUndefined();
  });
});
