import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { loadYaml } from "../manifest/yaml-load.js";
import { isObj, type Obj } from "../manifest/yaml-value.js";
import { applyChanges, type Change, formatPath, isKeyed, type ObjectPath, sameValue, valueAt } from "../propose/changes.js";
import { kustomizeFiles, strategicMergePatch } from "../propose/formats.js";
import type { PlacedProposal } from "../propose/place.js";
import type { FileEdit } from "../propose/write.js";
import { editYamlText } from "../propose/yaml-edit.js";
import type { ScanResult } from "../scan/pipeline.js";
import { SourceFile } from "../source/source-file.js";
import { KustomizeOrigins, type BaseDocument } from "./kustomize-origin.js";
import { RenderedDocument, valueAtPath, type ValuePath } from "./rendered-document.js";
import { differences, renderCopy, resourceKey } from "./verify-render.js";
import type { UnitOutcome } from "./render.js";

/**
 * Where propose puts a rendered workload's changes: its base resource, when editing the
 * base changes what this overlay deploys and nothing any other unit deploys; otherwise a
 * patch of the overlay's own, listed last in its `patches:` so it wins.
 */
export type Placement =
  | { kind: "base"; base: BaseDocument; changes: Change[] }
  | { kind: "overlay"; unit: UnitOutcome; base?: BaseDocument; why: string }
  | { kind: "none"; why: string };

/** Decide, for a rendered workload with changes, where they belong. */
export function placementOf(p: PlacedProposal, units: readonly UnitOutcome[]): Placement {
  const doc = p.workload.file;
  const from = p.workload.rendered;
  if (!from || !(doc instanceof RenderedDocument) || !(doc.locator instanceof KustomizeOrigins)) {
    return { kind: "none", why: `rendered by ${from?.renderedBy ?? "a tool"}: its source is a template, not a file to edit (use --format patch)` };
  }
  const unit = units.find((u) => u.unit === from.unit && u.kind === "kustomize");
  if (!unit) return { kind: "none", why: `no kustomization for ${from.unit}` };
  const base = doc.locator.baseOf(doc);
  const overlay = (why: string): Placement => ({ kind: "overlay", unit, ...(base ? { base } : {}), why });
  if (!base) return overlay("its base resource was not found");
  const rel = base.file.path;
  if (rel.startsWith("../")) return overlay(`${rel} is outside the scanned path: other overlays may deploy it`);
  const others = units.filter((u) => u !== unit && u.covered.includes(rel)).map((u) => u.unit);
  if (others.length) return overlay(`${rel} is also deployed by ${others.join(", ")}`);
  for (const c of p.changes) {
    // the value (or the nearest parent that exists) must come from the base: else a patch sets it after the base
    const loc = locateValue(doc, nearestRendered(doc.value, c.path));
    if (loc !== rel) return overlay(`${formatPath(c.path)} is set by ${loc}, which the overlay applies after the base`);
  }
  const changes = rebase(p.changes, base.value);
  if (!changes) return overlay(`a container of ${rel} is not where the overlay puts it`);
  return { kind: "base", base, changes };
}

/** The path of the deepest part of `path` the rendered object has. */
function nearestRendered(rendered: unknown, path: ObjectPath): ValuePath {
  const out: Array<string | number> = [];
  for (const seg of path) {
    const next = [...out, isKeyed(seg) ? seg.index : seg];
    if (valueAtPath(rendered, next) === undefined) break;
    out.push(isKeyed(seg) ? seg.index : seg);
  }
  return out;
}

/** The file that set the rendered value at a path. */
function locateValue(doc: RenderedDocument, at: ValuePath): string {
  return doc.locator.locate(doc, at, { file: doc, offset: 0 }).file;
}

/** The changes with each keyed list item at its index in the base (a patch may have put a container before it). */
function rebase(changes: readonly Change[], base: Obj): Change[] | undefined {
  const out: Change[] = [];
  for (const c of changes) {
    const segs: ObjectPath = [];
    for (const seg of c.path) {
      if (!isKeyed(seg)) {
        segs.push(seg);
        continue;
      }
      const list = valueAt(base, segs);
      if (!Array.isArray(list)) return undefined;
      const index = list.findIndex((x) => isObj(x) && String(x[seg.key]) === seg.value);
      if (index < 0) return undefined;
      segs.push({ ...seg, index });
    }
    out.push({ ...c, path: segs });
  }
  return out;
}

/**
 * A strategic-merge patch for the overlay: the resource named as its base writes it (kustomize
 * matches a patch against that id; the overlay's own namePrefix and namespace come after).
 */
export function overlayPatch(p: PlacedProposal, base: BaseDocument | undefined): Obj {
  const patch = strategicMergePatch(p);
  patch.metadata = { name: base?.name ?? p.workload.name, ...baseNamespace(base) };
  return patch;
}

function baseNamespace(base: BaseDocument | undefined): { namespace?: string } {
  const meta = base && isObj(base.value.metadata) ? base.value.metadata : undefined;
  return meta && typeof meta.namespace === "string" ? { namespace: meta.namespace } : {};
}

/** What one unit's proposals become: edits of its base, patches in the overlay. */
interface UnitPlan {
  placed: PlacedProposal[];
  bases: Map<string, { base: BaseDocument; changes: Array<{ docIndex: number; changes: Change[] }> }>;
  overlay: Array<{ p: PlacedProposal; base?: BaseDocument }>;
}

/**
 * The file edits `propose --write` makes for rendered workloads: a base edited in place, or
 * a new patch file in the overlay and one line more in its `patches:`. Each edited text
 * is parsed again and must hold exactly the planned change; then the overlay is rendered
 * from a copy with the edits, which must give what was rendered with exactly the
 * proposals applied (every other resource unchanged), or nothing of it is written.
 */
export async function planRenderedEdits(scan: Pick<ScanResult, "root" | "units" | "manifests">, placed: readonly PlacedProposal[]): Promise<FileEdit[]> {
  const edits: FileEdit[] = [];
  const plans = new Map<UnitOutcome, UnitPlan>();
  for (const p of placed) {
    if (!p.workload.rendered || p.changes.length === 0) continue;
    const where = placementOf(p, scan.units);
    if (where.kind === "none") {
      edits.push({ file: p.workload.file.path, abs: path.resolve(scan.root, p.workload.file.path), before: "", after: "", problems: [where.why] });
      continue;
    }
    const unit = where.kind === "overlay" ? where.unit : scan.units.find((u) => u.unit === p.workload.rendered!.unit)!;
    let plan = plans.get(unit);
    if (!plan) plans.set(unit, (plan = { placed: [], bases: new Map(), overlay: [] }));
    plan.placed.push(p);
    if (where.kind === "base") {
      const entry = plan.bases.get(where.base.abs) ?? { base: where.base, changes: [] };
      entry.changes.push({ docIndex: where.base.docIndex, changes: where.changes });
      plan.bases.set(where.base.abs, entry);
    } else plan.overlay.push({ p, ...(where.base ? { base: where.base } : {}) });
  }
  for (const [unit, plan] of plans) {
    let unitEdits = await checkedEdits(scan, unit, plan);
    // an edit of the base that does not come out as proposed (a later patch of the overlay replaces
    // what it adds): a patch of the overlay, listed last, instead
    if (unitEdits.some((e) => e.problems.length) && plan.bases.size) {
      const asPatches: UnitPlan = { placed: plan.placed, bases: new Map(), overlay: plan.placed.map((p) => ({ p, ...(baseOfPlaced(p) ? { base: baseOfPlaced(p)! } : {}) })) };
      const retry = await checkedEdits(scan, unit, asPatches);
      if (!retry.some((e) => e.problems.length)) unitEdits = retry;
    }
    edits.push(...unitEdits);
  }
  return edits;
}

/** A unit's edits, each marked not to be written unless rendering the unit with all of them gives the proposal. */
async function checkedEdits(scan: Pick<ScanResult, "root" | "manifests">, unit: UnitOutcome, plan: UnitPlan): Promise<FileEdit[]> {
  const unitEdits = [...[...plan.bases.values()].map((b) => baseEdit(b.base, b.changes)), ...(plan.overlay.length ? overlayEdits(scan.root, unit, plan.overlay) : [])];
  if (!unitEdits.some((e) => e.problems.length)) {
    const why = await checkByRendering(scan, unit, plan.placed, new Map(unitEdits.map((e) => [e.abs, e.after])));
    if (why) for (const e of unitEdits) e.problems.push(`not written: ${why}`);
  }
  return unitEdits;
}

function baseOfPlaced(p: PlacedProposal): BaseDocument | undefined {
  const doc = p.workload.file;
  return doc instanceof RenderedDocument && doc.locator instanceof KustomizeOrigins ? doc.locator.baseOf(doc) : undefined;
}

/** Render a copy of the unit with these files; undefined when it gives the rendered output with exactly the proposals applied. */
async function checkByRendering(scan: Pick<ScanResult, "root" | "manifests">, unit: UnitOutcome, placed: readonly PlacedProposal[], files: ReadonlyMap<string, string>): Promise<string | undefined> {
  const result = await renderCopy(unit, scan.root, files);
  if ("error" in result) return `${unit.unit} does not render with the change: ${result.error}`;
  const diff = differences(expectedRender(scan, unit, placed), result.objects);
  return diff.length ? `${unit.unit} rendered with the change is not what was proposed (${diff.join(", ")})` : undefined;
}

/** The unit's rendered resources with the proposals' changes applied. */
function expectedRender(scan: Pick<ScanResult, "manifests">, unit: UnitOutcome, placed: readonly PlacedProposal[]): unknown[] {
  const changed = new Map(placed.map((p) => [p.workload.file, p]));
  return scan.manifests
    .map((m) => m.file)
    .filter((f): f is RenderedDocument => f instanceof RenderedDocument && f.from.unit === unit.unit)
    .map((doc) => {
      const p = changed.get(doc);
      if (!p || !isObj(doc.value)) return doc.value;
      const copy = structuredClone(doc.value);
      applyChanges(copy, p.changes);
      return copy;
    });
}

function baseEdit(base: BaseDocument, objects: Array<{ docIndex: number; changes: Change[] }>): FileEdit {
  const before = base.file.text;
  const edit: FileEdit = { file: base.file.path, abs: base.abs, before, after: before, problems: [] };
  const result = editYamlText(before, objects.map((o) => ({ docIndex: o.docIndex, prefix: [], changes: o.changes })), /\.json$/i.test(base.abs));
  edit.problems.push(...result.problems);
  if (edit.problems.length === 0) {
    const original = loadYaml(new SourceFile(base.file.path, before)).docs.map((d) => d.value);
    const reread = loadYaml(new SourceFile(base.file.path, result.text));
    const expected = original.map((v, i) => {
      const copy = { root: structuredClone(v) } as Obj;
      for (const o of objects.filter((x) => x.docIndex === i)) applyChanges(copy, o.changes.map((c) => ({ ...c, path: ["root", ...c.path] })));
      return copy.root;
    });
    if (reread.error || reread.docs.length !== expected.length || expected.some((v, i) => !sameValue(v, reread.docs[i]!.value))) {
      edit.problems.push("internal: the edited base did not come out as planned; not written");
    } else edit.after = result.text;
  }
  return edit;
}

function overlayEdits(root: string, unit: UnitOutcome, list: Array<{ p: PlacedProposal; base?: BaseDocument }>): FileEdit[] {
  const dir = path.resolve(root, unit.dir);
  const kAbs = path.resolve(root, unit.file);
  const kRel = unit.file;
  const relDir = kRel.includes("/") ? kRel.slice(0, kRel.lastIndexOf("/") + 1) : "";
  const edits: FileEdit[] = [];
  const names: string[] = [];
  for (const { p, base } of list) {
    const patch = overlayPatch(p, base);
    const stem = `shipshape-${p.workload.kind.toLowerCase()}-${String((patch.metadata as Obj).name)}`.replace(/[^a-z0-9.-]+/gi, "-");
    let name = `${stem}.yaml`;
    for (let n = 2; existsSync(path.join(dir, name)) || names.includes(name); n++) name = `${stem}-${n}.yaml`;
    names.push(name);
    const text =
      `# written by shipshape propose --write: the minimal securityContext for ${p.workload.kind} ${p.workload.name} in ${unit.unit}\n` +
      `# (a patch of this overlay, so the base other overlays share stays as it is)\n` +
      stringify(patch, { lineWidth: 0 });
    edits.push({ file: relDir + name, abs: path.join(dir, name), before: "", after: text, problems: [], create: true });
  }
  let before = "";
  try {
    before = new SourceFile(kRel, readText(kAbs)).text;
  } catch {
    return [...edits.map((e) => ({ ...e, after: "", problems: [`cannot read ${kRel}`] }))];
  }
  const result = editYamlText(before, [{ docIndex: 0, prefix: [], changes: names.map((n) => ({ op: "append" as const, path: ["patches"], value: { path: n } })) }]);
  const problems = [...result.problems];
  if (!problems.length) {
    const reread = loadYaml(new SourceFile(kRel, result.text)).docs[0]?.value;
    const listed = isObj(reread) && Array.isArray(reread.patches) ? reread.patches.filter(isObj).map((x) => x.path) : [];
    if (!names.every((n) => listed.includes(n))) problems.push("internal: the kustomization did not come out as planned; not written");
  }
  const kEdit: FileEdit = { file: kRel, abs: kAbs, before, after: problems.length ? before : result.text, problems, requires: edits.map((e) => e.abs) };
  // the patch files are written only with the kustomization that lists them
  return problems.length ? [kEdit, ...edits.map((e) => ({ ...e, after: "", problems: [`not written: ${kRel} could not list it`] }))] : [...edits, kEdit];
}

/** The kustomization's text as the write will check it (writeFileEdit compares it again before replacing it). */
function readText(abs: string): string {
  return readFileSync(abs, "utf8").replace(/^\ufeff/, "");
}

/**
 * `propose --format kustomize`: the plain workloads' Component as before; the rendered
 * workloads of each overlay get a Component of their own (in a folder named for the unit
 * when there are several), whose patches name the resources as the overlay's bases do.
 * Each overlay is rendered from a copy that includes its Component: a workload whose
 * render then differs from the proposal (a value one of the overlay's own patches sets
 * wins over components, which apply before them) is left out, with a warning.
 */
export async function kustomizeOutput(
  scan: Pick<ScanResult, "root" | "units" | "manifests">,
  placed: readonly PlacedProposal[],
): Promise<{ files: Map<string, string>; warnings: string[] }> {
  const plain = placed.filter((p) => !p.workload.rendered);
  const byUnit = new Map<string, PlacedProposal[]>();
  for (const p of placed) {
    if (!p.workload.rendered || p.changes.length === 0) continue;
    const list = byUnit.get(p.workload.rendered.unit) ?? [];
    list.push(p);
    byUnit.set(p.workload.rendered.unit, list);
  }
  const files = new Map<string, string>();
  const warnings: string[] = [];
  const plainChanged = plain.some((p) => p.changes.length);
  // one overlay: its Component is the folder itself; several (or plain files too): a folder per overlay
  const nested = byUnit.size > 1 || (byUnit.size === 1 && plainChanged);
  if (byUnit.size === 0 || plainChanged) for (const [name, text] of kustomizeFiles(plain)) files.set(name, text);
  for (const [unitName, list] of byUnit) {
    const unit = scan.units.find((u) => u.unit === unitName && u.kind === "kustomize");
    if (!unit) {
      warnings.push(`${unitName}: rendered by helm: no Component (use --format patch)`);
      continue;
    }
    let kept = list.map((p) => ({ p, base: baseOfPlaced(p) }));
    const check = await checkComponent(scan, unit, kept);
    if (check.error) warnings.push(`${unitName}: the Component could not be checked by rendering the overlay with it (${check.error}): review it before use`);
    if (check.mismatched.length) {
      const out = kept.filter(({ p }) => check.mismatched.includes(resourceKey(p.workload.object)));
      for (const { p } of out) warnings.push(`${unitName}: ${p.workload.kind} ${p.workload.name} left out of the Component: ${ownPatchReason(p, unitName)}; use --write (it appends a patch to the overlay) or change that patch`);
      kept = kept.filter((k) => !out.includes(k));
    }
    const prefix = nested ? `${unitName.replace(/[^a-z0-9.-]+/gi, "-")}/` : "";
    for (const [name, text] of componentFiles(kept, unitName)) files.set(prefix + name, text);
  }
  return { files, warnings };
}

/** Render the overlay with the Component included (in a copy); the resources that do not come out as proposed. */
async function checkComponent(
  scan: Pick<ScanResult, "root" | "manifests">,
  unit: UnitOutcome,
  list: Array<{ p: PlacedProposal; base?: BaseDocument }>,
): Promise<{ mismatched: string[]; error?: string }> {
  const dir = path.resolve(scan.root, unit.dir);
  const kAbs = path.resolve(scan.root, unit.file);
  const files = new Map<string, string>();
  const component = ".shipshape-component-check";
  for (const [name, text] of componentFiles(list, unit.unit)) files.set(path.join(dir, component, name), text);
  let text: string;
  try {
    text = readText(kAbs);
  } catch {
    return { mismatched: [], error: `cannot read ${unit.file}` };
  }
  const edited = editYamlText(text, [{ docIndex: 0, prefix: [], changes: [{ op: "append", path: ["components"], value: component }] }]);
  if (edited.problems.length) return { mismatched: [], error: edited.problems.join("; ") };
  files.set(kAbs, edited.text);
  const result = await renderCopy(unit, scan.root, files);
  if ("error" in result) return { mismatched: [], error: result.error };
  return { mismatched: differences(expectedRender(scan, unit, list.map((x) => x.p)), result.objects) };
}

/** Why a change cannot come from a Component: the overlay's own patch that sets the value after it. */
function ownPatchReason(p: PlacedProposal, unit: string): string {
  const doc = p.workload.file;
  if (doc instanceof RenderedDocument) {
    for (const c of p.changes) {
      const file = locateValue(doc, nearestRendered(doc.value, c.path));
      if (isOverlaysOwn(file, unit)) return `${formatPath(c.path)} is set by ${file}, which applies after components`;
    }
  }
  return "rendering the overlay with it does not give the proposal";
}

/** A file of the overlay itself (its kustomization or a patch beside it), not of a base or component. */
function isOverlaysOwn(file: string, unit: string): boolean {
  const dir = unit === "." ? "" : `${unit}/`;
  return file.startsWith(dir) && !file.slice(dir.length).includes("/");
}

function componentFiles(list: Array<{ p: PlacedProposal; base?: BaseDocument }>, unit: string): Map<string, string> {
  const files = new Map<string, string>();
  const entries: Obj[] = [];
  const used = new Set<string>();
  for (const { p, base } of list) {
    if (p.changes.length === 0) continue;
    const patch = overlayPatch(p, base);
    const baseName = String((patch.metadata as Obj).name);
    let name = `${p.workload.kind.toLowerCase()}-${baseName}`.replace(/[^a-z0-9.-]+/gi, "-");
    for (let n = 2; used.has(name); n++) name = `${p.workload.kind.toLowerCase()}-${baseName}-${n}`;
    used.add(name);
    files.set(`${name}.yaml`, `# for ${p.workload.kind} ${p.workload.name} in ${unit} (from ${p.workload.file.path})\n` + stringify(patch, { lineWidth: 0 }));
    entries.push({ path: `${name}.yaml`, target: { kind: p.workload.kind, name: baseName, ...baseNamespace(base) } });
  }
  files.set(
    "kustomization.yaml",
    `# Written by shipshape propose: the minimal securityContext per workload of ${unit}.\n# Use it from that overlay's kustomization.yaml:  components: [<this directory>]\n` +
      stringify({ apiVersion: "kustomize.config.k8s.io/v1alpha1", kind: "Component", patches: entries }, { lineWidth: 0 }),
  );
  return files;
}
