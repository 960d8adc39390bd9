import { describe, expect, test } from "vitest";
import { grantedCapabilities, readChown, readSetcap, readSetuid, specialBits } from "../../src/dockerfile/file-permissions.js";
import { splitCommands } from "../../src/dockerfile/run-commands.js";
import { at, parseText } from "./parse-text.js";

const argv = (text: string, vars: Record<string, string> = {}) =>
  splitCommands(text, (n) => vars[n]).map((c) => c.words.map((w) => w.value));

describe("splitCommands", () => {
  test.each([
    ["a && b || c; d | e & f", [["a"], ["b"], ["c"], ["d"], ["e"], ["f"]]],
    ["set -eux; useradd app", [["set", "-eux"], ["useradd", "app"]]],
    ["echo 'a b' \"c $X\" d\\ e", [["echo", "a b", "c 1", "d e"]]],
    ["echo '$X' \"\\$X\"", [["echo", "$X", "$X"]]],
    ["useradd -u $MISSING app", [["useradd", "-u", "$MISSING", "app"]]],
    ["useradd -u ${MISSING:-7} app", [["useradd", "-u", "7", "app"]]],
    ["a \\\n  b", [["a", "b"]]],
    ["# comment\nuseradd app # trailing", [["useradd", "app"]]],
    ["FOO=1 BAR=2 cmd x", [["cmd", "x"]]],
    ["sudo -E env A=1 exec gosu app true", [["gosu", "app", "true"]]],
    ["if true; then a; else b; fi", [["true"], ["a"], ["b"]]],
    ["cat > /f 2>&1 <<EOF\nuseradd nope\nEOF\nnext", [["cat"], ["next"]]],
    ["bash <<EOF\nuseradd yes\nEOF", [["bash"], ["useradd", "yes"]]],
    ["sh -ec 'a && b'", [["sh", "-ec", "a && b"], ["a"], ["b"]]],
    ["echo $(id -u) `id -g`", [["echo", "$(id -u)", "`id -g`"]]],
    ["( cd /x && make )", [["cd", "/x"], ["make"]]],
  ])("%j", (text, expected) => {
    expect(argv(text, { X: "1" })).toEqual(expected);
  });

  test("word offsets point into the text", () => {
    const cmds = splitCommands("a && setcap x /b");
    expect(cmds[1]!.words.map((w) => w.at)).toEqual([5, 12, 14]);
  });

  test("unterminated quotes and substitutions do not throw", () => {
    for (const t of ["echo 'abc", 'echo "abc', "echo $(abc", "echo ${abc", "echo `abc", "x <<", "x <<EOF\nbody", "\\"]) {
      expect(() => splitCommands(t, () => undefined)).not.toThrow();
    }
  });
});

const cmd = (text: string) => splitCommands(text)[0]!;

describe("setcap", () => {
  test.each([
    ["setcap cap_net_bind_service=+ep /usr/bin/node", ["NET_BIND_SERVICE"], "/usr/bin/node"],
    ["setcap cap_net_bind_service,cap_net_raw+eip /bin/ping", ["NET_BIND_SERVICE", "NET_RAW"], "/bin/ping"],
    ["setcap 'cap_net_bind_service=ep' /app", ["NET_BIND_SERVICE"], "/app"],
    ["setcap \"cap_sys_admin+ep cap_chown=p\" /x", ["SYS_ADMIN", "CHOWN"], "/x"],
    ["setcap CAP_NET_ADMIN=ep /x", ["NET_ADMIN"], "/x"],
    ["/sbin/setcap -q all=ep /x", ["ALL"], "/x"],
  ])("%s", (text, caps, path) => {
    expect(readSetcap(cmd(text))).toEqual([{ capabilities: caps, path, spec: cmd(text).words.at(-2)!.value }]);
  });

  test("removing or verifying grants nothing", () => {
    expect(readSetcap(cmd("setcap -r /x"))).toEqual([]);
    expect(readSetcap(cmd("setcap cap_net_raw-ep /x"))).toEqual([]);
    expect(readSetcap(cmd("setcap -v cap_net_raw+ep /x"))).toEqual([]);
    expect(grantedCapabilities("cap_net_raw=")).toEqual([]);
  });

  test("several capability/file pairs", () => {
    expect(readSetcap(cmd("setcap cap_a+ep /a cap_b+ep /b")).map((c) => c.path)).toEqual(["/a", "/b"]);
  });
});

describe("setuid and setgid bits", () => {
  test.each([
    ["u+s", true, false],
    ["g+s", false, true],
    ["+s", true, true],
    ["a+s", true, true],
    ["ug+rwxs", true, true],
    ["u=rwxs,g=rx", true, false],
    ["4755", true, false],
    ["04755", true, false],
    ["2755", false, true],
    ["6755", true, true],
    ["755", false, false],
    ["u-s", false, false],
    ["a-s", false, false],
    ["+x", false, false],
  ])("chmod %s", (mode, setuid, setgid) => {
    expect(specialBits(mode)).toEqual({ setuid, setgid });
  });

  test("paths, options and several files", () => {
    expect(readSetuid(cmd("chmod -R u+s /bin/a /bin/b"))).toEqual([
      { path: "/bin/a", bit: "setuid" },
      { path: "/bin/b", bit: "setuid" },
    ]);
    expect(readSetuid(cmd("chmod 6755 /x"))).toEqual([
      { path: "/x", bit: "setuid" },
      { path: "/x", bit: "setgid" },
    ]);
  });
});

describe("chown", () => {
  test.each([
    ["chown -R app:app /data", { owner: "app:app", paths: ["/data"] }],
    ["chown 1000 /x /y", { owner: "1000", paths: ["/x", "/y"] }],
    ["chown --from=root:root 1000:1000 /x", { owner: "1000:1000", paths: ["/x"] }],
    ["chgrp -R 0 /data", { owner: ":0", paths: ["/data"] }],
  ])("%s", (text, expected) => {
    expect(readChown(cmd(text))).toEqual(expected);
  });
});

describe("in a Dockerfile", () => {
  test("setcap, setuid and chown land on the stage with the line of their command", () => {
    const df = parseText(
      [
        "FROM debian",
        "RUN apt-get update && \\",
        "    setcap cap_net_bind_service=+ep /usr/bin/node && \\",
        "    chmod u+s /usr/bin/helper && chown -R app:app /data",
        "COPY --chown=1000:1000 app/ /app/",
        "ADD --chown=app https://example.com/x.tgz /opt/",
      ].join("\n"),
    );
    const s = df.final!;
    expect(s.setcap.map((c) => [c.value.capabilities, c.value.path, at(c.node)])).toEqual([[["NET_BIND_SERVICE"], "/usr/bin/node", "3:5"]]);
    expect(s.setuid.map((c) => [c.value, at(c.node)])).toEqual([[{ path: "/usr/bin/helper", bit: "setuid" }, "4:5"]]);
    expect(s.chowns.map((c) => [c.value, at(c.node)])).toEqual([
      [{ owner: "app:app", paths: ["/data"] }, "4:34"],
      [{ owner: "1000:1000", paths: ["/app/"] }, "5:6"],
      [{ owner: "app", paths: ["/opt/"] }, "6:5"],
    ]);
  });

  test("home directories created with the user count as chowned", () => {
    const s = parseText("FROM debian\nRUN useradd -m -u 1000 app && useradd -u 1001 -M other").final!;
    expect(s.chowns.map((c) => c.value)).toEqual([{ owner: "app", paths: ["/home/app"] }]);
  });

  test("privilege tools in ENTRYPOINT, CMD, RUN, installs and heredoc scripts", () => {
    const s = parseText(
      [
        "FROM alpine",
        "RUN apk add --no-cache su-exec sudo",
        "COPY <<EOF /entrypoint.sh",
        "#!/bin/sh",
        'exec gosu app "$@"',
        "EOF",
        'ENTRYPOINT ["/sbin/tini", "--", "setpriv", "--reuid=1000", "app"]',
        "CMD su app -c server",
      ].join("\n"),
    ).final!;
    expect(s.privilegeTools!.map((t) => [t.value.tool, t.value.seenIn, at(t.node)])).toEqual([
      ["su-exec", "install", "2:24"],
      ["sudo", "install", "2:32"],
      ["gosu", "script", "3:1"],
      ["setpriv", "entrypoint", "7:1"],
      ["su", "cmd", "8:1"],
    ]);
  });
});
