import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import jsyaml from "js-yaml";
import { isObj } from "../manifest/yaml-value.js";
import type { Location, Pos } from "../source/source-file.js";
import { valueAtPath, type OriginLocator, type RenderedDocument, type ValuePath } from "./rendered-document.js";

/** `# Source: web/templates/deployment.yaml`: the chart template `helm template` rendered a document from. */
export const SOURCE_COMMENT = /^# Source: (\S.*?)\s*$/m;

/** Where each rendered document came from: the template named by its `# Source:` comment, found in the repository. */
export interface HelmDocOrigin {
  /** the template, relative to the scanned root, when the chart is in the repository */
  template?: string;
  /** where the document starts in the rendered text (1-based line), to point into it when the template is not found */
  firstLine: number;
  /** how the rendered text is named (`<stdin>`) */
  renderedFile: string;
}

/**
 * The charts of the repository by name (Chart.yaml `name:`), so a `# Source:` path
 * (`<chart name>/templates/x.yaml`, `<chart>/charts/<sub>/templates/y.yaml`) names a file.
 */
export class ChartIndex {
  private readonly byName = new Map<string, string>();

  /** @param chartDirs folders holding a Chart.yaml, relative to the root ('' for the root) */
  constructor(
    private readonly root: string,
    chartDirs: Iterable<string>,
  ) {
    for (const dir of chartDirs) {
      const rel = dir.replace(/\/$/, "");
      let name: unknown;
      try {
        const chart = jsyaml.load(readFileSync(path.join(root, rel, "Chart.yaml"), "utf8"));
        name = isObj(chart) ? chart.name : undefined;
      } catch {
        name = undefined;
      }
      const key = typeof name === "string" ? name : path.basename(path.join(root, rel));
      if (!this.byName.has(key)) this.byName.set(key, rel);
    }
  }

  /** The template's path relative to the root, when the chart and the file are there. */
  template(source: string): string | undefined {
    const slash = source.indexOf("/");
    if (slash < 0) return undefined;
    const dir = this.byName.get(source.slice(0, slash));
    if (dir === undefined) return undefined;
    const rel = (dir ? `${dir}/` : "") + source.slice(slash + 1);
    return existsSync(path.join(this.root, rel)) ? rel : undefined;
  }
}

/**
 * Maps a value of a rendered document to the template line that writes it: the keys of
 * its path are looked for in order, each indented under the one before, in the template's
 * text (a template is not YAML until rendered). A literal value is found on its own line;
 * a value from `{{ .Values… }}` or `toYaml` points at the line that writes it or its parent.
 */
export class HelmOrigins implements OriginLocator {
  private readonly origins = new WeakMap<RenderedDocument, HelmDocOrigin>();
  private readonly texts = new Map<string, string[] | null>();

  constructor(private readonly root: string) {}

  register(doc: RenderedDocument, origin: HelmDocOrigin): void {
    this.origins.set(doc, origin);
  }

  locate(doc: RenderedDocument, at: ValuePath | undefined, pos: Pos): Location {
    const origin = this.origins.get(doc);
    if (!origin?.template) {
      // a chart that is not in the repository: the line of the rendered text, as before
      const lc = doc.position(pos.offset);
      return { file: origin?.renderedFile ?? doc.path, line: (origin?.firstLine ?? 1) + lc.line - 1, column: lc.column };
    }
    const lines = this.lines(origin.template);
    if (!lines) return { file: origin.template, line: 1, column: 1 };
    const found = findInTemplate(lines, at ?? [], doc.value);
    return { file: origin.template, line: found.line, column: found.column };
  }

  private lines(rel: string): string[] | undefined {
    let known = this.texts.get(rel);
    if (known === undefined) {
      try {
        known = readFileSync(path.join(this.root, rel), "utf8").split(/\r?\n/);
      } catch {
        known = null;
      }
      this.texts.set(rel, known);
    }
    return known ?? undefined;
  }
}

/** The 1-based line and column in a template where the value at `at` is written (or its nearest parent). */
export function findInTemplate(lines: readonly string[], at: ValuePath, rendered: unknown): { line: number; column: number } {
  let best = { line: 1, column: 1 };
  // the first line of the document's YAML (after the comment and template lines)
  const first = lines.findIndex((l) => l.trim() !== "" && !isTemplateLine(l) && !l.trimStart().startsWith("#"));
  if (first >= 0) best = { line: first + 1, column: indentOf(lines[first]!) + 1 };
  let from = Math.max(first, 0);
  let parentIndent = -1;
  for (let i = 0; i < at.length; i++) {
    const seg = at[i]!;
    let match: { index: number; column: number; indent: number } | undefined;
    if (typeof seg === "number") {
      const item = valueAtPath(rendered, at.slice(0, i + 1));
      // a list item by its literal name, else the n-th item written (a `range` loop cannot be told apart: then its parent)
      const named = isObj(item) && typeof item.name === "string" ? item.name : undefined;
      match =
        (named !== undefined ? findLine(lines, from, parentIndent, new RegExp(`^(\\s*)-\\s+name:\\s*["']?${escape(named)}["']?\\s*(#.*)?$`), true) : undefined) ??
        nthItem(lines, from, parentIndent, seg);
      if (!match) continue;
    } else {
      match = findLine(lines, from, parentIndent, new RegExp(`^(\\s*)(?:-\\s+)?["']?${escape(seg)}["']?\\s*:(\\s|$)`), false);
      if (!match) break;
    }
    best = { line: match.index + 1, column: match.column };
    // a list item's own keys start on its line
    from = typeof seg === "number" ? match.index : match.index + 1;
    parentIndent = match.indent;
  }
  return best;
}

/** The next line after `from` matching `re`, indented under the parent; stops where the parent's block ends. */
function findLine(lines: readonly string[], from: number, parentIndent: number, re: RegExp, item: boolean): { index: number; column: number; indent: number } | undefined {
  for (let j = from; j < lines.length; j++) {
    const line = lines[j]!;
    if (line.trim() === "" || isTemplateLine(line) || line.trimStart().startsWith("#")) continue;
    const indent = indentOf(line);
    if (parentIndent >= 0 && j > from && indent <= parentIndent && !(item && indent === parentIndent && line.trimStart().startsWith("-"))) return undefined;
    const m = re.exec(line);
    if (!m) continue;
    // the keys of a list item are indented past its dash: they are the item's children
    const keyColumn = /^\s*(-\s+)?/.exec(line)![0].length;
    return { index: j, column: keyColumn + 1, indent: item ? keyColumn - 1 : keyColumn };
  }
  return undefined;
}

/** The n-th `- ` item of the list that starts after `from` (none when a template action loops over it). */
function nthItem(lines: readonly string[], from: number, parentIndent: number, n: number): { index: number; column: number; indent: number } | undefined {
  let dashIndent = -1;
  let count = 0;
  for (let j = from; j < lines.length; j++) {
    const line = lines[j]!;
    const t = line.trimStart();
    if (t === "" || t.startsWith("#")) continue;
    if (t.startsWith("{{") && /\b(range|with)\b/.test(t)) return undefined;
    if (isTemplateLine(line)) continue;
    const indent = indentOf(line);
    if (parentIndent >= 0 && indent < parentIndent) return undefined;
    if (dashIndent < 0) {
      if (!t.startsWith("-")) return undefined;
      dashIndent = indent;
    }
    if (indent < dashIndent) return undefined;
    if (indent === dashIndent && t.startsWith("-")) {
      if (count++ === n) {
        const keyColumn = /^\s*-\s+/.exec(line)![0].length;
        return { index: j, column: keyColumn + 1, indent: keyColumn - 1 };
      }
    } else if (indent === dashIndent) return undefined;
  }
  return undefined;
}

/** A line that is only a template action (`{{- if … }}`, `{{ include … | nindent 8 }}`). */
function isTemplateLine(line: string): boolean {
  const t = line.trim();
  return t.startsWith("{{") && t.endsWith("}}");
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
