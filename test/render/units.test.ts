import path from "node:path";
import { describe, expect, it } from "vitest";
import { discover } from "../../src/workspace/discover.js";
import { chartValueSets } from "../../src/render/render.js";
import { discoverUnits, type ChartUnit, type KustomizeUnit } from "../../src/render/units.js";
import { fixture } from "../cli/run-cli.js";

async function unitsOf(dir: string, all = false) {
  const ws = await discover(dir, undefined);
  return discoverUnits(dir, ws.files.map((f) => f.rel), { all }).units;
}

describe("deployment units", () => {
  it("overlays are units, a base only they use and a component are not", async () => {
    const units = (await unitsOf(fixture("render", "overlays"))) as KustomizeUnit[];
    expect(units.map((u) => u.dir)).toEqual(["deploy/overlays/dev", "deploy/overlays/prod"]);
    const dev = units[0]!;
    expect(dev.tree.map((k) => k.file.path)).toEqual([
      "deploy/overlays/dev/kustomization.yaml",
      "deploy/base/kustomization.yaml",
      "deploy/components/readonly/kustomization.yaml",
    ]);
    expect(dev.covered.sort()).toEqual([
      "deploy/base/deployment.yaml",
      "deploy/base/kustomization.yaml",
      "deploy/base/service.yaml",
      "deploy/components/readonly/kustomization.yaml",
      "deploy/overlays/dev/hardening.yaml",
      "deploy/overlays/dev/kustomization.yaml",
    ]);
    expect(dev.patches).toEqual(["deploy/overlays/dev/hardening.yaml"]);
    expect((await unitsOf(fixture("render", "overlays"), true)).map((u) => u.dir)).toEqual(["deploy/base", "deploy/overlays/dev", "deploy/overlays/prod"]);
  });

  it("a repository without kustomizations or charts has none (and costs one pass over the names)", async () => {
    expect(await unitsOf(fixture("pairs", "skaffold"))).toEqual([]);
  });

  it("a chart is rendered with its defaults, then each values file beside it, or the ones asked for", async () => {
    const root = fixture("render", "helm-chart");
    const [chart] = (await unitsOf(root)) as ChartUnit[];
    expect(chart!.values).toEqual(["ci/smoke-values.yaml", "values-prod.yaml"]);
    expect(chartValueSets(chart!, undefined, root).map((v) => [v.label, v.files.map((f) => path.relative(root, f))])).toEqual([
      [undefined, []],
      ["ci/smoke-values.yaml", ["charts/web/ci/smoke-values.yaml"]],
      ["values-prod.yaml", ["charts/web/values-prod.yaml"]],
    ]);
    expect(chartValueSets(chart!, [path.join(root, "charts/web/values-prod.yaml")], root).map((v) => v.label)).toEqual(["charts/web/values-prod.yaml"]);
  });
});
