import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, runCli } from "../cli/run-cli.js";

interface Report {
  findings: Array<{ ruleId: string; file: string; line: number; column: number; container: string | null; units?: string[] }>;
  workloads: Array<{ file: string; line: number; name: string; unit: string | null; renderedBy: string | null }>;
  pairs: Array<{ dockerfile: string; image: string; workloads: Array<{ file: string; unit?: string }> }>;
  units: Array<{ unit: string; renderedBy: string | null; note: string | null }>;
}

const repo = fixture("render", "helm-chart");
// `helm template release charts/web` of the fixture chart, written by hand in exactly the shape helm 3 prints
// (there is no helm binary on these machines, and none is faked)
const rendered = readFileSync(fixture("render", "helm-output", "web.yaml"), "utf8");
const template = readFileSync(path.join(repo, "charts/web/templates/deployment.yaml"), "utf8").split("\n");

function scanStdin(args: string[], cwd?: string): { code: number; stderr: string; json: Report } {
  const r = runCli(["scan", "-", ...args, "--format", "json"], { input: rendered, ...(cwd ? { cwd } : {}) });
  return { code: r.code, stderr: r.stderr, json: JSON.parse(r.stdout) as Report };
}

const where = (r: Report, rule: string, container: string | null) =>
  r.findings.filter((f) => f.ruleId === rule && f.container === container).map((f) => `${f.file}:${f.line}:${f.column}`);

describe("helm template output on stdin", () => {
  const { code, stderr, json } = scanStdin(["--root", repo]);

  it("each finding points at the chart template its document's # Source: names", () => {
    expect(stderr).toBe("");
    expect(code).toBe(1);
    expect(json.workloads.map((w) => [w.file, w.line, w.name, w.unit, w.renderedBy])).toEqual([
      ["charts/web/templates/deployment.yaml", 1, "release-web", "<stdin>", "helm template"],
    ]);
  });

  it("a value written literally in the template is found on its line", () => {
    expect(where(json, "host/namespaces", null)).toEqual(["charts/web/templates/deployment.yaml:17:7"]);
    expect(template[16]).toBe("      hostNetwork: true");
    expect(where(json, "privileged/privileged", "metrics")).toEqual(["charts/web/templates/deployment.yaml:31:13"]);
    expect(template[30]).toBe("            privileged: true");
    expect(where(json, "image/mutable-tag", "metrics")).toEqual(["charts/web/templates/deployment.yaml:29:11"]);
  });

  it("a value from the chart's values points at the line that writes it (toYaml under securityContext:)", () => {
    expect(where(json, "capabilities/not-dropped", "web")).toEqual(["charts/web/templates/deployment.yaml:23:11"]);
    expect(template[22]).toBe("          securityContext:");
    // a container whose name is a template action is found as the list's first item
    expect(where(json, "resources/requests-missing", "web")).toEqual(["charts/web/templates/deployment.yaml:21:11"]);
  });

  it("pairing reads the repository given with --root", () => {
    expect(json.pairs.map((p) => `${p.dockerfile} ${p.image} <= ${p.workloads.map((w) => w.file)}`)).toEqual([
      "app/Dockerfile ghcr.io/acme/web <= charts/web/templates/deployment.yaml",
    ]);
  });

  it("the current directory is the repository by default, and only the stdin manifests are scanned", () => {
    const r = scanStdin([], repo);
    expect(r.json.pairs.map((p) => p.dockerfile)).toEqual(["app/Dockerfile"]);
    expect(r.json.findings).toEqual(json.findings);
    // the chart's templates are not read: no template note, no Dockerfile findings of the repository
    expect(r.json.findings.filter((f) => !f.file.startsWith("charts/web/templates/"))).toEqual([]);
  });

  it("a chart that is not in the repository: the findings stay on the rendered text's lines", () => {
    const r = scanStdin(["--root", fixture("render", "image-patch")]);
    const lines = rendered.split("\n");
    const f = r.json.findings.find((x) => x.ruleId === "host/namespaces")!;
    expect(f.file).toBe("<stdin>");
    expect(lines[f.line - 1]).toBe("      hostNetwork: true");
  });

  it("--root goes with '-' alone", () => {
    const r = runCli(["scan", repo, "--root", repo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--root goes with '-' alone");
  });
});

describe("a chart directory without helm on PATH", () => {
  it("gives the template note it always gave, and reading no workload from it is exit 2", () => {
    const r = runCli(["scan", repo, "--format", "json"], { env: { PATH: "/nonexistent" } });
    expect(r.code).toBe(2);
    const json = JSON.parse(r.stdout) as Report;
    expect(json.findings.map((f) => f.ruleId)).toEqual(["input/template-skipped"]);
    expect(json.units).toEqual([
      {
        unit: "charts/web",
        kind: "helm",
        file: "charts/web/Chart.yaml",
        renderedBy: null,
        note: "not rendered: helm is not on PATH; pipe its output in instead: helm template <release> charts/web | shipshape scan -",
      },
    ]);
    expect(r.stderr).toBe(
      "shipshape: read 0 workloads: 1 Helm chart under the scanned paths was not rendered (helm is not on PATH; pipe its output in instead: helm template <release> charts/web | shipshape scan -)\n",
    );
  });
});
