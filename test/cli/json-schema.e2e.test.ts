import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Ajv2020Module from "ajv/dist/2020.js";
import { afterAll, describe, expect, it } from "vitest";
import { REPO, fixture, runCli } from "./run-cli.js";
import { describeWithEngine, engineReachable, FIXTURES } from "../probe/engine-fixture.js";

// the package's default export is CommonJS; its typings hide that under NodeNext
const Ajv2020 = Ajv2020Module as unknown as typeof import("ajv/dist/2020.js").default;

/** docs/schema/*.schema.json: the published output contract, checked by ajv in strict mode. */
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const SCHEMAS = path.join(REPO, "docs/schema");
for (const name of readdirSync(SCHEMAS)) ajv.addSchema(JSON.parse(readFileSync(path.join(SCHEMAS, name), "utf8")));
const validator = (name: string) => ajv.getSchema(`https://github.com/shipshape-dev/shipshape/blob/main/docs/schema/${name}.schema.json`)!;
const errorsOf = (name: string, doc: unknown) => {
  const validate = validator(name);
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

/** Repositories whose output covers the shapes: pairs of every evidence kind, parse errors, PSS violations, fixes. */
const REPOS = [path.join(REPO, "examples/shop"), fixture("scan/basic"), fixture("pairs/monorepo"), fixture("pairs/kustomize-overlay"), fixture("pairs/compose"), fixture("pairs/third-party"), fixture("pss"), fixture("render/overlays")];

const json = (args: string[]) => {
  const r = runCli(args);
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as Record<string, unknown>;
};

describe("the JSON Schemas in docs/schema describe the real output", () => {
  it.each(REPOS)("scan, pairs and propose of %s", (repo) => {
    const scan = json(["scan", repo, "--format", "json"]);
    expect(errorsOf("scan", scan)).toEqual([]);
    expect(errorsOf("pairs", json(["pairs", repo, "--format", "json"]))).toEqual([]);
    expect(errorsOf("propose", json(["propose", repo, "--format", "json"]))).toEqual([]);
  });

  it("pairs --suggest --format json", () => {
    const report = json(["pairs", fixture("pairs/suggest"), "--suggest", "--format", "json"]);
    expect((report.suggestions as unknown[]).length).toBeGreaterThan(0);
    expect(errorsOf("pairs", report)).toEqual([]);
    expect(errorsOf("pairs", { ...report, suggestions: [{ kind: "fact", dockerfile: null, image: null, reasons: [] }] })).toEqual(["/suggestions/0/kind must be equal to one of the allowed values"]);
  });

  it("are not vacuous: a finding of an unknown severity, a missing rule id or a pair without confidence fails", () => {
    const scan = json(["scan", path.join(REPO, "examples/shop"), "--format", "json"]) as { findings: Array<Record<string, unknown>>; pairs: Array<Record<string, unknown>> };
    expect(scan.findings.length).toBeGreaterThan(0);
    const broken = structuredClone(scan);
    broken.findings[0]!.severity = "fatal";
    delete broken.findings[1]!.ruleId;
    delete broken.pairs[0]!.confidence;
    expect(errorsOf("scan", broken)).toEqual([
      "/findings/0/severity must be equal to one of the allowed values",
      "/findings/1 must have required property 'ruleId'",
      "/pairs/0 must have required property 'confidence'",
    ]);
    // new fields are fine: other versions add them
    expect(errorsOf("scan", { ...scan, addedLater: true, findings: scan.findings.map((f) => ({ ...f, addedLater: 1 })) })).toEqual([]);
  });
});

const reachable = await engineReachable();
describeWithEngine("the probe's JSON against docs/schema/probe.schema.json", reachable, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "shipshape-schema-probe-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a probe of a root web server that binds port 80", () => {
    cpSync(path.join(FIXTURES, "bind-80"), dir, { recursive: true });
    cpSync("/bin/busybox", path.join(dir, "busybox"));
    const probe = json(["probe", dir, "--format", "json"]);
    expect(errorsOf("probe", probe)).toEqual([]);
    expect(errorsOf("probe", { ...probe, trials: [] })).toEqual(["/trials must NOT have fewer than 1 items"]);
  });
});
