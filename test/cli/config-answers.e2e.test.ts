import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LATEST_KUBE_MINOR } from "../../src/kube/version.js";
import { fixture, runCli } from "./run-cli.js";

const tmp = mkdtempSync(path.join(os.tmpdir(), "shipshape-answers-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of fixtures/scan/basic whose .shipshape.yaml is `config`. */
function repoWith(config: string): string {
  const dir = mkdtempSync(path.join(tmp, "repo-"));
  cpSync(fixture("scan/basic"), dir, { recursive: true });
  writeFileSync(path.join(dir, ".shipshape.yaml"), config);
  return dir;
}

const kubeOf = (stdout: string) => (JSON.parse(stdout) as { kubeVersion: string }).kubeVersion;

describe("the Kubernetes version asked for is the one checked, or the command says why not", () => {
  it("reads an unquoted `kubeVersion: 1.30` as 1.30, not YAML's number 1.3", () => {
    const r = runCli(["scan", repoWith("kubeVersion: 1.30\n"), "--format", "json"]);
    expect(r.stderr).toBe("");
    expect(kubeOf(r.stdout)).toBe("1.30");
    const quoted = runCli(["scan", repoWith('kubeVersion: "1.30"\n'), "--format", "json"]);
    expect(kubeOf(quoted.stdout)).toBe(kubeOf(r.stdout));
    expect(kubeOf(runCli(["scan", repoWith("kubeVersion: 1.3\n"), "--format", "json"]).stdout)).toBe("1.3");
  });

  it("checks one minor past the newest known as the newest, with a warning on stderr", () => {
    const next = `1.${LATEST_KUBE_MINOR + 1}`;
    for (const cmd of ["scan", "pairs"]) {
      const r = runCli([cmd, fixture("scan/basic"), "--format", "json", "--kube-version", next]);
      expect(r.stderr).toBe(`shipshape: warning: Kubernetes ${next} is newer than this shipshape knows: checking with the rules of 1.${LATEST_KUBE_MINOR}, the newest it knows\n`);
      JSON.parse(r.stdout);
    }
    const scan = runCli(["scan", fixture("scan/basic"), "--format", "json", "--kube-version", next]);
    expect(kubeOf(scan.stdout)).toBe(`1.${LATEST_KUBE_MINOR}`);
  });

  it("refuses a version further ahead (exit 2), from the flag and from the configuration", () => {
    const flag = runCli(["scan", fixture("scan/basic"), "--kube-version", "1.99"]);
    expect(flag.code).toBe(2);
    expect(flag.stdout).toBe("");
    expect(flag.stderr).toBe(
      `shipshape: --kube-version: Kubernetes 1.99 is newer than this shipshape knows (the newest is 1.${LATEST_KUBE_MINOR}); use 1.${LATEST_KUBE_MINOR} or latest, or a newer shipshape\n`,
    );
    const dir = repoWith("kubeVersion: 1.99\n");
    const config = runCli(["scan", dir]);
    expect(config.code).toBe(2);
    expect(config.stderr).toContain(`.shipshape.yaml: 'kubeVersion': Kubernetes 1.99 is newer than this shipshape knows`);
  });
});

describe("several paths scanned at once", () => {
  it("still skips what `ignore:` in .shipshape.yaml names (relative to the current directory)", () => {
    const dir = repoWith('ignore: ["k8s/hardened.yaml", "legacy/**"]\n');
    const both = runCli(["scan", "k8s", "legacy", "--format", "json"], { cwd: dir });
    const files = (JSON.parse(both.stdout) as { workloads: Array<{ file: string }> }).workloads.map((w) => w.file);
    expect(files).toEqual(["k8s/app.yaml"]);
    // the same files as one directory scanned with the same configuration
    const one = runCli(["scan", ".", "--format", "json"], { cwd: dir });
    expect((JSON.parse(one.stdout) as { workloads: Array<{ file: string }> }).workloads.map((w) => w.file)).toEqual(files);
  });

  it("reads a file named on the command line even when `ignore:` matches it", () => {
    const dir = repoWith('ignore: ["k8s/hardened.yaml"]\n');
    const r = runCli(["scan", "k8s/hardened.yaml", "legacy", "--format", "json"], { cwd: dir });
    const files = (JSON.parse(r.stdout) as { workloads: Array<{ file: string }> }).workloads.map((w) => w.file);
    expect(files).toEqual(["k8s/hardened.yaml", "legacy/old.yaml"]);
  });
});
