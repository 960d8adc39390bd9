import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";

/** The image's own user drives the "runs as root" findings (issue 15): its Dockerfile's USER, its known base image. */
const temps: string[] = [];
afterAll(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })));

interface Finding {
  ruleId: string;
  severity: string;
  message: string;
}

function scan(dockerfile: string, securityContext = ""): Finding[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), "shipshape-image-user-"));
  temps.push(dir);
  mkdirSync(path.join(dir, "app"));
  writeFileSync(path.join(dir, "app/Dockerfile"), dockerfile);
  writeFileSync(path.join(dir, ".shipshape.yaml"), "images:\n  - { dockerfile: app/Dockerfile, image: ghcr.io/acme/app }\n");
  writeFileSync(
    path.join(dir, "deploy.yaml"),
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/app:1.0\n${securityContext}`,
  );
  const out = runCli(["scan", dir, "--format", "json"]);
  return (JSON.parse(out.stdout) as { findings: Finding[] }).findings;
}
const rules = (f: Finding[]) => f.map((x) => x.ruleId);

describe("the image's user decides whether a container may run as root", () => {
  it("a paired Dockerfile that ends with a named USER does not run as root: no user/may-run-as-root", () => {
    const findings = scan("FROM node:20\nRUN useradd app\nUSER app\nCMD [\"node\", \"server.js\"]\n");
    expect(rules(findings)).not.toContain("user/may-run-as-root");
  });

  it("…and with runAsNonRoot set, the finding is the non-numeric user one", () => {
    const findings = scan("FROM node:20\nRUN useradd app\nUSER app\n", "          securityContext:\n            runAsNonRoot: true\n");
    expect(rules(findings)).toContain("consistency/non-numeric-user");
    expect(rules(findings)).not.toContain("user/may-run-as-root");
  });

  it("a Dockerfile without USER on a known root base image runs as root, and the message says where that comes from", () => {
    const f = scan("FROM python:3.12-slim\nCOPY app.py /app.py\nCMD [\"python\", \"/app.py\"]\n").find((x) => x.ruleId === "user/may-run-as-root")!;
    expect(f.severity).toBe("error");
    expect(f.message).toMatch(/runs as root: .*'FROM python:3\.12-slim' \(no USER: the base image python:3\.12-slim runs as root \(it sets no user\), per https:\/\/github\.com\/docker-library\/python/);
  });

  it("a Dockerfile without USER on distroless :nonroot runs as 65532: no finding that it runs as root", () => {
    const findings = scan("FROM gcr.io/distroless/static:nonroot\nCOPY app /app\nENTRYPOINT [\"/app\"]\n", "          securityContext:\n            runAsNonRoot: true\n");
    expect(rules(findings).filter((r) => ["user/may-run-as-root", "user/dockerfile-root", "consistency/image-runs-as-root", "consistency/non-numeric-user"].includes(r))).toEqual([]);
  });
});
