import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { runCli } from "../cli/run-cli.js";

/** `propose --write` plans every edit first and refuses before writing any file. */
const temps: string[] = [];
afterAll(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })));

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "shipshape-write-plan-"));
  temps.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const pod = (name: string, extra = "") => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: ${name}\n      image: ghcr.io/acme/${name}:1\n${extra}`;

describe("propose --write plans all edits, then writes", () => {
  it("writes documents that end in a block scalar, behind a leading comment block and `---` with trailing spaces or a tab", () => {
    const text =
      "# Copyright header\n# second line\n--- \n" +
      pod("a", "      args:\n        - |\n          echo hi\n") +
      "---\t\n" +
      pod("b", "      command: >\n        run it\n\n") +
      "---  \n" +
      pod("c");
    const dir = repo({ "k8s/all.yaml": text });
    const run = runCli(["propose", dir, "--write", "--kube-version", "1.36"]);
    expect(run.stderr).not.toMatch(/does not parse/);
    expect(run.code, run.stderr).toBe(0);
    const after = readFileSync(path.join(dir, "k8s/all.yaml"), "utf8");
    const docs = parseAllDocuments(after);
    expect(docs.map((d) => d.errors.length)).toEqual([0, 0, 0]);
    expect(docs.map((d) => (d.toJS() as { spec: { securityContext?: unknown } }).spec.securityContext)).toEqual(Array(3).fill({ seccompProfile: { type: "RuntimeDefault" } }));
    // the block scalars keep their text, the separators their bytes
    expect((docs[0]!.toJS() as { spec: { containers: Array<{ args: string[] }> } }).spec.containers[0]!.args).toEqual(["echo hi\n"]);
    expect(after).toContain("\n---\t\n");
    expect(after).toContain("\n---  \n");
    expect(after.startsWith("# Copyright header\n# second line\n--- \n")).toBe(true);
    expect(runCli(["propose", dir, "--write", "--dry-run", "--kube-version", "1.36"]).stdout).toBe("");
  });

  it("treats `securityContext: ~` and an empty `securityContext:` as absent and writes the mapping", () => {
    const text =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: n\nspec:\n  securityContext: ~   # none yet\n  containers:\n    - name: n\n      image: ghcr.io/acme/n:1\n      securityContext:\n" +
      "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: m\nspec:\n  securityContext:\n  containers:\n    - name: m\n      image: ghcr.io/acme/m:1\n";
    const dir = repo({ "pods.yaml": text });
    const run = runCli(["propose", dir, "--write", "--kube-version", "1.36"]);
    expect(run.code, run.stderr).toBe(0);
    const after = readFileSync(path.join(dir, "pods.yaml"), "utf8");
    expect(after).toContain("  securityContext: # none yet\n    seccompProfile:\n      type: RuntimeDefault\n  containers:");
    expect(after).toContain("name: m\nspec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n  containers:");
    expect(parseAllDocuments(after).every((d) => d.errors.length === 0)).toBe(true);
  });

  it("refuses before writing any file when one file cannot be edited as planned", () => {
    const good = pod("good");
    const bad = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nx-shared: &sc { runAsUser: 1000 }\nspec:\n  securityContext: *sc\n  containers:\n    - name: bad\n      image: ghcr.io/acme/bad:1\n";
    const dir = repo({ "a-good.yaml": good, "b-bad.yaml": bad });
    const run = runCli(["propose", dir, "--write", "--kube-version", "1.36"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/b-bad\.yaml: .*alias/);
    expect(run.stderr).toMatch(/nothing was written/);
    expect(readFileSync(path.join(dir, "a-good.yaml"), "utf8")).toBe(good);
    expect(readFileSync(path.join(dir, "b-bad.yaml"), "utf8")).toBe(bad);
  });

  it("writes each change once when the paths overlap (a directory and its parent, a file inside a named directory)", () => {
    const redis = (name: string) => pod(name).replace(`ghcr.io/acme/${name}:1`, "redis:7.2");
    const dir = repo({ "k8s/db.yaml": redis("db"), "k8s/web.yaml": redis("web") });
    // duplicated workloads would append the same volume twice: the API server rejects such a pod
    const run = runCli(["propose", "k8s", ".", "k8s/db.yaml", "--write", "--include-unverified", "--kube-version", "1.36"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    for (const name of ["db", "web"]) {
      const spec = (parseAllDocuments(readFileSync(path.join(dir, `k8s/${name}.yaml`), "utf8"))[0]!.toJS() as { spec: { volumes: Array<{ name: string }>; containers: Array<{ volumeMounts: Array<{ mountPath: string }> }> } }).spec;
      // redis (a known image) writes /data and /tmp: one emptyDir and one mount each
      expect(spec.volumes.map((v) => v.name).sort()).toEqual(["data", "tmp"]);
      expect(spec.containers[0]!.volumeMounts.map((m) => m.mountPath).sort()).toEqual(["/data", "/tmp"]);
    }
    const scan = JSON.parse(runCli(["scan", "k8s", ".", "k8s/db.yaml", "--format", "json", "--kube-version", "1.36"], { cwd: dir }).stdout) as { workloads: Array<{ name: string }> };
    expect(scan.workloads.map((w) => w.name)).toEqual(["db", "web"]);
  });

  it("refuses `propose - --write` before reading or printing anything", () => {
    const run = runCli(["propose", "-", "--write"], { input: pod("s") });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/--write cannot edit manifests read from standard input/);
  });

  it("says a Helm template was not read instead of claiming every manifest is done", () => {
    const dir = repo({
      "chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
      "chart/templates/deployment.yaml":
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: {{ .Values.image }}\n",
    });
    // only the chart: nothing was read, and propose says so (exit 2: nothing was proposed for what is deployed)
    const only = runCli(["propose", dir, "--write", "--kube-version", "1.36"]);
    expect(only.code).toBe(2);
    expect(only.stderr).toMatch(/nothing to write: no workloads were read; Helm\/Go templates were not read \(chart\/templates\/deployment\.yaml\)/);
    // beside a hardened manifest: the manifest is done, the template is named as not read
    writeFileSync(path.join(dir, "pod.yaml"), pod("p", "  securityContext:\n    seccompProfile: { type: RuntimeDefault }\n"));
    const run = runCli(["propose", dir, "--write", "--kube-version", "1.36"]);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/every manifest already has/);
    expect(run.stderr).toMatch(/templates were not read \(chart\/templates\/deployment\.yaml\)/);
  });
});
