import { describe, expect, test } from "vitest";
import { at, parseText } from "./parse-text.js";

describe("stages", () => {
  test("names, base images, parents and positions", () => {
    const df = parseText(
      ["# syntax=docker/dockerfile:1", "FROM --platform=$BUILDPLATFORM golang:1.22 AS Build", "RUN go build", "", "FROM gcr.io/distroless/static:nonroot", "COPY --from=build /out /app"].join("\n"),
    );
    expect(df.stages.map((s) => [s.index, s.name, s.baseImage.value, at(s.node), at(s.baseImage.node)])).toEqual([
      [0, "Build", "golang:1.22", "2:1", "2:32"],
      [1, undefined, "gcr.io/distroless/static:nonroot", "5:1", "5:6"],
    ]);
    expect(df.final).toBe(df.stages[1]);
    expect(df.stages[1]!.copies![0]!.value).toEqual({ keyword: "COPY", sources: ["/out"], dest: "/app", from: "build" });
    expect(df.stages[1]!.parent).toBeUndefined();
  });

  test("FROM <stage> matches stage names case-insensitively", () => {
    const df = parseText("FROM alpine AS Base\nFROM base");
    expect(df.stages[1]!.parent).toBe(df.stages[0]);
  });

  test("instructions list every instruction of the stage with its position", () => {
    const df = parseText("FROM alpine\nrun echo \\\n  hi\nLABEL a=b");
    expect(df.final!.instructions.map((i) => [i.value.keyword, i.value.args, at(i.node)])).toEqual([
      ["FROM", "alpine", "1:1"],
      ["RUN", "echo   hi", "2:1"],
      ["LABEL", "a=b", "4:1"],
    ]);
  });
});

describe("EXPOSE", () => {
  test("ports, protocols, ranges and substitution", () => {
    const df = parseText("FROM alpine\nARG PORT=8080\nEXPOSE 80 443/tcp 53/udp 132/SCTP\nEXPOSE 8000-8002 $PORT ${NOPE}");
    expect(df.final!.expose.map((e) => `${e.value.port}/${e.value.protocol}@${at(e.node)}`)).toEqual([
      "80/tcp@3:8",
      "443/tcp@3:11",
      "53/udp@3:19",
      "132/sctp@3:26",
      "8000/tcp@4:8",
      "8001/tcp@4:8",
      "8002/tcp@4:8",
      "8080/tcp@4:18",
    ]);
    expect(df.problems).toEqual([]);
  });

  test("a word that is not a port is a problem", () => {
    const df = parseText("FROM alpine\nEXPOSE http 80/quic");
    expect(df.problems.map((p) => [p.value, at(p.node)])).toEqual([["EXPOSE: 'http' is not a port, a port range or port/protocol", "2:1"]]);
  });
});

describe("VOLUME, WORKDIR, HEALTHCHECK, CMD, ENTRYPOINT", () => {
  test("VOLUME JSON and plain forms, several paths", () => {
    const df = parseText('FROM alpine\nENV D=/data\nVOLUME ["/var/log", "$D"]\nVOLUME /a /b');
    expect(df.final!.volumes.map((v) => [v.value, at(v.node)])).toEqual([
      ["/var/log", "3:9"],
      ["/data", "3:21"],
      ["/a", "4:8"],
      ["/b", "4:11"],
    ]);
  });

  test("WORKDIR resolves relative paths against the previous one, across FROM <stage>", () => {
    const df = parseText("FROM alpine AS a\nWORKDIR /srv\nFROM a\nARG SUB=app\nWORKDIR $SUB/bin");
    expect(df.final!.workdir?.value).toBe("/srv/app/bin");
    expect(at(df.final!.workdir!.node)).toBe("5:9");
  });

  test("HEALTHCHECK exec form, shell form, NONE and flags", () => {
    const exec = parseText('FROM alpine\nHEALTHCHECK --interval=5s --retries=3 CMD ["curl", "-f", "http://localhost/"]').final!.healthcheck!;
    expect(exec.value).toEqual({ test: ["curl", "-f", "http://localhost/"], raw: '--interval=5s --retries=3 CMD ["curl", "-f", "http://localhost/"]', flags: { interval: "5s", retries: "3" } });
    expect(at(exec.node)).toBe("2:1");
    const shell = parseText("FROM alpine\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1").final!.healthcheck!;
    expect(shell.value.test).toEqual(["/bin/sh", "-c", "curl -f http://localhost/ || exit 1"]);
    expect(parseText("FROM alpine\nHEALTHCHECK NONE").final!.healthcheck!.value.test).toBe("NONE");
    expect(parseText("FROM alpine\nHEALTHCHECK SOMETIMES").problems.map((p) => p.value)).toEqual(["HEALTHCHECK needs NONE or CMD <command>"]);
  });

  test("CMD and ENTRYPOINT: exec form split, shell form through the SHELL", () => {
    const s = parseText('FROM alpine\nENTRYPOINT ["/app/server", "--port", "8080", "a b"]\nCMD exec node "x y"').final!;
    expect(s.entrypoint!.value).toEqual(["/app/server", "--port", "8080", "a b"]);
    expect(s.cmd!.value).toEqual(["/bin/sh", "-c", 'exec node "x y"']);
    const pwsh = parseText('FROM alpine\nSHELL ["pwsh", "-Command"]\nCMD Write-Host hi').final!;
    expect(pwsh.cmd!.value).toEqual(["pwsh", "-Command", "Write-Host hi"]);
  });

  test("malformed JSON is the shell form, as in Docker", () => {
    expect(parseText("FROM alpine\nCMD [\"a\", 'b']").final!.cmd!.value).toEqual(["/bin/sh", "-c", "[\"a\", 'b']"]);
  });
});

describe("RUN forms", () => {
  test("heredoc RUN is shell text; positions are the heredoc lines", () => {
    const df = parseText(["FROM debian", "RUN <<EOF", "set -eux", "groupadd -g 900 svc", "  useradd -u 900 -g svc svc", "EOF", "USER svc"].join("\n"));
    expect(df.final!.createdUsers.map((u) => [u.name, u.uid, u.gid, at(u.node)])).toEqual([["svc", 900, 900, "5:3"]]);
    expect(df.final!.createdGroups.map((g) => [g.name, g.gid, at(g.node)])).toEqual([["svc", 900, "4:1"]]);
  });

  test("heredoc with <<-, quoted delimiter, and a python body that is not shell", () => {
    const df = parseText(["FROM python", "RUN <<-'EOT'", "\tuseradd -u 901 a", "\tEOT", "RUN python3 <<EOT", "useradd -u 902 b", "EOT"].join("\n"));
    expect(df.final!.createdUsers.map((u) => u.name)).toEqual(["a"]);
  });

  test("RUN --mount flags are skipped", () => {
    const df = parseText("FROM debian\nRUN --mount=type=cache,target=/var/cache/apt useradd -u 903 app");
    expect(df.final!.createdUsers[0]?.uid).toBe(903);
  });

  test("comment lines inside a continuation are dropped", () => {
    const df = parseText("FROM debian\nRUN true && \\\n# useradd -u 1 ghost\n    useradd -u 904 app");
    expect(df.final!.createdUsers.map((u) => [u.name, at(u.node)])).toEqual([["app", "4:5"]]);
  });
});

describe("problems", () => {
  test.each([
    ["", "no FROM instruction: Docker cannot build this file", "1:1"],
    ["# only a comment\n", "no FROM instruction: Docker cannot build this file", "1:1"],
    ["FROM alpine\nFOO bar", "unknown instruction 'FOO'", "2:1"],
    ["FROM $NOPE", "FROM uses $NOPE, which no ARG before the first FROM declares", "1:1"],
    ["RUN true\nFROM alpine", "RUN before the first FROM (only ARG may come before it)", "1:1"],
    ["FROM alpine\nUSER", "USER without a user", "2:1"],
    ["FROM alpine\nRUN true\nUSER a b c", "USER takes one user[:group], not 3 words ('a b c'): Docker refuses to build this", "3:1"],
    ["FROM alpine\nUSER 1000 # not a comment", "USER takes one user[:group], not 5 words ('1000 # not a comment'): Docker refuses to build this", "2:1"],
    ["FROM alpine\nUSER ${A", "USER ${A: '${A' has no closing '}': Docker refuses to build this", "2:1"],
    ["FROM alpine\nARG A=1\nUSER ${A:-${B}", "USER ${A:-${B}: '${A:-${B}' has no closing '}': Docker refuses to build this", "3:1"],
    ["FROM alpine\nCOPY onlyone", "COPY needs a source and a destination", "2:1"],
  ])("%j", (text, message, where) => {
    const df = parseText(text);
    expect(df.problems.map((p) => [p.value, at(p.node)])).toEqual([[message, where]]);
  });

  test("an escaped `\\${` is no reference to close", () => {
    expect(parseText("FROM alpine\nUSER \\${A").problems).toEqual([]);
  });

  test("a FROM variable that is declared but set by build args only is not a problem", () => {
    expect(parseText("ARG BASE\nFROM ${BASE}").problems).toEqual([]);
    expect(parseText("FROM ${BASE:-alpine}").problems).toEqual([]);
  });
});

describe("suppressions", () => {
  test("comment lines directly above an instruction, comma or space separated, on every line it spans", () => {
    const df = parseText(
      [
        "# shipshape:ignore image/latest-tag",
        "FROM alpine",
        "# shipshape:ignore user/root, user/missing",
        "# another comment",
        "# shipshape:ignore ports/privileged  capabilities/setcap",
        "RUN a && \\",
        "    b",
        "# shipshape:ignore not-directly-above",
        "",
        "USER root",
        "RUN c \\",
        "# shipshape:ignore inside-run",
        "  d",
        "EXPOSE 80",
      ].join("\n"),
    );
    expect([...df.suppressions]).toEqual([
      [2, ["image/latest-tag"]],
      [6, ["ports/privileged", "capabilities/setcap", "user/root", "user/missing"]],
      [7, ["ports/privileged", "capabilities/setcap", "user/root", "user/missing"]],
    ]);
  });

  test("CRLF line ends", () => {
    const df = parseText("FROM alpine\r\n# shipshape:ignore a,b\r\nUSER root\r\n");
    expect([...df.suppressions]).toEqual([[3, ["a", "b"]]]);
    expect(df.effectiveUser?.uid).toBe(0);
  });
});
