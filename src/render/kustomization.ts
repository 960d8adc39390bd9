import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { loadYaml, type YamlPositions } from "../manifest/yaml-load.js";
import { isObj, type Obj } from "../manifest/yaml-value.js";
import { SourceFile, type Pos } from "../source/source-file.js";

/** The names kustomize looks for in a directory, in its own order. */
export const KUSTOMIZATION_NAMES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
export const KUSTOMIZATION_FILE = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;

/** A patch a kustomization applies: a file of its own, or text inline in the kustomization. */
export interface PatchSource {
  /** strategic merge (or a JSON 6902 list, which kustomize tells apart by its shape) */
  text: string;
  /** the file the text is in (the kustomization itself for an inline patch) */
  file: SourceFile;
  /** an inline patch: the line and column of the kustomization where its first line is written */
  inlineAt?: { line: number; column: number };
  /** the `target:` selector, when given */
  target?: Obj;
}

/** One `images:` entry, with where it is written. */
export interface ImageEntry {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  line: number;
  column: number;
}

/** A reason not to render, at the line of the kustomization that causes it. */
export interface Refusal {
  message: string;
  file: string;
  line: number;
}

/** A kustomization as shipshape needs it: what it builds on, what it patches, what it cannot render. */
export interface Kustomization {
  /** absolute directory */
  dir: string;
  /** absolute path of the kustomization file */
  abs: string;
  /** its text, with the path relative to the scanned root */
  file: SourceFile;
  kind: "Kustomization" | "Component";
  /** local directories it builds on (resources and bases that are folders), absolute */
  bases: string[];
  /** local components, absolute */
  components: string[];
  /** local files it reads (resources, patches, generator and replacement sources), absolute */
  files: string[];
  /** its patch files, absolute: never workloads of their own */
  patchFiles: string[];
  patches: PatchSource[];
  images: ImageEntry[];
  /** why rendering it would need more than local files (remote bases, helmCharts), with the line that asks for it */
  refusals: Refusal[];
  /** a kustomization file that does not parse */
  error?: string;
}

/** The kustomization file of a directory, if it has one. */
export function kustomizationIn(dir: string): string | undefined {
  for (const name of KUSTOMIZATION_NAMES) {
    const p = path.join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Read a kustomization (inside or outside the scanned root: an overlay's base may sit
 * beside it). `relOf` names files for the user, relative to the scanned root.
 */
export function readKustomization(abs: string, relOf: (abs: string) => string): Kustomization {
  const dir = path.dirname(abs);
  let text = "";
  try {
    text = readFileSync(abs, "utf8");
  } catch (e) {
    return empty(abs, dir, new SourceFile(relOf(abs), ""), `cannot read it: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const file = new SourceFile(relOf(abs), text);
  const { docs, error } = loadYaml(file);
  const doc = docs[0];
  if (error || !doc || !isObj(doc.value)) return empty(abs, dir, file, error ? `line ${error.line}: ${error.message}` : "not a YAML mapping");
  const v = doc.value;
  const k = empty(abs, dir, file);
  k.kind = v.kind === "Component" ? "Component" : "Kustomization";
  const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((s): s is string => typeof s === "string") : []);

  const lineOf = (list: unknown, entry: string): number => {
    const i = Array.isArray(list) ? list.indexOf(entry) : -1;
    const at = i >= 0 ? doc.positions.item(list as unknown[], i) : undefined;
    return at ? file.position(at.offset).line : 1;
  };
  const local = (entry: string, what: string, list: unknown): string | undefined => {
    const p = path.resolve(dir, entry);
    if (!looksRemote(entry) && existsSync(p)) return p;
    const message = looksRemote(entry)
      ? `${what} '${entry}' is remote (shipshape never fetches from the network)`
      : `${what} '${entry}' is not a local file or folder (shipshape never fetches from the network)`;
    k.refusals.push({ message, file: file.path, line: lineOf(list, entry) });
    return undefined;
  };
  for (const [entry, list] of [...strings(v.resources).map((e) => [e, v.resources] as const), ...strings(v.bases).map((e) => [e, v.bases] as const)]) {
    const p = local(entry, "resource", list);
    if (!p) continue;
    if (isDirectory(p)) k.bases.push(p);
    else k.files.push(p);
  }
  for (const entry of strings(v.components)) {
    const p = local(entry, "component", v.components);
    if (p) k.components.push(p);
  }
  if (Array.isArray(v.helmCharts) && v.helmCharts.length) {
    const at = doc.positions.key(v, "helmCharts");
    k.refusals.push({ message: "helmCharts need helm and a chart repository (render the chart itself instead)", file: file.path, line: at ? file.position(at.offset).line : 1 });
  }

  readPatches(k, v, doc.positions);
  readImages(k, v, doc.positions);
  // files generators and replacements read: covered by the render, not manifests of their own
  for (const gen of [...arr(v.configMapGenerator), ...arr(v.secretGenerator)]) {
    if (!isObj(gen)) continue;
    for (const f of [...strings(gen.files), ...strings(gen.envs), ...(typeof gen.env === "string" ? [gen.env] : [])]) {
      const p = f.includes("=") ? f.slice(f.indexOf("=") + 1) : f;
      k.files.push(path.resolve(dir, p));
    }
  }
  for (const r of arr(v.replacements)) if (isObj(r) && typeof r.path === "string") k.files.push(path.resolve(dir, r.path));
  for (const key of ["crds", "configurations", "generators", "transformers", "validators"]) {
    for (const f of strings(v[key])) if (!looksRemote(f) && /\.(ya?ml|json)$/i.test(f)) k.files.push(path.resolve(dir, f));
  }
  return k;
}

function empty(abs: string, dir: string, file: SourceFile, error?: string): Kustomization {
  return { dir, abs, file, kind: "Kustomization", bases: [], components: [], files: [], patchFiles: [], patches: [], images: [], refusals: [], ...(error ? { error } : {}) };
}

function arr(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

function readPatches(k: Kustomization, v: Obj, positions: YamlPositions): void {
  const fromFile = (p: string, target?: Obj) => {
    const abs = path.resolve(k.dir, p);
    k.files.push(abs);
    k.patchFiles.push(abs);
    let text: string;
    try {
      text = readFileSync(abs, "utf8");
    } catch {
      return; // kustomize reports it when it renders
    }
    k.patches.push({ text, file: new SourceFile(relSibling(k, abs), text), ...(target ? { target } : {}) });
  };
  const inline = (text: string, at: Pos | undefined, target?: Obj) => {
    let inlineAt: PatchSource["inlineAt"];
    if (at) {
      // a block scalar (`patch: |-`) starts on the next line, indented; a quoted one on the key's line
      const keyLine = k.file.position(at.offset).line;
      const rest = k.file.text.slice(at.offset, k.file.lineOffset(keyLine + 1));
      const block = /(^|:\s*)[|>][1-9+-]*\s*(#.*)?$/.test(rest.trim());
      if (block) {
        const first = k.file.text.slice(k.file.lineOffset(keyLine + 1)).split("\n", 1)[0]!;
        inlineAt = { line: keyLine + 1, column: first.length - first.trimStart().length + 1 };
      } else inlineAt = { line: keyLine, column: 1 };
    }
    k.patches.push({ text, file: k.file, ...(inlineAt ? { inlineAt } : {}), ...(target ? { target } : {}) });
  };
  for (const p of arr(v.patches)) {
    if (!isObj(p)) continue;
    const target = isObj(p.target) ? p.target : undefined;
    if (typeof p.path === "string") fromFile(p.path, target);
    else if (typeof p.patch === "string") inline(p.patch, positions.key(p, "patch"), target);
  }
  const smp = arr(v.patchesStrategicMerge);
  smp.forEach((p, i) => {
    if (typeof p !== "string") return;
    // an entry is a path, or a whole patch written inline
    if (p.includes("\n") || p.includes(":")) inline(p, positions.item(smp, i));
    else fromFile(p);
  });
  for (const p of arr(v.patchesJson6902)) {
    if (!isObj(p)) continue;
    const target = isObj(p.target) ? p.target : undefined;
    if (typeof p.path === "string") fromFile(p.path, target);
    else if (typeof p.patch === "string") inline(p.patch, positions.key(p, "patch"), target);
  }
}

function readImages(k: Kustomization, v: Obj, positions: YamlPositions): void {
  const images = arr(v.images);
  images.forEach((img, i) => {
    if (!isObj(img) || typeof img.name !== "string") return;
    const at = positions.item(images, i);
    const pos = at ? k.file.position(at.offset) : { line: 1, column: 1 };
    const s = (x: unknown) => (typeof x === "string" || typeof x === "number" ? String(x) : undefined);
    k.images.push({
      name: img.name,
      ...(s(img.newName) ? { newName: s(img.newName) } : {}),
      ...(s(img.newTag) ? { newTag: s(img.newTag) } : {}),
      ...(s(img.digest) ? { digest: s(img.digest) } : {}),
      line: pos.line,
      column: pos.column,
    });
  });
}

/** A patch file's path for the user: beside its kustomization, in the same terms. */
function relSibling(k: Kustomization, abs: string): string {
  const kRel = k.file.path;
  const kDir = kRel.includes("/") ? kRel.slice(0, kRel.lastIndexOf("/") + 1) : "";
  const rel = path.relative(k.dir, abs).split(path.sep).join("/");
  return normalizeRel(kDir + rel);
}

/** `a/b/../c` → `a/c`, keeping leading `../` */
export function normalizeRel(p: string): string {
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === ".." && out.length && out[out.length - 1] !== "..") out.pop();
    else out.push(seg);
  }
  return out.join("/");
}

/** kustomize reads these as repositories or URLs (it would clone them). */
export function looksRemote(entry: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ||
    /^git@|^git::|^ssh:|^file:/.test(entry) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry) ||
    /\?(ref|version|timeout|submodules)=/.test(entry) ||
    /^[a-z0-9.-]+\.[a-z]{2,}\/.*\/\//i.test(entry)
  );
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
