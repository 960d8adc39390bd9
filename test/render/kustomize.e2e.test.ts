import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { REPO, fixture, runCli } from "../cli/run-cli.js";
import { describeWithKustomize, KUSTOMIZE } from "./kustomize-tool.js";

interface Finding {
  ruleId: string;
  file: string;
  line: number;
  column: number;
  message: string;
  units?: string[];
  workload: { kind: string; name: string; namespace: string } | null;
}
interface Report {
  findings: Finding[];
  workloads: Array<{ file: string; line: number; name: string; namespace: string; unit: string | null; renderedBy: string | null; containers: Array<{ image: string }> }>;
  pairs: Array<{ dockerfile: string; image: string; workloads: Array<{ name: string; unit?: string }>; evidence: Array<{ kind: string; file: string; line: number; detail: string }> }>;
  units: Array<{ unit: string; kind: string; file: string; renderedBy: string | null; note: string | null }>;
}

const overlays = fixture("render", "overlays");
const temps: string[] = [];
const tempDir = (name: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), `shipshape-test-${name}-`));
  temps.push(d);
  return d;
};
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

function scan(args: string[], env: Record<string, string> = {}): { code: number; stderr: string; stdout: string; json: Report } {
  const r = runCli(["scan", ...args, "--format", "json"], { env });
  return { ...r, json: JSON.parse(r.stdout) as Report };
}

const at = (f: Finding) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`;

describeWithKustomize(`scan renders kustomize overlays (${KUSTOMIZE?.label})`, () => {
  // a private TMPDIR: the temporary wrapper kustomizations must all be gone afterwards
  const tmp = tempDir("tmp");
  const before = treeHash(overlays);
  const { code, stderr, json } = scan([overlays], { TMPDIR: tmp });

  it("renders each overlay that is no other's base, with the user's kustomize, and leaves no file behind", () => {
    expect(stderr).toBe("");
    expect(code).toBe(1);
    expect(json.units).toEqual([
      { unit: "deploy/overlays/dev", kind: "kustomize", file: "deploy/overlays/dev/kustomization.yaml", renderedBy: KUSTOMIZE!.label, note: null },
      { unit: "deploy/overlays/prod", kind: "kustomize", file: "deploy/overlays/prod/kustomization.yaml", renderedBy: KUSTOMIZE!.label, note: null },
    ]);
    expect(treeHash(overlays)).toBe(before);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("a workload two overlays deploy is two workloads, each naming its overlay, at the base's line", () => {
    expect(json.workloads.map((w) => [w.file, w.line, w.namespace, w.name, w.unit, w.renderedBy, w.containers[0]!.image])).toEqual([
      ["deploy/base/deployment.yaml", 2, "dev", "web", "deploy/overlays/dev", KUSTOMIZE!.label, "ghcr.io/acme/web:1.4.2"],
      ["deploy/base/deployment.yaml", 2, "prod", "web", "deploy/overlays/prod", KUSTOMIZE!.label, "ghcr.io/acme/web:1.4.2"],
    ]);
  });

  it("a patch that adds privileged: true is reported at the patch's line, in that overlay only", () => {
    const f = json.findings.filter((x) => x.ruleId === "privileged/privileged");
    expect(f.map(at)).toEqual(["privileged/privileged deploy/overlays/prod/debug.yaml:12:13"]);
    expect(f[0]!.units).toEqual(["deploy/overlays/prod"]);
    expect(f[0]!.workload).toEqual({ kind: "Deployment", name: "web", namespace: "prod" });
  });

  it("a patch and a component that fix a finding clear it in their overlay only", () => {
    // dev's patch sets the seccomp profile, its component readOnlyRootFilesystem
    for (const rule of ["seccomp/missing", "filesystem/writable-root"]) {
      const f = json.findings.filter((x) => x.ruleId === rule);
      expect(f.map((x) => x.units)).toEqual([["deploy/overlays/prod"]]);
      expect(f.map(at)).toEqual([`${rule} deploy/base/deployment.yaml:23:11`]);
    }
  });

  it("a finding on the shared base is reported once, naming both overlays", () => {
    const f = json.findings.filter((x) => x.ruleId === "resources/memory-limit-missing");
    expect(f.map(at)).toEqual(["resources/memory-limit-missing deploy/base/deployment.yaml:27:11"]);
    expect(f[0]!.units).toEqual(["deploy/overlays/dev", "deploy/overlays/prod"]);
  });

  it("an inline JSON 6902 patch is reported at its line in the kustomization", () => {
    const f = json.findings.filter((x) => x.ruleId === "host/namespaces");
    expect(f.map(at)).toEqual(["host/namespaces deploy/overlays/prod/kustomization.yaml:18:9"]);
    expect(readFileSync(path.join(overlays, "deploy/overlays/prod/kustomization.yaml"), "utf8").split("\n")[17]).toBe("        value: true");
  });

  it("an image finding points at the images: entry that set the image", () => {
    const f = json.findings.filter((x) => x.ruleId === "image/not-pinned");
    expect(f.map(at)).toEqual(["image/not-pinned deploy/overlays/dev/kustomization.yaml:9:5", "image/not-pinned deploy/overlays/prod/kustomization.yaml:7:5"]);
  });

  it("a patch is never a workload of its own", () => {
    expect(json.findings.filter((x) => x.file.endsWith("hardening.yaml"))).toEqual([]);
    expect(json.findings.filter((x) => x.file.endsWith("debug.yaml")).map((x) => x.ruleId)).toEqual(["privileged/privileged"]);
  });

  it("the text report names the overlays of each finding", () => {
    const r = runCli(["scan", overlays]);
    expect(r.stdout).toContain("  Deployment web in deploy/overlays/dev, deploy/overlays/prod\n");
    expect(r.stdout).toContain("  Deployment prod/web in deploy/overlays/prod\n");
  });

  it("pairing uses the rendered images: an images: rewrite and a patch that changes the image", () => {
    const r = runCli(["pairs", fixture("render", "image-patch"), "--format", "json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.pairs.map((p) => `${p.dockerfile} ${p.image} <= ${p.workloads.map((w) => `${w.name} (${w.unit})`).join(", ")}`)).toEqual([
      "app/Dockerfile ghcr.io/acme/web <= web (deploy/overlays/stable)",
      "canary/Dockerfile ghcr.io/acme/web-canary <= web-canary (deploy/overlays/canary)",
    ]);
    expect(report.pairs.map((p) => p.evidence.filter((e) => e.kind === "kustomize").map((e) => `${e.file}:${e.line}`))).toEqual([
      ["deploy/overlays/stable/kustomization.yaml:4"],
      ["deploy/overlays/canary/canary-image.yaml:11"],
    ]);
    // the plain files cannot see the patch's image: only rendering pairs the canary
    const plain = JSON.parse(runCli(["pairs", fixture("render", "image-patch"), "--format", "json", "--no-render"]).stdout) as Report;
    expect(plain.pairs.map((p) => p.dockerfile)).toEqual(["app/Dockerfile"]);
  });

  it("a remote base is refused with a note at its line, and the other overlays still render", () => {
    const r = scan([fixture("render", "remote-base")]);
    expect(r.json.units.map((u) => [u.unit, u.renderedBy !== null])).toEqual([
      ["deploy/overlays/edge", false],
      ["deploy/overlays/prod", true],
    ]);
    const notes = r.json.findings.filter((f) => f.ruleId === "input/not-rendered");
    expect(notes.map(at)).toEqual(["input/not-rendered deploy/overlays/edge/kustomization.yaml:4:1"]);
    expect(notes[0]!.message).toBe(
      "deploy/overlays/edge: not rendered: resource 'https://github.com/acme/edge-proxy//deploy?ref=v1.2.0' is remote (shipshape never fetches from the network)",
    );
    expect(r.json.workloads.map((w) => `${w.namespace}/${w.name} ${w.unit}`)).toEqual(["prod/api deploy/overlays/prod"]);
  });

  it("an overlay scanned on its own renders its base from outside the path", () => {
    const r = scan([path.join(overlays, "deploy/overlays/prod")]);
    expect(r.json.units.map((u) => u.unit)).toEqual(["."]);
    expect(r.json.workloads.map((w) => [w.file, w.unit, w.namespace])).toEqual([["../../base/deployment.yaml", ".", "prod"]]);
    expect(r.json.findings.find((f) => f.ruleId === "privileged/privileged")).toMatchObject({ file: "debug.yaml", line: 12 });
  });

  it("--render-all renders the bases too", () => {
    const r = scan([overlays, "--render-all"]);
    expect(r.json.units.map((u) => u.unit)).toEqual(["deploy/base", "deploy/overlays/dev", "deploy/overlays/prod"]);
    expect(r.json.workloads.map((w) => w.unit)).toEqual(["deploy/base", "deploy/overlays/dev", "deploy/overlays/prod"]);
  });

  it("--kustomize and .shipshape.yaml render: pick the command; one that is not installed is a note per unit", () => {
    const explicit = scan([overlays, "--kustomize", KUSTOMIZE!.label]);
    expect(explicit.json.units.every((u) => u.renderedBy === KUSTOMIZE!.label)).toBe(true);
    const dir = tempDir("config");
    writeFileSync(path.join(dir, "shipshape.yaml"), "render:\n  kustomize: no-such-kustomize build\n");
    const configured = scan([overlays, "--config", path.join(dir, "shipshape.yaml")]);
    expect(configured.json.units.map((u) => u.note)).toEqual([
      "not rendered: 'no-such-kustomize build' is not on PATH: install kustomize or kubectl, or pass --no-render",
      "not rendered: 'no-such-kustomize build' is not on PATH: install kustomize or kubectl, or pass --no-render",
    ]);
  });

  it("a kustomization kustomize rejects is a note with kustomize's error, and its files are scanned plain", () => {
    const dir = tempDir("broken");
    writeFileSync(path.join(dir, "kustomization.yaml"), "resources:\n  - deployment.yaml\npatches:\n  - path: missing-patch.yaml\n");
    writeFileSync(path.join(dir, "deployment.yaml"), readFileSync(path.join(fixture("render", "image-patch"), "deploy/base/deployment.yaml")));
    const r = scan([dir]);
    expect(r.json.units[0]!.note).toMatch(/^not rendered: .* failed: .*missing-patch\.yaml/);
    expect(r.json.workloads.map((w) => [w.file, w.unit])).toEqual([["deployment.yaml", null]]);
  });

  it("a kubebuilder layout: the rendered manager, no finding on a patch the kustomization leaves commented out", () => {
    const r = scan([fixture("render", "operator")]);
    expect(r.json.workloads.map((w) => `${w.file} ${w.namespace}/${w.name} ${w.unit} ${w.containers[0]!.image}`)).toEqual([
      // applied by hand beside the kustomization: a manifest of its own, still scanned
      "config/default/debug-pod.yaml default/debug null busybox:1.36",
      "config/manager/manager.yaml memcached-operator-system/memcached-operator-controller-manager config/default example.com/memcached-operator:v0.1.0",
    ]);
    expect(r.json.findings.filter((f) => f.file.includes("patch"))).toEqual([]);
    // the base's `controller:latest` is not what deploys: no mutable-tag finding, the pin note at the images: entry
    expect(r.json.findings.filter((f) => f.units).map(at)).toEqual([
      "image/not-pinned config/manager/kustomization.yaml:6:3",
      "filesystem/writable-root config/manager/manager.yaml:37:9",
    ]);
  });

  it("Ctrl-C while kustomize renders leaves no temporary folder", async () => {
    const tmp = tempDir("sigint");
    const child = spawn(process.execPath, [path.join(REPO, "bin/shipshape.js"), "scan", overlays, "--format", "json"], {
      env: { ...process.env, TMPDIR: tmp },
      stdio: "ignore",
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
    // wait for a wrapper kustomization to exist, then interrupt
    const deadline = Date.now() + 20_000;
    while (!readdirSync(tmp).some((d) => d.startsWith("shipshape-render-")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    expect(readdirSync(tmp).some((d) => d.startsWith("shipshape-render-"))).toBe(true);
    child.kill("SIGINT");
    expect(await exited).toBe("SIGINT");
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("the monorepo fixture: the same ten pairs, each overlay's workloads named", () => {
    const r = runCli(["pairs", fixture("pairs", "monorepo"), "--format", "json"]);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.pairs).toHaveLength(10);
    for (const p of report.pairs) expect(new Set(p.workloads.map((w) => w.unit))).toEqual(new Set(["deploy/overlays/dev", "deploy/overlays/prod"]));
  });
});

describe("scan without a kustomize tool on PATH", () => {
  const empty = tempDir("no-tools");
  const noTools = { PATH: empty };

  it("one note per unit, and the plain files are still scanned", () => {
    const r = scan([overlays], noTools);
    expect(r.code).toBe(1);
    const notes = r.json.findings.filter((f) => f.ruleId === "input/not-rendered");
    expect(notes.map((n) => `${n.file}: ${n.message}`)).toEqual([
      "deploy/overlays/dev/kustomization.yaml: deploy/overlays/dev: not rendered: install kustomize or kubectl, or pass --no-render",
      "deploy/overlays/prod/kustomization.yaml: deploy/overlays/prod: not rendered: install kustomize or kubectl, or pass --no-render",
    ]);
    expect(r.json.workloads.map((w) => [w.file, w.unit])).toEqual([["deploy/base/deployment.yaml", null]]);
  });

  it("zero workloads from a path with kustomizations is exit 2 with the reason, not a pass", () => {
    const r = scan([path.join(overlays, "deploy/overlays/prod")], noTools);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("shipshape: read 0 workloads: 1 kustomization under the scanned paths was not rendered (install kustomize or kubectl, or pass --no-render)\n");
    expect(r.json.workloads).toEqual([]);
    expect(r.json.units.map((u) => u.note)).toEqual(["not rendered: install kustomize or kubectl, or pass --no-render"]);
  });

  it("--no-render: no notes, the plain files only; zero workloads is still no pass", () => {
    const all = scan([overlays, "--no-render"], noTools);
    expect(all.json.findings.filter((f) => f.ruleId === "input/not-rendered")).toEqual([]);
    expect(all.json.workloads).toHaveLength(1);
    const overlay = scan([path.join(overlays, "deploy/overlays/prod"), "--no-render"], noTools);
    expect(overlay.code).toBe(2);
    expect(overlay.stderr).toContain("(--no-render)");
  });
});

/** Every file's path and content under a folder, hashed: the user's files must not change. */
function treeHash(dir: string): string {
  const h = createHash("sha256");
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else h.update(`${path.relative(dir, p)}\0`).update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest("hex");
}
