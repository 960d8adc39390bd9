import { realpathSync } from "node:fs";
import type { Finding } from "../analyze/finding.js";
import { INPUT_RULES } from "../analyze/input-rules.js";
import { inputFinding, type ScanContext } from "../scan/context.js";
import { duplicateKeyFindings, invalidWorkloadFindings } from "../scan/manifest-batch.js";
import type { SourceFile } from "../source/source-file.js";
import type { UnitManifests } from "./check-units.js";
import { ChartIndex } from "./helm-origin.js";
import { helmManifests, isHelmOutput, kustomizeManifests } from "./rendered-manifests.js";
import { SourceCache } from "./source-cache.js";
import type { UnitOutcome } from "./render.js";

export interface RenderedUnits {
  units: UnitManifests[];
  /** one note per unit that was not rendered, and syntax errors in rendered output */
  inputFindings: Finding[];
  /** standard input was `helm template` output, read here */
  stdinRendered: boolean;
  /** files under the root the renders read */
  filesRead: number;
}

/** The rendered units of a scan as manifests, and `helm template` output piped in. */
export function renderedUnits(ctx: ScanContext, stdin: SourceFile | undefined): RenderedUnits {
  const { root, units: outcomes } = ctx.prepared;
  const out: RenderedUnits = { units: [], inputFindings: [], stdinRendered: false, filesRead: 0 };
  const helmStdin = stdin !== undefined && isHelmOutput(stdin.text);
  if (outcomes.length === 0 && !helmStdin) return out;
  const cache = new SourceCache(realRoot(root));
  const charts = new ChartIndex(root, [...ctx.chartRoots, ...outcomes.filter((o) => o.kind === "helm").map((o) => (o.dir === "." ? "" : o.dir))]);
  const covered = new Set<string>();
  out.inputFindings.push(...unitNotes(outcomes));
  for (const o of outcomes) {
    if (o.output === undefined) continue;
    for (const f of o.covered) covered.add(f);
    const manifests =
      o.kind === "kustomize" ? kustomizeManifests(o, cache) : helmManifests(o.output, o.file, { unit: o.unit, renderedBy: o.renderedBy ?? "helm template", tool: "helm" }, charts, root);
    out.units.push({ unit: o.unit, manifests });
    for (const m of manifests) {
      if (m.error) out.inputFindings.push(inputFinding(INPUT_RULES.parseError, o.file, 1, `${o.unit}: the rendered output does not parse (${m.error.message})`));
      out.inputFindings.push(...invalidWorkloadFindings(m), ...duplicateKeyFindings(m));
    }
  }
  if (helmStdin) {
    out.units.push({ unit: "<stdin>", manifests: helmManifests(stdin.text, "<stdin>", { unit: "<stdin>", renderedBy: "helm template", tool: "helm" }, charts, root) });
    out.stdinRendered = true;
    out.filesRead++;
  }
  out.filesRead = covered.size;
  return out;
}

/** One note per unit that was not rendered, at its kustomization or Chart.yaml. */
export function unitNotes(outcomes: readonly UnitOutcome[]): Finding[] {
  return outcomes.filter((o) => o.note && !o.quiet).map((o) => inputFinding(INPUT_RULES.notRendered, o.file, o.noteLine ?? 1, `${o.unit}: ${o.note}`));
}

function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return root;
  }
}
