import { spawn, spawnSync } from "node:child_process";
import { chmodSync, closeSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO, fixture, runCli } from "../cli/run-cli.js";

/**
 * `--output` must write the report and damage nothing else (issue 16): a FIFO, a device
 * node or a symlink is never replaced by a regular file, a directory is a clear error, a
 * file keeps its mode, and no temporary file is left behind on any failure.
 */
const tmp = mkdtempSync(path.join(os.tmpdir(), "shipshape-output-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
const freshDir = () => {
  const d = path.join(tmp, `case-${n++}`);
  mkdirSync(d);
  return d;
};
const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".tmp"));
const rulesJson = () => runCli(["rules", "--format", "json"]).stdout;

describe("--output", () => {
  it("writes through a FIFO to its reader and leaves the FIFO in place", async () => {
    const dir = freshDir();
    const fifo = path.join(dir, "report.fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    let read = "";
    const reader = spawn("cat", [fifo]);
    reader.stdout.setEncoding("utf8").on("data", (s: string) => (read += s));
    const readerDone = new Promise((resolve) => reader.on("close", resolve));
    const cli = spawn(process.execPath, [path.join(REPO, "bin/shipshape.js"), "rules", "--format", "json", "--output", fifo], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    cli.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const code = await new Promise((resolve) => cli.on("close", resolve));
    // a CLI that replaced the FIFO instead of writing it leaves the reader waiting: end it
    const stuck = setTimeout(() => reader.kill(), 5000);
    await readerDone;
    clearTimeout(stuck);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(read).toBe(rulesJson());
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  });

  it("writes through a character device (a copy of /dev/null) and leaves the device node in place", () => {
    const dir = freshDir();
    const dev = path.join(dir, "null");
    // the same device as /dev/null, made here so a regression cannot replace the real one
    expect(spawnSync("mknod", [dev, "c", "1", "3"]).status, "mknod needs root").toBe(0);
    const r = runCli(["scan", fixture("scan/basic"), "--format", "json", "--output", dev]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const st = lstatSync(dev);
    expect(st.isCharacterDevice()).toBe(true);
    expect(st.rdev).toBe(statSync("/dev/null").rdev);
    expect(leftovers(dir)).toEqual([]);
  });

  it("writes /dev/stdout as standard output: a file opened for appending keeps what it had", () => {
    const dir = freshDir();
    // a private link made like /dev/stdout, so a regression replaces this one, not the machine's
    const devStdout = path.join(dir, "stdout");
    symlinkSync("/proc/self/fd/1", devStdout);
    const out = path.join(dir, "log.txt");
    writeFileSync(out, "earlier line\n");
    for (const output of [devStdout, "/dev/fd/1"]) {
      const fd = openSync(out, "a");
      const r = spawnSync(process.execPath, [path.join(REPO, "bin/shipshape.js"), "rules", "--format", "json", "--output", output], { stdio: ["ignore", fd, "pipe"], encoding: "utf8" });
      closeSync(fd);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    }
    expect(readFileSync(out, "utf8")).toBe(`earlier line\n${rulesJson()}${rulesJson()}`);
    expect(lstatSync(devStdout).isSymbolicLink()).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  });

  it("follows a symlink to its regular target, and to a target that does not exist yet", () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, "real.json"), "old");
    symlinkSync("real.json", path.join(dir, "link.json"));
    symlinkSync("sub/new.json", path.join(dir, "dangling.json"));
    mkdirSync(path.join(dir, "sub"));
    for (const link of ["link.json", "dangling.json"]) {
      const r = runCli(["rules", "--format", "json", "--output", path.join(dir, link)]);
      expect(r.code).toBe(0);
      expect(lstatSync(path.join(dir, link)).isSymbolicLink()).toBe(true);
    }
    expect(readFileSync(path.join(dir, "real.json"), "utf8")).toBe(rulesJson());
    expect(readFileSync(path.join(dir, "sub/new.json"), "utf8")).toBe(rulesJson());
    expect(leftovers(dir)).toEqual([]);
    expect(leftovers(path.join(dir, "sub"))).toEqual([]);
  });

  it("keeps the mode of the file it replaces", () => {
    const dir = freshDir();
    const file = path.join(dir, "report.json");
    writeFileSync(file, "old");
    chmodSync(file, 0o444);
    const r = runCli(["rules", "--format", "json", "--output", file]);
    expect(r.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o444);
    expect(readFileSync(file, "utf8")).toBe(rulesJson());
  });

  it("refuses a directory at once, before scanning, and leaves nothing in it", () => {
    const dir = freshDir();
    for (const output of [".", dir, `${dir}/`]) {
      const r = runCli(["scan", fixture("scan/basic"), "--format", "json", "--output", output], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--output .*is a directory/);
      expect(r.stdout).toBe("");
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it("fails with a clear message and no temporary file when the folder is missing or the file cannot be replaced", () => {
    const dir = freshDir();
    const missing = runCli(["rules", "--output", path.join(dir, "no/such/dir/r.txt")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot write .*ENOENT/);
    // a file where a folder should be
    writeFileSync(path.join(dir, "file"), "x");
    const notDir = runCli(["rules", "--output", path.join(dir, "file/r.txt")]);
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toMatch(/ENOTDIR/);
    expect(readdirSync(dir)).toEqual(["file"]);
  });

  it("propose --format kustomize writes each file of the folder by the same rules", () => {
    const dir = freshDir();
    const out = path.join(dir, "patches");
    mkdirSync(out);
    expect(spawnSync("mknod", [path.join(out, "kustomization.yaml"), "c", "1", "3"]).status).toBe(0);
    writeFileSync(path.join(dir, "web.yaml"), "old");
    symlinkSync("../web.yaml", path.join(out, "deployment-web.yaml"));
    const r = runCli(["propose", fixture("propose/mixed/repo"), "--format", "kustomize", "--output", out]);
    expect(r.stderr).toContain("wrote");
    expect(lstatSync(path.join(out, "kustomization.yaml")).isCharacterDevice()).toBe(true);
    expect(lstatSync(path.join(out, "deployment-web.yaml")).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(dir, "web.yaml"), "utf8")).toContain("securityContext");
    expect(leftovers(out)).toEqual([]);

    // a file where the folder should be: a clear error before any work
    const file = path.join(dir, "web.yaml");
    const bad = runCli(["propose", fixture("propose/mixed/repo"), "--format", "kustomize", "--output", file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a directory/);
  });
});

describe("--output, interrupted", () => {
  // a child process writes a report through the compiled output module (npm test builds it)
  const writeInChild = (dir: string, body: string) =>
    spawnSync(process.execPath, ["--input-type=module", "-e", `import { emitChunks } from ${JSON.stringify(path.join(REPO, "dist/src/cli/output.js"))};\n${body}`], {
      cwd: dir,
      encoding: "utf8",
      timeout: 30_000,
    });

  it("removes the temporary file when rendering the report fails half-way, and keeps the old report", () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, "report.json"), "old");
    const r = writeInChild(dir, `function* chunks() { yield "x".repeat(200000); throw new Error("renderer bug"); }\nawait emitChunks(chunks(), "report.json");`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("renderer bug");
    expect(readdirSync(dir)).toEqual(["report.json"]);
    expect(readFileSync(path.join(dir, "report.json"), "utf8")).toBe("old");
  });

  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const) {
    it(`removes the temporary file when ${signal} arrives during the write, and still dies of it`, () => {
      const dir = freshDir();
      const r = writeInChild(
        dir,
        `function* chunks() { for (let i = 0; i < 50; i++) { if (i === 10) process.kill(process.pid, "${signal}"); yield "x".repeat(100000); } }\nawait emitChunks(chunks(), "report.json");\nconsole.log("finished");`,
      );
      expect(r.signal).toBe(signal);
      expect(r.stdout).not.toContain("finished");
      expect(readdirSync(dir)).toEqual([]);
    });
  }
});
