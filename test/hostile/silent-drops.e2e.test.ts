import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO, runCli } from "../cli/run-cli.js";

/**
 * What the scan cannot read must fail the gate, not pass it quietly (issue 16): a workload
 * part of the wrong type and an unreadable directory are input/* errors with file and line.
 */
interface Finding {
  ruleId: string;
  severity: string;
  file: string;
  line: number;
  message: string;
}

const scanJson = (args: string[], env: Record<string, string> = {}) => {
  const r = runCli(["scan", ...args, "--format", "json"], { env });
  return { code: r.code, stderr: r.stderr, json: JSON.parse(r.stdout) as { findings: Finding[]; workloads: Array<{ name: string }> } };
};

describe("a workload part of the wrong type", () => {
  const corpus = path.join(REPO, "test/hostile/corpus/invalid-workloads");
  const expected = [
    ["container-item-string.yaml", 16, "spec.jobTemplate.spec.template.spec.containers[1] must be a mapping, not the string 'hello'"],
    ["containers-number.yaml", 9, "spec.template.spec.containers must be a list, not the number 5"],
    ["containers-string.yaml", 7, "spec.containers must be a list, not the string 'hello'"],
    ["list-items-number.yaml", 3, "items must be a list, not the number 5"],
    ["spec-string.yaml", 5, "spec must be a mapping, not the string 'hello'"],
    ["template-number.yaml", 7, "spec.template must be a mapping, not the number 5"],
  ] as const;

  it.each([
    ["one pass", {}],
    ["batches", { SHIPSHAPE_BATCH_FILES: "1" }],
  ])("is an input/invalid-workload error at its line, and the gate fails (%s)", (_, env: Record<string, string>) => {
    const { code, json } = scanJson([corpus], env);
    const invalid = json.findings.filter((f) => f.ruleId === "input/invalid-workload");
    expect(invalid.map((f) => [f.file, f.line])).toEqual(expected.map(([file, line]) => [file, line]));
    for (const [f, [, , what]] of invalid.map((f, i) => [f, expected[i]!] as const)) {
      expect(f.severity).toBe("error");
      expect(f.message).toContain(what);
    }
    // the valid container beside the broken one is still checked
    expect(json.findings.some((f) => f.file === "container-item-string.yaml" && f.ruleId === "privileged/privileged")).toBe(true);
    expect(code).toBe(1);
  });

  it("is not a partial manifest that leaves the template out (a kustomize patch)", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "shipshape-patch-"));
    try {
      writeFileSync(path.join(dir, "replicas.yaml"), "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n");
      writeFileSync(path.join(dir, "nulls.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: ~\n");
      const { code, json } = scanJson([dir]);
      expect(json.findings).toEqual([]);
      expect(code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("an unreadable directory", () => {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const privileged = (name: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: app\n      image: ghcr.io/acme/app:1.0\n      securityContext: { privileged: true }\n`;

  /** The CLI as a user who cannot read `dir`: root reads everything, so as root it runs as nobody. */
  function scanAsUser(args: string[]) {
    const asRoot = process.getuid?.() === 0;
    const r = spawnSync(process.execPath, [path.join(REPO, "bin/shipshape.js"), "scan", ...args, "--format", "json"], {
      cwd: os.tmpdir(),
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "" },
      timeout: 60_000,
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    // as nobody, the Node binary itself must be reachable (a private install dir is not)
    if (r.error) throw new Error(`cannot run ${process.execPath} as uid 65534: ${r.error.message}`);
    return { code: r.status, stderr: r.stderr, json: JSON.parse(r.stdout) as { findings: Finding[]; workloads: Array<{ name: string }> } };
  }

  function repoWithLockedDir(): string {
    const root = mkdtempSync(path.join(os.tmpdir(), "shipshape-locked-"));
    made.push(root);
    chmodSync(root, 0o755);
    mkdirSync(path.join(root, "k8s"));
    mkdirSync(path.join(root, "k8s", "locked"));
    writeFileSync(path.join(root, "k8s", "open.yaml"), privileged("open"));
    writeFileSync(path.join(root, "k8s", "locked", "hidden.yaml"), privileged("hidden"));
    chmodSync(path.join(root, "k8s", "locked"), 0o000);
    return root;
  }

  it("is an input/unreadable-directory error, and the rest is still scanned", () => {
    const root = repoWithLockedDir();
    for (const args of [[root], [path.join(root, "k8s"), path.join(root, "k8s", "open.yaml")]]) {
      const { code, json } = scanAsUser(args);
      const locked = json.findings.filter((f) => f.ruleId === "input/unreadable-directory");
      expect(locked, args.join(" ")).toHaveLength(1);
      expect(locked[0]).toMatchObject({ severity: "error", line: 1 });
      expect(locked[0]!.file).toMatch(/(^|\/)k8s\/locked$/);
      expect(locked[0]!.message).toContain("EACCES");
      expect(json.workloads.map((w) => w.name)).toContain("open");
      expect(code).toBe(1);
    }
  });

  it("is not reported when .gitignore leaves it out", () => {
    const root = repoWithLockedDir();
    writeFileSync(path.join(root, ".gitignore"), "k8s/locked/\n");
    const { json } = scanAsUser([root]);
    expect(json.findings.filter((f) => f.ruleId === "input/unreadable-directory")).toEqual([]);
  });
});
