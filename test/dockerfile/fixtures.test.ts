import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parseDockerfile } from "../../src/dockerfile/parse.js";
import { inherited } from "../../src/dockerfile/stage-chain.js";
import { SourceFile } from "../../src/source/source-file.js";
import { at } from "./parse-text.js";

const load = (name: string, buildArgs?: Record<string, string>) => {
  const path = `fixtures/dockerfiles/${name}`;
  return parseDockerfile(new SourceFile(path, readFileSync(path, "utf8")), { buildArgs });
};

describe("fixture Dockerfiles", () => {
  test("node on alpine, three stages, global ARGs re-declared, BusyBox users", () => {
    const df = load("node-alpine-multistage.Dockerfile");
    expect(df.problems).toEqual([]);
    expect(df.stages.map((s) => s.baseImage.value)).toEqual(["node:20-alpine", "node:20-alpine", "node:20-alpine"]);
    expect(df.effectiveUser).toMatchObject({ uid: 10001, gid: 10001, resolvedBy: "created-in-stage" });
    expect(at(df.effectiveUser!.node)).toBe("33:6");
    const s = df.final!;
    expect(s.setcap.map((c) => [c.value.capabilities, at(c.node)])).toEqual([[["NET_BIND_SERVICE"], "24:5"]]);
    expect(s.expose.map((e) => e.value.port)).toEqual([80, 8080]);
    expect(s.volumes.map((v) => v.value)).toEqual(["/app/data"]);
    expect(s.chowns.map((c) => c.value)).toEqual([
      { owner: "app:app", paths: ["./dist"] },
      { owner: "app:app", paths: ["./node_modules"] },
    ]);
    expect(s.privilegeTools!.map((t) => t.value)).toEqual([{ tool: "su-exec", seenIn: "install" }]);
    expect(s.entrypoint!.value).toEqual(["docker-entrypoint.sh"]);
    expect(s.copies!.find((c) => c.value.dest === "/usr/local/bin/")?.value.sources).toEqual(["docker-entrypoint.sh"]);
    expect(df.suppressions.get(31)).toEqual(["ports/privileged"]);
    expect(inherited(s, (x) => x.healthcheck)?.value.flags).toEqual({ interval: "30s", timeout: "3s" });
  });

  test("build args reach global ARGs used in FROM and re-declared in the stage", () => {
    const df = load("node-alpine-multistage.Dockerfile", { NODE_VERSION: "22", APP_UID: "2000" });
    expect(df.final!.baseImage.value).toBe("node:22-alpine");
    expect(df.effectiveUser).toMatchObject({ uid: 2000, gid: 2000 });
  });

  test("python on Debian: useradd in the parent stage, USER name:group in the child", () => {
    const df = load("debian-useradd.Dockerfile");
    expect(df.problems).toEqual([]);
    expect(df.final!.parent?.name).toBe("base");
    expect(df.effectiveUser).toMatchObject({ user: "web", group: "web", uid: 1001, gid: 1001, resolvedBy: "created-in-stage" });
    expect(df.effectiveUser!.detail).toContain("at line 3");
    const base = df.stages[0]!;
    expect(base.setuid.map((s) => [s.value, at(s.node)])).toEqual([[{ path: "/usr/bin/newgrp", bit: "setuid" }, "6:5"]]);
    expect(base.chowns.map((c) => c.value.paths[0])).toEqual(["/srv/web", "/srv/web/uploads"]);
    expect(df.final!.expose.map((e) => `${e.value.port}/${e.value.protocol}`)).toEqual(["8000/tcp", "8001/tcp", "8002/tcp", "9125/udp"]);
    expect(df.final!.volumes.map((v) => v.value)).toEqual(["/srv/web/uploads", "/tmp"]);
    expect(df.final!.healthcheck!.value.test[0]).toBe("/bin/sh");
  });

  test("distroless with CRLF line ends", () => {
    const df = load("distroless-crlf.Dockerfile");
    expect(df.problems).toEqual([]);
    expect(df.effectiveUser).toMatchObject({ uid: 65532, gid: 65532, resolvedBy: "numeric" });
    expect(at(df.effectiveUser!.node)).toBe("8:6");
    expect(df.final!.entrypoint!.value).toEqual(["/app"]);
  });

  test("escape directive with backtick continuations", () => {
    const df = load("windows-escape.Dockerfile");
    expect(df.problems).toEqual([]);
    expect(df.final!.instructions[1]!.value.args).toBe("powershell -Command     New-Item -ItemType Directory C:\\app");
    expect(df.final!.workdir!.value).toBe("C:\\app");
    expect(df.effectiveUser).toMatchObject({ user: "ContainerUser", resolvedBy: "unresolved" });
    expect(df.final!.cmd!.value).toEqual(["C:\\app\\app.exe"]);
  });
});
