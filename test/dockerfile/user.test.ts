import { describe, expect, test } from "vitest";
import type { UserResolution } from "../../src/dockerfile/model.js";
import { at, parseText } from "./parse-text.js";

interface Case {
  name: string;
  dockerfile: string;
  buildArgs?: Record<string, string>;
  uid: number | undefined;
  gid: number | undefined;
  by: UserResolution;
  /** a fragment the detail must contain */
  detail?: string;
}

const cases: Case[] = [
  // numeric
  { name: "numeric uid", dockerfile: "FROM alpine\nUSER 1000", uid: 1000, gid: undefined, by: "numeric", detail: "/etc/passwd" },
  { name: "numeric uid:gid", dockerfile: "FROM alpine\nUSER 1000:2000", uid: 1000, gid: 2000, by: "numeric" },
  { name: "numeric uid of a created user takes its gid", dockerfile: "FROM debian\nRUN groupadd -g 3000 app && useradd -u 1000 -g app app\nUSER 1000", uid: 1000, gid: 3000, by: "numeric" },
  { name: "uid:groupname", dockerfile: "FROM debian\nRUN groupadd -g 1500 grp\nUSER 1000:grp", uid: 1000, gid: 1500, by: "numeric" },
  // well-known
  { name: "root", dockerfile: "FROM alpine\nUSER root", uid: 0, gid: 0, by: "well-known" },
  { name: "nobody", dockerfile: "FROM alpine\nUSER nobody", uid: 65534, gid: 65534, by: "well-known" },
  { name: "nobody:root", dockerfile: "FROM alpine\nUSER nobody:root", uid: 65534, gid: 0, by: "well-known" },
  // substitution
  { name: "ARG default", dockerfile: "FROM alpine\nARG UID=1001\nUSER $UID", uid: 1001, gid: undefined, by: "substitution", detail: "USER $UID → 1001" },
  { name: "braced ARG uid:gid", dockerfile: "FROM alpine\nARG UID=1001\nARG GID=1002\nUSER ${UID}:${GID}", uid: 1001, gid: 1002, by: "substitution" },
  { name: ":- default for an unset ARG", dockerfile: "FROM alpine\nARG UID\nUSER ${UID:-1003}", uid: 1003, gid: undefined, by: "substitution" },
  { name: "- default only when unset", dockerfile: "FROM alpine\nARG UID=\nUSER 1${UID-9}", uid: 1, gid: undefined, by: "substitution" },
  { name: ":+ alternative", dockerfile: "FROM alpine\nARG SET=yes\nUSER ${SET:+1004}", uid: 1004, gid: undefined, by: "substitution" },
  { name: "build arg overrides default", dockerfile: "FROM alpine\nARG UID=1001\nUSER $UID", buildArgs: { UID: "4242" }, uid: 4242, gid: undefined, by: "substitution" },
  { name: "global ARG re-declared in stage", dockerfile: "ARG UID=1005\nFROM alpine\nARG UID\nUSER $UID", uid: 1005, gid: undefined, by: "substitution" },
  { name: "global ARG not re-declared is invisible", dockerfile: "ARG UID=1005\nFROM alpine\nUSER $UID", uid: undefined, gid: undefined, by: "unresolved", detail: "$UID has no value" },
  { name: "ENV overrides ARG", dockerfile: "FROM alpine\nARG UID=1\nENV UID=1006\nUSER $UID", uid: 1006, gid: undefined, by: "substitution" },
  { name: "ENV inherited from parent stage", dockerfile: "FROM alpine AS base\nENV APP_UID=1007\nFROM base\nUSER $APP_UID", uid: 1007, gid: undefined, by: "substitution" },
  { name: "ARG without value", dockerfile: "FROM alpine\nARG UID\nUSER $UID", uid: undefined, gid: undefined, by: "unresolved", detail: "shipshape probe" },
  { name: "substitution to a created name", dockerfile: "FROM alpine\nARG NAME=app\nRUN adduser -D -u 1008 $NAME\nUSER $NAME", uid: 1008, gid: 1008, by: "created-in-stage" },
  // useradd (Debian / shadow-utils)
  { name: "useradd -u -g numeric -r -m -s", dockerfile: "FROM debian\nRUN useradd -u 1001 -g 1001 -r -m -s /bin/false app\nUSER app", uid: 1001, gid: 1001, by: "created-in-stage", detail: "useradd -u 1001 -g 1001 -r -m -s /bin/false app at line 2" },
  { name: "useradd --uid --gid", dockerfile: "FROM debian\nRUN useradd --uid 1010 --gid 1011 app\nUSER app", uid: 1010, gid: 1011, by: "created-in-stage" },
  { name: "useradd --uid= form", dockerfile: "FROM debian\nRUN useradd --uid=1012 --gid=1013 app\nUSER app", uid: 1012, gid: 1013, by: "created-in-stage" },
  { name: "useradd -g groupname from groupadd -g", dockerfile: "FROM debian\nRUN groupadd -g 2001 web && useradd -u 1014 -g web app\nUSER app", uid: 1014, gid: 2001, by: "created-in-stage" },
  { name: "groupadd --gid", dockerfile: "FROM debian\nRUN groupadd --gid 2002 web && useradd -u 1015 -g web app\nUSER app", uid: 1015, gid: 2002, by: "created-in-stage" },
  { name: "useradd without -g assumes gid = uid", dockerfile: "FROM debian\nRUN useradd -u 1016 app\nUSER app", uid: 1016, gid: 1016, by: "created-in-stage", detail: "assumed" },
  { name: "useradd without -g uses a same-name group", dockerfile: "FROM debian\nRUN groupadd -g 3001 app && useradd -u 1017 app\nUSER app", uid: 1017, gid: 3001, by: "created-in-stage" },
  { name: "useradd gid = uid conflicts with another group", dockerfile: "FROM debian\nRUN groupadd -g 1018 other && useradd -u 1018 app\nUSER app", uid: 1018, gid: undefined, by: "created-in-stage", detail: "gid unknown" },
  { name: "useradd -N without -g", dockerfile: "FROM debian\nRUN useradd -N -u 1019 app\nUSER app", uid: 1019, gid: undefined, by: "created-in-stage" },
  { name: "useradd bundled -ms", dockerfile: "FROM debian\nRUN useradd -rms /bin/bash -u 1020 app\nUSER app", uid: 1020, gid: 1020, by: "created-in-stage" },
  { name: "useradd without -u", dockerfile: "FROM debian\nRUN useradd -r app\nUSER app", uid: undefined, gid: undefined, by: "unresolved", detail: "shipshape probe" },
  // Debian adduser / addgroup
  { name: "adduser --system --uid --ingroup", dockerfile: "FROM debian\nRUN addgroup --gid 1021 app && adduser --system --uid 1021 --ingroup app app\nUSER app", uid: 1021, gid: 1021, by: "created-in-stage" },
  { name: "adduser --disabled-password --gecos \"\"", dockerfile: 'FROM debian\nRUN adduser --disabled-password --gecos "" --uid 1000 app\nUSER app', uid: 1000, gid: 1000, by: "created-in-stage", detail: "assumed" },
  { name: "adduser --system alone is in nogroup", dockerfile: "FROM debian\nRUN adduser --system --uid 1022 app\nUSER app", uid: 1022, gid: 65534, by: "created-in-stage", detail: "nogroup" },
  { name: "addgroup --system then adduser --ingroup (group gid unknown)", dockerfile: "FROM debian\nRUN addgroup --system app && adduser --system --uid 1023 --ingroup app app\nUSER app", uid: 1023, gid: undefined, by: "created-in-stage" },
  { name: "adduser --gid", dockerfile: "FROM debian\nRUN adduser --uid 1024 --gid 1025 --disabled-login app\nUSER app", uid: 1024, gid: 1025, by: "created-in-stage" },
  // BusyBox / Alpine
  { name: "busybox adduser -D -u -G", dockerfile: "FROM alpine\nRUN addgroup -g 1000 -S app && adduser -D -u 1000 -G app app\nUSER app", uid: 1000, gid: 1000, by: "created-in-stage" },
  { name: "busybox adduser -S -u", dockerfile: "FROM alpine\nRUN adduser -S -u 100 app\nUSER app", uid: 100, gid: 65533, by: "created-in-stage", detail: "nogroup" },
  { name: "busybox addgroup -S then adduser -S -G", dockerfile: "FROM alpine\nRUN addgroup -S app && adduser -S -u 101 -G app app\nUSER app", uid: 101, gid: undefined, by: "created-in-stage" },
  { name: "busybox adduser -D without -G", dockerfile: "FROM alpine\nRUN adduser -D -u 1030 app\nUSER app", uid: 1030, gid: 1030, by: "created-in-stage", detail: "assumed" },
  { name: "busybox adduser -S without -u", dockerfile: "FROM alpine\nRUN addgroup -S app && adduser -S -G app app\nUSER app", uid: undefined, gid: undefined, by: "unresolved", detail: "picks one at build time" },
  { name: "adduser user group adds membership, creates nothing", dockerfile: "FROM alpine\nRUN adduser app wheel\nUSER app", uid: undefined, gid: undefined, by: "unresolved", detail: "not created" },
  // shell shapes
  { name: "set -eux; prefix and continuations", dockerfile: "FROM alpine\nRUN set -eux; \\\n    addgroup -g 1040 -S app; \\\n    adduser -S -u 1040 -G app app\nUSER app", uid: 1040, gid: 1040, by: "created-in-stage", detail: "at line 4" },
  { name: "useradd inside if/then", dockerfile: "FROM debian\nRUN if ! id app; then useradd -u 1041 app; fi\nUSER app", uid: 1041, gid: 1041, by: "created-in-stage" },
  { name: "useradd with RUN-time ARG", dockerfile: "FROM debian\nARG UID=1042\nRUN useradd -u \"$UID\" app\nUSER app", uid: 1042, gid: 1042, by: "created-in-stage" },
  { name: "useradd through sh -c", dockerfile: "FROM debian\nRUN [\"sh\", \"-c\", \"useradd -u 1043 app\"]\nUSER app", uid: 1043, gid: 1043, by: "created-in-stage" },
  { name: "useradd in a heredoc RUN", dockerfile: "FROM debian\nRUN <<EOF\nset -e\nuseradd -u 1044 app\nEOF\nUSER app", uid: 1044, gid: 1044, by: "created-in-stage", detail: "at line 4" },
  { name: "sudo and full path", dockerfile: "FROM debian\nRUN sudo /usr/sbin/useradd -u 1045 app\nUSER app", uid: 1045, gid: 1045, by: "created-in-stage" },
  // stage chain
  { name: "user created in the parent stage", dockerfile: "FROM debian AS base\nRUN useradd -u 1050 app\nFROM base\nUSER app", uid: 1050, gid: 1050, by: "created-in-stage" },
  { name: "a user created again after a USER: the later one counts", dockerfile: "FROM debian\nRUN useradd -u 1060 app\nUSER app\nRUN userdel app && useradd -u 1061 app\nUSER app", uid: 1061, gid: 1060, by: "created-in-stage", detail: "at line 4" },
  { name: "useradd -g a group created in the parent stage", dockerfile: "FROM debian AS base\nRUN groupadd -g 2060 web\nFROM base\nRUN useradd -u 1062 -g web app\nUSER app", uid: 1062, gid: 2060, by: "created-in-stage" },
  { name: "gid = uid taken by a group of the parent stage", dockerfile: "FROM debian AS base\nRUN groupadd -g 1063 other\nFROM base\nRUN useradd -u 1063 app\nUSER app", uid: 1063, gid: undefined, by: "created-in-stage", detail: "gid unknown" },
  { name: "user created in an unrelated stage is not visible", dockerfile: "FROM debian AS build\nRUN useradd -u 1051 app\nFROM debian\nUSER app", uid: undefined, gid: undefined, by: "unresolved", detail: "shipshape probe" },
  { name: "name:group both created", dockerfile: "FROM alpine\nRUN addgroup -g 1060 -S grp && adduser -D -u 1061 app\nUSER app:grp", uid: 1061, gid: 1060, by: "created-in-stage" },
  // unresolved
  { name: "name from the base image", dockerfile: "FROM node:20\nUSER node", uid: undefined, gid: undefined, by: "unresolved", detail: "run `shipshape probe`" },
];

describe("USER resolution", () => {
  test.each(cases)("$name", ({ dockerfile, buildArgs, uid, gid, by, detail }) => {
    const df = parseText(dockerfile, { buildArgs });
    expect(df.problems).toEqual([]);
    const user = df.effectiveUser!;
    expect(user).toBeDefined();
    expect({ uid: user.uid, gid: user.gid, by: user.resolvedBy }).toEqual({ uid, gid, by });
    if (detail) expect(user.detail).toContain(detail);
    // the invariant analyzers rely on
    expect(user.uid === undefined).toBe(user.resolvedBy === "unresolved");
  });

  test("keeps the raw text and the substituted user and group, and points at the argument", () => {
    const df = parseText("FROM alpine\nARG U=1000\nUSER   ${U}:web");
    expect(df.effectiveUser).toMatchObject({ raw: "${U}:web", user: "1000", group: "web" });
    expect(at(df.effectiveUser!.node)).toBe("3:8");
    expect(df.effectiveUser!.detail).toContain("group 'web' is not created here");
  });

  test("no USER anywhere: effectiveUser is undefined for an unknown base image", () => {
    expect(parseText("FROM registry.example.com/base:1\nRUN true").effectiveUser).toBeUndefined();
    expect(parseText("FROM scratch\nCOPY app /app").effectiveUser).toBeUndefined();
  });

  test("no USER anywhere: a known base image's user, and where it came from", () => {
    const distroless = parseText("FROM golang:1.22 AS build\nRUN go build -o /app\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /app /app").effectiveUser!;
    expect(distroless).toMatchObject({ uid: 65532, gid: 65532, user: "65532", resolvedBy: "base-image", fromBase: { image: "gcr.io/distroless/static:nonroot" } });
    expect(distroless.detail).toMatch(/runs as '65532' \(65532:65532\), per https:\/\/github.com\/GoogleContainerTools\/distroless/);
    const python = parseText("FROM python:3.12-slim\nCOPY app.py /app.py").effectiveUser!;
    expect(python).toMatchObject({ uid: 0, user: "0", resolvedBy: "base-image" });
    expect(python.detail).toMatch(/the base image python:3.12-slim runs as root \(it sets no user\), per https:\/\/github.com\/docker-library\/python/);
    // a named user is a name to the kubelet: the number is known, the name stays
    expect(parseText("FROM prom/prometheus:v2.53.0\nCOPY rules /etc/rules").effectiveUser).toMatchObject({ user: "nobody", uid: 65534 });
    // a USER anywhere in the chain wins over the base image
    expect(parseText("FROM python:3.12-slim\nUSER 10001").effectiveUser).toMatchObject({ uid: 10001, resolvedBy: "numeric" });
  });

  test("the last USER of the final stage wins; an own USER beats the parent's", () => {
    const df = parseText("FROM alpine AS base\nUSER 1\nUSER 2\nFROM base\nUSER 3\nFROM base AS other");
    expect(df.stages.map((s) => s.user?.uid)).toEqual([2, 3, undefined]);
    expect(df.effectiveUser?.uid).toBe(2); // inherited by the last stage through FROM base
  });

  test("inheritance through FROM <index>", () => {
    const df = parseText("FROM alpine\nUSER 1234\nFROM 0\nRUN true");
    expect(df.final?.parent?.index).toBe(0);
    expect(df.effectiveUser?.uid).toBe(1234);
  });

  test("target selects the stage, and its chain", () => {
    const text = "FROM alpine AS base\nUSER 10\nFROM base AS dev\nUSER 20\nFROM registry.example.com/base:1 AS prod\n";
    expect(parseText(text, { target: "dev" }).effectiveUser?.uid).toBe(20);
    expect(parseText(text, { target: "DEV" }).final?.name).toBe("dev");
    expect(parseText(text, { target: "base" }).effectiveUser?.uid).toBe(10);
    expect(parseText(text).effectiveUser).toBeUndefined();
    expect(parseText(text, { target: "missing" }).final?.name).toBe("prod");
  });
});
