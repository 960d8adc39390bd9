import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { fixture, runCli } from "../cli/run-cli.js";
import { describeWithKustomize } from "./kustomize-tool.js";

interface Scan {
  findings: Array<{ ruleId: string; file: string; line: number; units?: string[] }>;
  workloads: Array<{ unit: string | null; namespace: string }>;
}

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of a fixture repository to write into. */
function copyOf(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `shipshape-propose-${name}-`));
  temps.push(dir);
  cpSync(fixture("render", name), dir, { recursive: true });
  return dir;
}

/**
 * The overlays fixture as propose finds something to write (propose never overrides an
 * explicit choice and proposes nothing a restricted workload does not need, issue 12):
 * dev's patch leaves out the pod's seccomp profile (RuntimeDefault is a safe change for any
 * image), and prod's own patch writes `drop: [all]`, which --write rewrites as [ALL] — a
 * value set by a patch that applies after components.
 */
function overlaysToHarden(): string {
  const dir = copyOf("overlays");
  const dev = path.join(dir, "deploy/overlays/dev/hardening.yaml");
  writeFileSync(dev, readFileSync(dev, "utf8").replace("      securityContext:\n        seccompProfile:\n          type: RuntimeDefault\n", ""));
  const prod = path.join(dir, "deploy/overlays/prod/debug.yaml");
  writeFileSync(prod, readFileSync(prod, "utf8").replace("privileged: true", "capabilities: { drop: [all] }"));
  return dir;
}

/** The kubebuilder operator with its pod-level seccomp profile left out (a safe change for any image). */
function operatorToHarden(): string {
  const dir = copyOf("operator");
  const manager = path.join(dir, "config/manager/manager.yaml");
  writeFileSync(manager, readFileSync(manager, "utf8").replace("        seccompProfile:\n          type: RuntimeDefault\n", ""));
  return dir;
}

const scan = (dir: string, ...args: string[]) => JSON.parse(runCli(["scan", dir, "--format", "json", ...args]).stdout) as Scan;
const hardeningRules = ["seccomp/missing", "filesystem/writable-root", "privileged/privileged", "privilege/allow-escalation", "user/may-run-as-root"];
const hardeningFindings = (s: Scan) => s.findings.filter((f) => hardeningRules.includes(f.ruleId));
const read = (dir: string, rel: string) => readFileSync(path.join(dir, rel), "utf8");

describeWithKustomize("propose on rendered overlays (real kustomize)", () => {
  it("--write: a base two overlays share stays as it is; each overlay gets a patch listed last; a second run writes nothing", () => {
    const dir = overlaysToHarden();
    const base = read(dir, "deploy/base/deployment.yaml");
    expect(hardeningFindings(scan(dir)).length).toBeGreaterThan(0);
    const r = runCli(["propose", dir, "--write"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      [
        "wrote deploy/overlays/dev/shipshape-deployment-web.yaml",
        "wrote deploy/overlays/dev/kustomization.yaml",
        "wrote deploy/overlays/prod/shipshape-deployment-web.yaml",
        "wrote deploy/overlays/prod/kustomization.yaml",
        "",
      ].join("\n"),
    );
    expect(read(dir, "deploy/base/deployment.yaml")).toBe(base);
    expect(read(dir, "deploy/overlays/prod/kustomization.yaml")).toBe(
      read(fixture("render", "overlays"), "deploy/overlays/prod/kustomization.yaml") + "  - path: shipshape-deployment-web.yaml\n",
    );
    // prod's own patch keeps hostPID; the explicit choices of an overlay are never overridden
    expect(read(dir, "deploy/overlays/prod/shipshape-deployment-web.yaml")).not.toMatch(/hostPID|privileged/);
    // the patch names the resource as the base does: the overlay's namespace is its own transformer's
    expect(read(dir, "deploy/overlays/prod/shipshape-deployment-web.yaml")).toMatch(/^metadata:\n {2}name: web\nspec:/m);
    // rendered again by kustomize: prod's own patch no longer wins, nothing safe is missing (prod's
    // read-only root is not verified, so it is held back and still reported)
    expect(hardeningFindings(scan(dir)).filter((f) => f.ruleId !== "filesystem/writable-root")).toEqual([]);
    const again = runCli(["propose", dir, "--write"]);
    expect(again.stderr).toMatch(/^nothing to write: the manifests read already have every change --write makes/);
  });

  it("--write: a base only one overlay builds on is edited in place (kubebuilder's config/manager)", () => {
    const dir = operatorToHarden();
    const r = runCli(["propose", dir, "--write"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("wrote config/manager/manager.yaml\n");
    expect(readdirSync(path.join(dir, "config/default")).filter((f) => f.startsWith("shipshape-"))).toEqual([]);
    const manager = read(dir, "config/manager/manager.yaml");
    // spliced into the base, its comments and layout kept
    expect(manager).toContain("      securityContext:\n        runAsNonRoot: true\n        seccompProfile:\n          type: RuntimeDefault\n");
    expect(manager.startsWith(read(fixture("render", "operator"), "config/manager/manager.yaml").slice(0, 200))).toBe(true);
    // the read-only root is not verified, and the workload meets restricted: propose holds it back
    expect(hardeningFindings(scan(dir)).filter((f) => f.units && f.ruleId !== "filesystem/writable-root")).toEqual([]);
  });

  it("--write: an edit of the base that a later patch would undo becomes a patch of the overlay (checked by rendering)", () => {
    const dir = copyOf("operator");
    // config/default replaces the container's whole securityContext after the base, with `all`
    // where Pod Security wants `ALL`: the base's own value is right and cannot be what is fixed
    writeFileSync(
      path.join(dir, "config/default/restricted-sc.yaml"),
      "- op: replace\n  path: /spec/template/spec/containers/0/securityContext\n  value:\n    allowPrivilegeEscalation: false\n    capabilities: { drop: [all] }\n",
    );
    writeFileSync(
      path.join(dir, "config/default/kustomization.yaml"),
      read(dir, "config/default/kustomization.yaml") + "- path: restricted-sc.yaml\n  target:\n    kind: Deployment\n",
    );
    const manager = read(dir, "config/manager/manager.yaml");
    const r = runCli(["propose", dir, "--write"]);
    expect(r.code).toBe(0);
    expect(read(dir, "config/manager/manager.yaml")).toBe(manager);
    expect(r.stderr).toContain("wrote config/default/shipshape-deployment-controller-manager.yaml\n");
    // the read-only root is not verified, and the workload meets restricted: propose holds it back
    expect(hardeningFindings(scan(dir)).filter((f) => f.units && f.ruleId !== "filesystem/writable-root")).toEqual([]);
  });

  it("--write --dry-run shows the new patch as a file created, and writes nothing", () => {
    const dir = overlaysToHarden();
    const r = runCli(["propose", dir, "--write", "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--- /dev/null\n+++ b/deploy/overlays/prod/shipshape-deployment-web.yaml\n");
    expect(r.stdout).toContain("+  - path: shipshape-deployment-web.yaml\n");
    expect(existsSync(path.join(dir, "deploy/overlays/prod/shipshape-deployment-web.yaml"))).toBe(false);
  });

  it("--format kustomize on an overlay: a Component that hardens what it renders, included as is", () => {
    const dir = overlaysToHarden();
    const out = path.join(dir, "deploy/overlays/dev/hardening-component");
    const r = runCli(["propose", path.join(dir, "deploy/overlays/dev"), "--format", "kustomize", "--output", out]);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["deployment-web.yaml", "kustomization.yaml"]);
    expect(read(out, "kustomization.yaml")).toContain("kind: Component\npatches:\n  - path: deployment-web.yaml\n    target:\n      kind: Deployment\n      name: web\n");
    // include it the way the README says: components: [<dir>]
    const k = read(dir, "deploy/overlays/dev/kustomization.yaml").replace("components:\n  - ../../components/readonly\n", "components:\n  - ../../components/readonly\n  - hardening-component\n");
    writeFileSync(path.join(dir, "deploy/overlays/dev/kustomization.yaml"), k);
    const after = scan(path.join(dir, "deploy/overlays/dev"));
    expect(after.workloads.map((w) => w.namespace)).toEqual(["dev"]);
    expect(hardeningFindings(after)).toEqual([]);
  });

  it("--format kustomize leaves out what a Component cannot change (the overlay's own patch applies after it), and says so", () => {
    const dir = overlaysToHarden();
    const out = path.join(dir, "component");
    const r = runCli(["propose", path.join(dir, "deploy/overlays/prod"), "--format", "kustomize", "--output", out]);
    expect(r.stderr).toContain("shipshape: .: Deployment web left out of the Component: ");
    expect(r.stderr).toContain("use --write");
    expect(read(out, "kustomization.yaml")).toContain("patches: []\n");
  });

  it("--format json names the unit of each proposal", () => {
    const r = runCli(["propose", fixture("render", "overlays"), "--format", "json"]);
    const json = JSON.parse(r.stdout) as { proposals: Array<{ workload: { file: string; namespace: string; unit?: string } }> };
    expect(json.proposals.map((p) => [p.workload.file, p.workload.namespace, p.workload.unit])).toEqual([
      ["deploy/base/deployment.yaml", "dev", "deploy/overlays/dev"],
      ["deploy/base/deployment.yaml", "prod", "deploy/overlays/prod"],
    ]);
  });
});

it("propose that reads no workload from an overlay it could not render exits 2", () => {
  const r = runCli(["propose", path.join(fixture("render", "overlays"), "deploy/overlays/prod")], { env: { PATH: "/nonexistent" } });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("shipshape: read 0 workloads: 1 kustomization under the scanned paths was not rendered");
});
