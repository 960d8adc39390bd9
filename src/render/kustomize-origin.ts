import path from "node:path";
import jsyaml from "js-yaml";
import { loadYaml, type YamlPositions } from "../manifest/yaml-load.js";
import { isObj, type Obj } from "../manifest/yaml-value.js";
import { SourceFile, type Location, type Pos } from "../source/source-file.js";
import { kustomizationIn, type Kustomization, type PatchSource } from "./kustomization.js";
import { valueAtPath, type OriginLocator, type RenderedDocument, type ValuePath } from "./rendered-document.js";
import type { SourceCache } from "./source-cache.js";
import { lookup, sameScalar, type Lookup } from "./value-lookup.js";

/** The annotations `buildMetadata: [originAnnotations, transformerAnnotations]` adds; removed before analysis. */
export const ORIGIN_ANNOTATION = "config.kubernetes.io/origin";
export const TRANSFORMATIONS_ANNOTATION = "alpha.config.kubernetes.io/transformations";

/** Where one rendered resource came from, read from its annotations. */
export interface ResourceOrigin {
  /** the file the resource was read from, absolute (absent for generated resources) */
  file?: string;
  /** kustomizations whose transformers ran on it, in the order they ran, with the transformer kinds */
  transformers: Array<{ kustomization: string; kind: string }>;
}

/** Read and remove the origin annotations of a rendered object; paths resolve against `base` (the wrapper's folder). */
export function takeOrigin(obj: Obj, base: string): ResourceOrigin {
  const origin: ResourceOrigin = { transformers: [] };
  const meta = isObj(obj.metadata) ? obj.metadata : undefined;
  const annotations = meta && isObj(meta.annotations) ? meta.annotations : undefined;
  if (!meta || !annotations) return origin;
  const read = (key: string): unknown => {
    const text = annotations[key];
    delete annotations[key];
    if (typeof text !== "string") return undefined;
    try {
      return jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA });
    } catch {
      return undefined;
    }
  };
  const o = read(ORIGIN_ANNOTATION);
  if (isObj(o) && typeof o.path === "string" && o.repo === undefined) origin.file = path.resolve(base, o.path);
  const t = read(TRANSFORMATIONS_ANNOTATION);
  if (Array.isArray(t)) {
    for (const x of t) {
      if (!isObj(x) || typeof x.configuredIn !== "string") continue;
      const by = isObj(x.configuredBy) && typeof x.configuredBy.kind === "string" ? x.configuredBy.kind : "";
      origin.transformers.push({ kustomization: path.resolve(base, x.configuredIn), kind: by });
    }
  }
  if (Object.keys(annotations).length === 0) delete meta.annotations;
  return origin;
}

/** A resource as its base file writes it. */
export interface BaseDocument {
  value: Obj;
  positions: YamlPositions;
  /** the file, its path relative to the scanned root */
  file: SourceFile;
  abs: string;
  docIndex: number;
  /** metadata.name as written in the base (before prefixes and suffixes) */
  name: string;
}

/** One document of a patch, with where its positions are in the user's files. */
interface PatchDoc {
  value: unknown;
  positions: YamlPositions;
  where(pos: Pos | undefined): Location;
  target?: Obj;
}

/**
 * Maps a value of a rendered resource to where it was set: the last patch that set it to
 * the rendered value, else the base resource that has it, else the `images:` entry that
 * rewrote it; and when nothing says, the unit's kustomization.
 */
export class KustomizeOrigins implements OriginLocator {
  private readonly origins = new WeakMap<RenderedDocument, ResourceOrigin>();
  private readonly patchDocs = new Map<PatchSource, PatchDoc[]>();

  constructor(
    private readonly cache: SourceCache,
    /** the unit's folder, absolute, and its kustomization file for the user */
    private readonly unitDir: string,
    private readonly unitFile: string,
  ) {}

  register(doc: RenderedDocument, origin: ResourceOrigin): void {
    this.origins.set(doc, origin);
  }

  /** The file a resource came from, for the report (the unit's kustomization when unknown). */
  originPath(origin: ResourceOrigin): string {
    return origin.file ? this.cache.relOf(origin.file) : this.unitFile;
  }

  locate(doc: RenderedDocument, at: ValuePath | undefined): Location {
    const origin = this.origins.get(doc) ?? { transformers: [] };
    const rendered = doc.value;
    const base = this.baseDocument(origin, rendered);
    const baseAt = (p: ValuePath) => {
      if (!base) return undefined;
      const r = lookup(base.value, base.positions, rendered, p);
      return { r, loc: r.at ? base.file.locate(r.at) : undefined };
    };
    if (at === undefined) return (base && baseAt([])?.loc) ?? this.fallback();
    const leaf = valueAtPath(rendered, at);
    const patches = this.patchesFor(origin, rendered, base?.name);
    const inPatches = (accept: (r: Lookup) => boolean): Location | undefined => {
      for (let i = patches.length - 1; i >= 0; i--) {
        const p = patches[i]!;
        const r = p.lookup(at);
        if (r.complete && accept(r)) return p.doc.where(r.at);
      }
      return undefined;
    };
    if (leaf === null || typeof leaf !== "object") {
      const fromPatch = inPatches((r) => sameScalar(r.value, leaf));
      if (fromPatch) return fromPatch;
      const b = baseAt(at);
      if (b?.r.complete && sameScalar(b.r.value, leaf) && b.loc) return b.loc;
      const image = at[at.length - 1] === "image" ? this.imageEntry(origin, String(leaf)) : undefined;
      if (image) return image;
      return this.fallback(at);
    }
    const b = baseAt(at);
    if (b?.r.complete && b.loc) return b.loc;
    const fromPatch = inPatches(() => true);
    if (fromPatch) return fromPatch;
    if (b && b.r.depth > 0 && b.loc) return b.loc;
    return this.fallback(at);
  }

  /** The base resource a rendered document was read from: its file, document and name as written there. */
  baseOf(doc: RenderedDocument): BaseDocument | undefined {
    return this.baseDocument(this.origins.get(doc) ?? { transformers: [] }, doc.value);
  }

  /** The document of the origin file this resource was read from. */
  private baseDocument(origin: ResourceOrigin, rendered: unknown): BaseDocument | undefined {
    if (!origin.file || !isObj(rendered)) return undefined;
    const y = this.cache.yaml(origin.file);
    if (!y) return undefined;
    const kind = rendered.kind;
    const name = isObj(rendered.metadata) ? String(rendered.metadata.name ?? "") : "";
    const candidates = y.docs.filter((d) => isObj(d.value) && d.value.kind === kind);
    const nameOf = (d: (typeof candidates)[number]) => {
      const m = (d.value as Obj).metadata;
      return isObj(m) && typeof m.name === "string" ? m.name : "";
    };
    // the name as written, or within a prefix and suffix an overlay added (the longest such)
    const chosen =
      candidates.find((d) => nameOf(d) === name) ??
      candidates.filter((d) => nameOf(d) !== "" && name.includes(nameOf(d))).sort((a, b) => nameOf(b).length - nameOf(a).length)[0] ??
      (candidates.length === 1 ? candidates[0] : undefined);
    if (!chosen) return undefined;
    return { value: chosen.value as Obj, positions: chosen.positions, file: y.file, abs: origin.file, docIndex: chosen.index, name: nameOf(chosen) };
  }

  /** The patches that may have changed this resource, in the order kustomize applied them. */
  private patchesFor(origin: ResourceOrigin, rendered: unknown, baseName: string | undefined): Array<{ doc: PatchDoc; lookup: (p: ValuePath) => Lookup }> {
    const out: Array<{ doc: PatchDoc; lookup: (p: ValuePath) => Lookup }> = [];
    if (!isObj(rendered)) return out;
    const names = new Set([baseName, isObj(rendered.metadata) ? String(rendered.metadata.name ?? "") : undefined].filter((n): n is string => !!n));
    for (const k of this.kustomizationsWith(origin, /Patch/)) {
      for (const source of k.patches) {
        for (const doc of this.docsOf(source)) {
          if (Array.isArray(doc.value)) {
            // a JSON 6902 list: applies through its target
            if (!targetMatches(doc.target, rendered, names)) continue;
            for (const op of doc.value) if (isObj(op)) out.push({ doc, lookup: (p) => jsonOpLookup(op, doc.positions, rendered, p) });
            continue;
          }
          if (!isObj(doc.value)) continue;
          const target = doc.target;
          if (target ? !targetMatches(target, rendered, names) : !selfMatches(doc.value, rendered, names)) continue;
          const value = doc.value;
          out.push({ doc, lookup: (p) => lookup(value, doc.positions, rendered, p) });
        }
      }
    }
    return out;
  }

  /** The kustomizations whose transformers of this kind ran on the resource, in order (the unit's whole tree when kustomize did not say). */
  private kustomizationsWith(origin: ResourceOrigin, kind: RegExp): Kustomization[] {
    const files = origin.transformers.filter((t) => kind.test(t.kind)).map((t) => t.kustomization);
    if (origin.transformers.length) return [...new Set(files)].map((f) => this.cache.kustomization(f));
    return this.treeInOrder();
  }

  /** Bases before components before the kustomization itself: the order kustomize applies them. */
  private treeInOrder(): Kustomization[] {
    const out: Kustomization[] = [];
    const seen = new Set<string>();
    const visit = (dir: string) => {
      const f = kustomizationIn(dir);
      if (!f || seen.has(f)) return;
      seen.add(f);
      const k = this.cache.kustomization(f);
      for (const d of [...k.bases, ...k.components]) visit(d);
      out.push(k);
    };
    visit(this.unitDir);
    return out;
  }

  private docsOf(source: PatchSource): PatchDoc[] {
    let docs = this.patchDocs.get(source);
    if (docs) return docs;
    const file = source.inlineAt ? new SourceFile(source.file.path, source.text) : source.file;
    const inline = source.inlineAt;
    const where = (pos: Pos | undefined): Location => {
      if (!pos) return inline ? { file: source.file.path, line: inline.line, column: inline.column } : { file: file.path, line: 1, column: 1 };
      const lc = file.position(pos.offset);
      if (!inline) return { file: file.path, ...lc };
      return { file: source.file.path, line: inline.line + lc.line - 1, column: inline.column + lc.column - 1 };
    };
    docs = loadYaml(file).docs.map((d) => ({ value: d.value, positions: d.positions, where, ...(source.target ? { target: source.target } : {}) }));
    this.patchDocs.set(source, docs);
    return docs;
  }

  /** The `images:` entry that made this reference, the last one applied. */
  private imageEntry(origin: ResourceOrigin, image: string): Location | undefined {
    let found: Location | undefined;
    for (const k of this.kustomizationsWith(origin, /Image/)) {
      for (const e of k.images) {
        const name = e.newName ?? e.name;
        if (!image.startsWith(name)) continue;
        const rest = image.slice(name.length);
        const ok = e.digest ? rest === `@${e.digest}` || rest.endsWith(`@${e.digest}`) : e.newTag ? rest === `:${e.newTag}` : /^([:@]|$)/.test(rest);
        if (ok) found = { file: k.file.path, line: e.line, column: e.column };
      }
    }
    return found;
  }

  /** The unit's kustomization: where a value no source file states was set. */
  private fallback(at?: ValuePath): Location {
    const k = this.cache.kustomization(kustomizationIn(this.unitDir) ?? path.join(this.unitDir, "kustomization.yaml"));
    // `namespace:` sets metadata.namespace; otherwise the top of the file
    if (at && at.length === 2 && at[0] === "metadata" && at[1] === "namespace") {
      const m = /^namespace:/m.exec(k.file.text);
      if (m) return { file: k.file.path, ...k.file.position(m.index) };
    }
    return { file: this.unitFile, line: 1, column: 1 };
  }
}

/** A strategic-merge patch applies to the resource of its kind and name (the name as the base wrote it, or as rendered). */
function selfMatches(patch: Obj, rendered: Obj, names: Set<string>): boolean {
  if (patch.kind !== undefined && patch.kind !== rendered.kind) return false;
  const name = isObj(patch.metadata) ? patch.metadata.name : undefined;
  return typeof name !== "string" || names.has(name);
}

/** A `target:` selector: kind and name (a regular expression in kustomize); label selectors are assumed to match. */
function targetMatches(target: Obj | undefined, rendered: Obj, names: Set<string>): boolean {
  if (!target) return false;
  if (typeof target.kind === "string" && !new RegExp(`^(?:${target.kind})$`).test(String(rendered.kind))) return false;
  if (typeof target.name === "string") {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${target.name})$`);
    } catch {
      return false;
    }
    if (![...names].some((n) => re.test(n))) return false;
  }
  return true;
}

/** Did this JSON 6902 operation set the value at `at`? (An `add` of a parent with the value inside counts.) */
function jsonOpLookup(op: Obj, positions: YamlPositions, rendered: unknown, at: ValuePath): Lookup {
  const none: Lookup = { at: undefined, complete: false, depth: 0 };
  if ((op.op !== "add" && op.op !== "replace") || typeof op.path !== "string" || !("value" in op)) return none;
  const segs = op.path
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (segs.length > at.length) return none;
  for (let i = 0; i < segs.length; i++) {
    const want = at[i]!;
    if (typeof want === "number" ? segs[i] !== String(want) && segs[i] !== "-" : segs[i] !== want) return none;
  }
  const valueAt = positions.key(op, "value");
  const rest = at.slice(segs.length);
  if (rest.length === 0) return { at: valueAt, complete: true, value: op.value, depth: at.length };
  const r = lookup(op.value, positions, valueAtPath(rendered, at.slice(0, segs.length)), rest);
  return { ...r, at: r.at ?? valueAt };
}
