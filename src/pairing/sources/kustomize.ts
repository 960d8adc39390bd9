import { loadYaml } from "../../manifest/yaml-load.js";
import { isObj } from "../../manifest/yaml-value.js";
import type { Pos, SourceFile } from "../../source/source-file.js";
import { dirOf, joinRel } from "../build.js";
import { nameOf, normalizeImageRef } from "../image-ref.js";

/** One `images:` entry of a kustomization: `name` → `newName` / `newTag` / `digest`. */
export interface ImageRewrite {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  at: Pos;
}

/** An image a container finally deploys, and the kustomize rewrites that made it (inner first). */
export interface DeployedRef {
  ref: string;
  via: ImageRewrite[];
}

interface Kustomization {
  dir: string;
  file: SourceFile;
  resources: string[];
  images: ImageRewrite[];
}

export const KUSTOMIZATION_FILE = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;

/**
 * The kustomizations of the repository as a tree: which manifest files each one builds
 * (its resources, bases and components, recursively) and which `images:` rewrites apply
 * to them on the way up. A workload's effective image is its image after every rewrite
 * of one path from its file up to a kustomization; each kustomization that includes the
 * file gives one such path (the base alone, each overlay …).
 */
export class KustomizeTree {
  private readonly byDir = new Map<string, Kustomization>();
  /** manifest file → the chains of rewrite lists (inner first) of every kustomization that includes it */
  private readonly chains = new Map<string, ImageRewrite[][][]>();

  constructor(files: SourceFile[]) {
    for (const file of files) {
      const k = readKustomization(file);
      if (k && !this.byDir.has(k.dir)) this.byDir.set(k.dir, k);
    }
    const memo = new Map<string, Array<{ file: string; chain: ImageRewrite[][] }>>();
    for (const k of this.byDir.values()) {
      for (const { file, chain } of this.filesOf(k, memo, new Set())) {
        const list = this.chains.get(file);
        if (list) list.push(chain);
        else this.chains.set(file, [chain]);
      }
    }
  }

  get size(): number {
    return this.byDir.size;
  }

  /** The manifest files the kustomization in `dir` builds (through its bases), or undefined when there is none. */
  filesBuiltBy(dir: string): string[] | undefined {
    const k = this.byDir.get(dir);
    return k ? this.filesOf(k, new Map(), new Set()).map((f) => f.file) : undefined;
  }

  /** The references a container with image `ref` in `file` deploys. */
  effective(file: string, ref: string): DeployedRef[] {
    const chains = this.chains.get(file);
    if (!chains) return [{ ref, via: [] }];
    const out: DeployedRef[] = [];
    const seen = new Set<string>();
    for (const chain of chains) {
      let current = ref;
      const via: ImageRewrite[] = [];
      for (const level of chain) {
        const rule = level.find((r) => matches(r.name, current));
        if (!rule) continue;
        current = apply(rule, current);
        via.push(rule);
      }
      const key = `${current}\0${via.map((v) => `${v.at.file.path}:${v.at.offset}`).join(",")}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ref: current, via });
    }
    return out;
  }

  private filesOf(
    k: Kustomization,
    memo: Map<string, Array<{ file: string; chain: ImageRewrite[][] }>>,
    visiting: Set<string>,
  ): Array<{ file: string; chain: ImageRewrite[][] }> {
    const known = memo.get(k.dir);
    if (known) return known;
    if (visiting.has(k.dir)) return [];
    visiting.add(k.dir);
    const out: Array<{ file: string; chain: ImageRewrite[][] }> = [];
    for (const r of k.resources) {
      const p = joinRel(k.dir, r);
      if (p === undefined) continue;
      const sub = this.byDir.get(p);
      if (sub) {
        for (const f of this.filesOf(sub, memo, visiting)) out.push({ file: f.file, chain: [...f.chain, k.images] });
      } else if (/\.(ya?ml|json)$/i.test(p)) out.push({ file: p, chain: [k.images] });
    }
    visiting.delete(k.dir);
    memo.set(k.dir, out);
    return out;
  }
}

function readKustomization(file: SourceFile): Kustomization | undefined {
  const { docs } = loadYaml(file);
  const doc = docs[0];
  const v = doc?.value;
  if (!doc || !isObj(v)) return undefined;
  const resources: string[] = [];
  for (const key of ["resources", "bases", "components"]) {
    const list = v[key];
    if (Array.isArray(list)) for (const r of list) if (typeof r === "string") resources.push(r);
  }
  const images: ImageRewrite[] = [];
  if (Array.isArray(v.images)) {
    v.images.forEach((img, i) => {
      if (!isObj(img) || typeof img.name !== "string") return;
      const s = (x: unknown) => (typeof x === "string" || typeof x === "number" ? String(x) : undefined);
      const rewrite: ImageRewrite = { name: img.name, at: doc.positions.item(v.images as unknown[], i) ?? { file, offset: 0 } };
      if (s(img.newName)) rewrite.newName = s(img.newName);
      if (s(img.newTag)) rewrite.newTag = s(img.newTag);
      if (s(img.digest)) rewrite.digest = s(img.digest);
      images.push(rewrite);
    });
  }
  return { dir: dirOf(file.path), file, resources, images };
}

/** kustomize matches the name as written; we also accept the same repository spelt another way. */
function matches(name: string, ref: string): boolean {
  const written = nameOf(ref);
  if (written === name) return true;
  const a = normalizeImageRef(name)?.repository;
  return a !== undefined && a === normalizeImageRef(written)?.repository;
}

function apply(rule: ImageRewrite, ref: string): string {
  const name = rule.newName ?? nameOf(ref);
  if (rule.digest) return `${name}@${rule.digest}`;
  if (rule.newTag) return `${name}:${rule.newTag}`;
  return name + ref.slice(nameOf(ref).length);
}

/** For evidence details: "web → ghcr.io/acme/web:1.4.2". */
export function describeRewrite(r: ImageRewrite): string {
  const to = [r.newName ?? r.name, r.digest ? `@${r.digest}` : r.newTag ? `:${r.newTag}` : ""].join("");
  return `images: ${r.name} → ${to}`;
}
