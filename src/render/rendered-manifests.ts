import type { ManifestFile } from "../manifest/load.js";
import { loadYaml } from "../manifest/yaml-load.js";
import { isObj } from "../manifest/yaml-value.js";
import { workloadsOf, type ShapeProblem } from "../manifest/workload.js";
import type { SourceFile } from "../source/source-file.js";
import { ChartIndex, HelmOrigins, SOURCE_COMMENT } from "./helm-origin.js";
import { KustomizeOrigins, takeOrigin } from "./kustomize-origin.js";
import type { UnitOutcome } from "./render.js";
import { RenderedDocument, type RenderedFrom } from "./rendered-document.js";
import type { SourceCache } from "./source-cache.js";
import path from "node:path";

/** The documents of a tool's output: [text, first line] for each, split at `---` lines. */
export function splitDocuments(text: string): Array<{ text: string; firstLine: number }> {
  const out: Array<{ text: string; firstLine: number }> = [];
  const lines = text.split("\n");
  let start = 0;
  const flush = (end: number) => {
    const body = lines.slice(start, end).join("\n");
    if (body.trim() !== "") out.push({ text: body + "\n", firstLine: start + 1 });
  };
  for (let i = 0; i < lines.length; i++) {
    if (/^---(\s|$)/.test(lines[i]!)) {
      flush(i);
      start = i + 1;
    }
  }
  flush(lines.length);
  return out;
}

/** One rendered document as a manifest file of its own, its path the source it came from. */
function documentManifest(doc: RenderedDocument, onParsed?: (value: unknown) => void): ManifestFile {
  const positions = doc.positions;
  const { docs, error } = loadYaml(doc, positions);
  const value = docs[0]?.value;
  onParsed?.(value);
  positions.index(value);
  doc.value = value;
  const problems: ShapeProblem[] = [];
  const workloads = workloadsOf(value, 0, positions, problems);
  for (const w of workloads) w.rendered = doc.from;
  return { file: doc, documents: docs.length, workloads, problems, ...(error ? { error } : {}) };
}

/** The manifests of one unit's `kustomize build`, each mapped back to its base resource and patches. */
export function kustomizeManifests(outcome: UnitOutcome, cache: SourceCache): ManifestFile[] {
  const unitDir = path.resolve(cache.realRoot, outcome.dir);
  const origins = new KustomizeOrigins(cache, unitDir, outcome.file);
  const from: RenderedFrom = { unit: outcome.unit, renderedBy: outcome.renderedBy ?? "kustomize", tool: "kustomize" };
  const base = outcome.originBase ?? unitDir;
  return splitDocuments(outcome.output ?? "").map(({ text }) => {
    // the path is where the resource was read from, which the annotation says (read again, in full, once parsed)
    const m = /^\s+config\.kubernetes\.io\/origin: \|-?\n\s+path: ["']?(.+?)["']?\s*$/m.exec(text);
    const file = m ? cache.relOf(path.resolve(base, m[1]!)) : outcome.file;
    const doc = new RenderedDocument(file, text, from, origins);
    return documentManifest(doc, (value) => {
      if (isObj(value)) origins.register(doc, takeOrigin(value, base));
    });
  });
}

/** Does this text look like `helm template` output (documents named by `# Source:` comments)? */
export function isHelmOutput(text: string): boolean {
  return SOURCE_COMMENT.test(text);
}

/**
 * The manifests of `helm template` output: each document's findings point at the chart
 * template its `# Source:` comment names, when the chart is in the repository.
 */
export function helmManifests(text: string, renderedFile: string, from: RenderedFrom, charts: ChartIndex, root: string): ManifestFile[] {
  const origins = new HelmOrigins(root);
  return splitDocuments(text).map(({ text: body, firstLine }) => {
    const source = SOURCE_COMMENT.exec(body)?.[1];
    const template = source ? charts.template(source) : undefined;
    const doc = new RenderedDocument(template ?? renderedFile, body, from, origins);
    origins.register(doc, { ...(template ? { template } : {}), firstLine, renderedFile });
    return documentManifest(doc);
  });
}

/** A file shown to the user as rendered: its workloads say so. */
export function isRendered(file: SourceFile): file is RenderedDocument {
  return file instanceof RenderedDocument;
}
