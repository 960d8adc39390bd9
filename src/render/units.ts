import { existsSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { chartRootOf } from "../manifest/template-detect.js";
import { toRel } from "../workspace/discover.js";
import { KUSTOMIZATION_FILE, KUSTOMIZATION_NAMES, kustomizationIn, readKustomization, type Kustomization, type Refusal } from "./kustomization.js";

/**
 * A deployment unit: what a team deploys, as opposed to the files it is made from. A
 * kustomization that no other kustomization builds on (an overlay, or a standalone one),
 * or a Helm chart with one set of values.
 */
export type DeploymentUnit = KustomizeUnit | ChartUnit;

export interface KustomizeUnit {
  kind: "kustomize";
  /** the folder, relative to the scanned root ('.' for the root itself) */
  dir: string;
  abs: string;
  /** its kustomization file, relative to the root */
  file: string;
  /** the kustomizations it is built from, itself first (bases and components outside the root too) */
  tree: Kustomization[];
  /** files under the root its render reads: a rendered unit checks them, they are not scanned on their own */
  covered: string[];
  /** why it cannot be rendered without the network */
  refusals: Refusal[];
  /** patch files under the root: a patch is not a workload, rendered or not */
  patches: string[];
  /** every file its render reads, absolute (inside the root or not) */
  reads: string[];
}

export interface ChartUnit {
  kind: "helm";
  /** the chart folder, relative to the root */
  dir: string;
  abs: string;
  /** its Chart.yaml, relative to the root */
  file: string;
  /** values files beside the chart (values*.yaml, ci/*-values.yaml), relative to the chart; each is rendered on its own too */
  values: string[];
  /** files under the chart: its templates are checked through the render */
  covered: string[];
}

export interface UnitDiscoveryOptions {
  /** every kustomization, also those only used as a base */
  all?: boolean;
}

/**
 * The deployment units among the discovered files. A repository without a kustomization
 * or a Chart.yaml costs one pass over the file names (bench/scan has none).
 */
export function discoverUnits(root: string, rels: readonly string[], options: UnitDiscoveryOptions = {}): Discovered {
  const kustomizationRels: string[] = [];
  const chartRels: string[] = [];
  for (const rel of rels) {
    if (KUSTOMIZATION_FILE.test(rel)) kustomizationRels.push(rel);
    else if (rel.endsWith("Chart.yaml") || rel.endsWith("Chart.yml")) {
      if (chartRootOf(rel) !== undefined) chartRels.push(rel);
    }
  }
  if (kustomizationRels.length === 0 && chartRels.length === 0) return { units: [], patches: [] };
  const kustomize = kustomizeUnits(root, kustomizationRels, rels, options);
  const units: DeploymentUnit[] = [...kustomize.units, ...chartUnits(root, rels, chartRels)];
  return {
    // a chart vendored into another (charts/<sub>/) renders with its parent
    units: units.filter((u) => u.kind !== "helm" || !units.some((o) => o !== u && o.kind === "helm" && u.dir.startsWith(`${o.dir === "." ? "" : `${o.dir}/`}charts/`))),
    patches: kustomize.patches,
  };
}

export interface Discovered {
  units: DeploymentUnit[];
  /** every patch file a kustomization under the root names (components' and unused bases' too): never a workload */
  patches: string[];
}

function kustomizeUnits(root: string, rels: string[], all: readonly string[], options: UnitDiscoveryOptions): { units: KustomizeUnit[]; patches: string[] } {
  const realRoot = safeRealpath(root);
  const relOf = (abs: string) => toRel(realRoot, abs);
  const cache = new Map<string, Kustomization>();
  const read = (abs: string) => {
    let k = cache.get(abs);
    if (!k) cache.set(abs, (k = readKustomization(abs, relOf)));
    return k;
  };
  // one kustomization per folder, in kustomize's own order of names
  const byDir = new Map<string, string>();
  for (const rel of rels) {
    const dir = rel.includes("/") ? rel.slice(0, rel.lastIndexOf("/")) : ".";
    const known = byDir.get(dir);
    const rank = (r: string) => KUSTOMIZATION_NAMES.indexOf(r.slice(r.lastIndexOf("/") + 1));
    if (known === undefined || rank(rel) < rank(known)) byDir.set(dir, rel);
  }
  const own = [...byDir.values()].map((rel) => read(safeRealpath(path.join(root, rel))));
  const usedByOthers = new Set<string>();
  for (const k of own) for (const d of [...k.bases, ...k.components]) usedByOthers.add(safeRealpath(d));
  // the YAML files of each folder, for the files beside a kustomization
  let byFolder: Map<string, string[]> | undefined;
  const yamlIn = (dir: string): string[] => {
    if (!byFolder) {
      byFolder = new Map();
      for (const rel of all) {
        if (!/\.(ya?ml|json)$/i.test(rel)) continue;
        const d = rel.includes("/") ? rel.slice(0, rel.lastIndexOf("/")) : "";
        const list = byFolder.get(d);
        if (list) list.push(rel);
        else byFolder.set(d, [rel]);
      }
    }
    return byFolder.get(dir) ?? [];
  };
  const units: KustomizeUnit[] = [];
  for (const k of own) {
    if (k.kind === "Component" || (!options.all && usedByOthers.has(k.dir))) continue;
    const tree = treeOf(k, read);
    const covered = new Set<string>();
    const patches = new Set<string>();
    for (const t of tree) {
      for (const abs of t.patchFiles) {
        const rel = relOf(abs);
        if (!rel.startsWith("../")) patches.add(rel);
      }
      for (const abs of [t.abs, ...t.files]) {
        const rel = relOf(abs);
        if (!rel.startsWith("../")) covered.add(rel);
      }
      // a patch beside a kustomization that does not list it (kubebuilder comments its optional
      // patches out) is no workload either; a whole manifest there may be deployed some other
      // way (skaffold's rawYaml), so only a file without any `image:` counts as a patch
      const dirRel = t.dir === realRoot ? "" : relOf(t.dir);
      if (!dirRel.startsWith("../")) for (const rel of yamlIn(dirRel)) if (!covered.has(rel) && looksLikePatch(path.join(root, rel))) covered.add(rel);
    }
    const dir = relOf(k.dir);
    units.push({
      kind: "kustomize",
      dir: k.dir === realRoot ? "." : dir,
      abs: k.dir,
      file: k.file.path,
      tree,
      covered: [...covered],
      reads: [...new Set(tree.flatMap((t) => [t.abs, ...t.files]))],
      patches: [...patches],
      refusals: tree.flatMap((t) => t.refusals.map((r) => (t === k ? r : { ...r, message: `${r.message}, in ${t.file.path}` }))),
    });
  }
  const allPatches = new Set<string>();
  for (const k of own) for (const abs of k.patchFiles) if (!relOf(abs).startsWith("../")) allPatches.add(relOf(abs));
  return { units, patches: [...allPatches] };
}

/** The kustomization and everything it builds from, each once (a cycle is kustomize's to report). */
function treeOf(k: Kustomization, read: (abs: string) => Kustomization): Kustomization[] {
  const out: Kustomization[] = [];
  const seen = new Set<string>();
  const visit = (x: Kustomization) => {
    if (seen.has(x.abs)) return;
    seen.add(x.abs);
    out.push(x);
    for (const d of [...x.bases, ...x.components]) {
      const f = kustomizationIn(d);
      if (f) visit(read(safeRealpath(f)));
    }
  };
  visit(k);
  return out;
}

function chartUnits(root: string, rels: readonly string[], chartRels: string[]): ChartUnit[] {
  return chartRels.map((rel) => {
    const prefix = chartRootOf(rel)!;
    const dir = prefix === "" ? "." : prefix.slice(0, -1);
    const values: string[] = [];
    const covered: string[] = [];
    for (const r of rels) {
      if (!r.startsWith(prefix)) continue;
      covered.push(r);
      const inChart = r.slice(prefix.length);
      if (/^values[^/]*\.ya?ml$/.test(inChart) && inChart !== "values.yaml" && inChart !== "values.yml") values.push(inChart);
      else if (/^ci\/[^/]*-values\.ya?ml$/.test(inChart)) values.push(inChart);
    }
    return { kind: "helm" as const, dir, abs: path.join(root, prefix), file: rel, values: values.sort(), covered };
  });
}

/** A Deployment-like document with no image anywhere: a partial object for a patch, not something to deploy. */
function looksLikePatch(abs: string): boolean {
  let text: string;
  try {
    text = readFileSync(abs, "utf8");
  } catch {
    return false;
  }
  return /^\s*(-\s+)?containers:/m.test(text) && !/^\s*(-\s+)?image:/m.test(text);
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return existsSync(p) ? p : path.resolve(p);
  }
}
