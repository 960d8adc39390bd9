import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { fixture, runCli } from "../cli/run-cli.js";

/**
 * "A proposal that --write applies must never stop a workload that runs today": the
 * settings a manifest writes on purpose survive --write (also --include-unverified), node
 * agents get advice only, and the drift check passes on what --write produced.
 */
const temps: string[] = [];
afterAll(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })));

function copy(situation: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `shipshape-never-breaks-${situation}-`));
  temps.push(dir);
  cpSync(fixture("propose", situation, "repo"), dir, { recursive: true });
  return dir;
}

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), readFileSync(p, "utf8"));
    }
  };
  walk(dir);
  return out;
}

type Obj = Record<string, any>;
function podSpecOf(file: string, name: string): Obj {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    const o = doc.toJS() as Obj;
    if (o?.metadata?.name === name) return o.spec.template.spec;
  }
  throw new Error(`${name} not in ${file}`);
}
const containerOf = (spec: Obj, list: string, name: string): Obj => spec[list].find((c: Obj) => c.name === name);

interface JsonChange {
  path: string;
  kind: string;
  written: boolean;
}
interface JsonProposal {
  workload: { name: string };
  changes: JsonChange[];
  advice: string[];
  nodeAgent?: string;
}
const proposals = (dir: string, ...args: string[]) =>
  (JSON.parse(runCli(["propose", dir, "--format", "json", "--kube-version", "1.36", ...args]).stdout) as { proposals: JsonProposal[] }).proposals;

describe("propose --write never overrides an explicit choice", () => {
  for (const flags of [[], ["--include-unverified"]]) {
    it(`keeps privileged, runAsUser: 0, a writable root, escalation and added capabilities (--write ${flags.join(" ")})`, () => {
      const dir = copy("es-sysctl");
      const run = runCli(["propose", dir, "--write", "--kube-version", "1.36", ...flags]);
      expect(run.code, run.stderr).toBe(0);
      const spec = podSpecOf(path.join(dir, "k8s/elasticsearch.yaml"), "elasticsearch");
      const sysctl = containerOf(spec, "initContainers", "sysctl").securityContext;
      expect(sysctl.privileged).toBe(true);
      expect(sysctl.runAsUser).toBe(0);
      expect(sysctl.capabilities).toBeUndefined();
      expect(sysctl.readOnlyRootFilesystem).toBeUndefined();
      expect(containerOf(spec, "initContainers", "fix-permissions").securityContext.runAsUser).toBe(0);
      expect(containerOf(spec, "initContainers", "fix-permissions").securityContext.runAsNonRoot).toBeUndefined();
      const es = containerOf(spec, "containers", "elasticsearch").securityContext;
      expect(es.readOnlyRootFilesystem).toBe(false);
      expect(es.allowPrivilegeEscalation).toBe(true);
      expect(es.capabilities.add).toEqual(["SYS_RESOURCE"]);
      // the pod gets no pod-level setting that would reach the privileged init container
      expect(spec.securityContext?.runAsUser).toBeUndefined();
      expect(spec.securityContext?.seccompProfile).toBeUndefined();
    });
  }

  it("says what it kept and what the safer equivalent is, as advice", () => {
    const [es] = proposals(copy("es-sysctl"));
    const advice = es!.advice.join("\n");
    expect(advice).toMatch(/'sysctl' is privileged: true .*kept.*initContainer/);
    expect(advice).toMatch(/'fix-permissions' runs as root by choice/);
    expect(advice).toMatch(/'elasticsearch' keeps a writable root filesystem by choice/);
    // nothing touches a field the manifest chose, nor the privileged or root-by-choice init containers beyond seccomp
    expect(es!.changes.filter((c) => /privileged|readOnlyRootFilesystem|allowPrivilegeEscalation|capabilities\.add/.test(c.path))).toEqual([]);
    expect(es!.changes.filter((c) => /initContainers\[(sysctl|fix-permissions)\]/.test(c.path) && !/seccompProfile/.test(c.path))).toEqual([]);
  });
});

describe("node agents get advice only", () => {
  it("writes nothing to a log collector, a privileged sysctl DaemonSet or a hostPID exporter, and says why", () => {
    const dir = copy("node-agent");
    const before = snapshot(dir);
    const run = runCli(["propose", dir, "--write", "--include-unverified", "--kube-version", "1.36"]);
    expect(run.code, run.stderr).toBe(0);
    expect(snapshot(dir)).toEqual(before);
    const all = proposals(dir);
    expect(all.map((p) => p.workload.name).sort()).toEqual(["log-collector", "max-map-count-setter", "node-exporter"]);
    for (const p of all) {
      expect(p.nodeAgent, p.workload.name).toBeTruthy();
      expect(p.changes).toEqual([]);
      expect(p.advice.length).toBeGreaterThan(0);
    }
    const text = runCli(["propose", dir, "--kube-version", "1.36"]).stdout;
    expect(text).toMatch(/log-collector[\s\S]*node agent \(a DaemonSet with hostPath volumes \(varlog, state\)\): advice only, nothing is written/);
  });
});

describe("minimal means minimal", () => {
  it("proposes nothing for an operator that is already restricted, and the drift check passes", () => {
    const dir = copy("operator-restricted");
    const before = snapshot(dir);
    for (const p of proposals(dir)) expect(p.changes, p.workload.name).toEqual([]);
    expect(runCli(["propose", dir, "--fail-on", "note", "--kube-version", "1.36"]).code).toBe(0);
    const write = runCli(["propose", dir, "--write", "--kube-version", "1.36"]);
    expect(write.code).toBe(0);
    expect(write.stderr).toMatch(/nothing to write/);
    expect(snapshot(dir)).toEqual(before);
  });

  it("rewrites drop: [all] as [ALL] (a safe change) and the drift check passes on what --write produced", () => {
    const dir = copy("drop-all-lowercase");
    const [api] = proposals(dir);
    const drop = api!.changes.find((c) => c.path.endsWith("capabilities.drop"));
    expect(drop).toMatchObject({ kind: "safe", written: true });
    expect(runCli(["propose", dir, "--fail-on", "note", "--kube-version", "1.36"]).code).toBe(1);
    expect(runCli(["propose", dir, "--write", "--kube-version", "1.36"]).code).toBe(0);
    expect(containerOf(podSpecOf(path.join(dir, "k8s/api.yaml"), "api"), "containers", "api").securityContext.capabilities.drop).toEqual(["ALL"]);
    expect(runCli(["propose", dir, "--fail-on", "note", "--kube-version", "1.36"]).code).toBe(0);
    // and scan now counts the drop
    const scan = JSON.parse(runCli(["scan", dir, "--format", "json", "--kube-version", "1.36"]).stdout) as { findings: Array<{ ruleId: string }> };
    expect(scan.findings.map((f) => f.ruleId)).not.toContain("capabilities/not-dropped");
  });

  it("the drift check passes after a default --write on a compose-first app, though unverified changes are held back", () => {
    const dir = copy("compose-app");
    expect(runCli(["propose", dir, "--write", "--kube-version", "1.36"]).code).toBe(0);
    expect(runCli(["propose", dir, "--fail-on", "note", "--kube-version", "1.36"]).code).toBe(0);
    // the held-back changes are still shown, with verified: false
    const held = proposals(dir).flatMap((p) => p.changes.filter((c) => !c.written));
    expect(held.length).toBeGreaterThan(0);
    for (const c of held) expect(c.kind).toBe("unverified");
  });
});

describe("--write writes only safe changes unless asked, and marks what it was not sure of", () => {
  it("writes no unverified change by default, and each one with --include-unverified carries a comment", () => {
    const dir = copy("compose-app");
    const all = proposals(dir);
    const unverified = all.flatMap((p) => p.changes.filter((c) => c.kind === "unverified"));
    expect(unverified.length).toBeGreaterThan(0);
    expect(unverified.every((c) => !c.written)).toBe(true);
    const run = runCli(["propose", dir, "--write", "--include-unverified", "--kube-version", "1.36"]);
    expect(run.code, run.stderr).toBe(0);
    const web = readFileSync(path.join(dir, "k8s/web.yaml"), "utf8");
    expect(web).toMatch(/readOnlyRootFilesystem: true {2}# shipshape: not verified/);
    expect(web).toMatch(/runAsUser: 10001 {2}# shipshape: not verified/);
    expect(web).not.toMatch(/seccompProfile: .*# shipshape/);
    // a second run has nothing left to write
    expect(runCli(["propose", dir, "--fail-on", "note", "--write", "--include-unverified", "--dry-run", "--kube-version", "1.36"]).stdout).toBe("");
  });

  it("says in the text what was held back and the one command that verifies it", () => {
    const text = runCli(["propose", copy("compose-app"), "--kube-version", "1.36"]).stdout;
    expect(text).toMatch(/held back, not verified \(shipshape propose --probe verifies them; --write --include-unverified writes them\):/);
    expect(text).toMatch(/changes? in \d+ workloads? held back as not verified: `shipshape propose --probe` verifies them/);
    // evidence only with --verbose
    expect(text).not.toMatch(/why:/);
    expect(runCli(["propose", copy("compose-app"), "--kube-version", "1.36", "--verbose"]).stdout).toMatch(/why:/);
  });
});

describe("scan does not call a broken hardened manifest clean", () => {
  it("reports, as errors, what propose used to write onto nginx and postgres (uid 10001, drop ALL, read-only root with only /tmp)", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "shipshape-broken-hardened-"));
    temps.push(dir);
    const hardened = (name: string, image: string, port: number) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n        runAsGroup: 10001\n        fsGroup: 10001\n        seccompProfile: { type: RuntimeDefault }\n      containers:\n        - name: ${name}\n          image: ${image}\n          ports:\n            - containerPort: ${port}\n          securityContext:\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities: { drop: [ALL] }\n          volumeMounts:\n            - { name: tmp, mountPath: /tmp }\n      volumes:\n        - { name: tmp, emptyDir: {} }\n`;
    writeFileSync(path.join(dir, "nginx.yaml"), hardened("proxy", "nginx:1.27", 80));
    writeFileSync(path.join(dir, "postgres.yaml"), hardened("db", "postgres:16", 5432));
    const run = runCli(["scan", dir, "--format", "json", "--kube-version", "1.36"]);
    const report = JSON.parse(run.stdout) as { findings: Array<{ ruleId: string; severity: string; file: string }>; workloads: Array<{ pss: { level: string } }> };
    // Pod Security alone calls both restricted: that is what let them through
    expect(report.workloads.map((w) => w.pss.level)).toEqual(["restricted", "restricted"]);
    const errors = report.findings.filter((f) => f.severity === "error").map((f) => `${f.file} ${f.ruleId}`).sort();
    expect(errors).toEqual(["nginx.yaml capabilities/privileged-port", "nginx.yaml filesystem/known-image-writes", "postgres.yaml filesystem/known-image-writes"]);
    expect(run.code).toBe(1);
  });
});
