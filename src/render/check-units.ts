import type { Analyzer } from "../analyze/define.js";
import { analyze, findingKey } from "../analyze/engine.js";
import type { Finding } from "../analyze/finding.js";
import type { ManifestFile } from "../manifest/load.js";
import type { Workload } from "../manifest/workload.js";
import { evaluatePss } from "../pss/evaluate.js";
import type { CheckedManifests, ScannedWorkload } from "../scan/manifest-batch.js";
import type { ScanContext } from "../scan/context.js";

/** The manifests one deployment unit rendered. */
export interface UnitManifests {
  unit: string;
  manifests: ManifestFile[];
}

/**
 * Check the plain files and each rendered unit. Pairing sees every workload at once (the
 * rendered images are its evidence); the analyzers run per unit, so a workload two
 * overlays deploy is two workloads, and a finding the same in several units (a line of a
 * shared base) is reported once, naming every unit it is in.
 */
export function checkWithUnits(
  ctx: ScanContext,
  plain: readonly ManifestFile[],
  units: readonly UnitManifests[],
  analyzers: readonly Analyzer[],
  withDockerfiles: boolean,
): CheckedManifests {
  const { config, kube } = ctx.prepared;
  const groups: Array<{ unit?: string; workloads: Workload[] }> = [
    { workloads: plain.flatMap((m) => m.workloads) },
    ...units.map((u) => ({ unit: u.unit, workloads: u.manifests.flatMap((m) => m.workloads) })),
  ];
  const all = groups.flatMap((g) => g.workloads);
  const pairing = ctx.pairer.pair(all);
  const byKey = new Map<string, Finding>();
  const suppressed = new Set<string>();
  groups.forEach((g, i) => {
    const first = i === 0 && withDockerfiles;
    if (g.workloads.length === 0 && !first) return;
    const mine = new Set(g.workloads);
    const pairs = pairing.pairs
      .map((p) => ({ ...p, targets: p.targets.filter((t) => mine.has(t.workload)) }))
      .filter((p) => p.targets.length > 0);
    const result = analyze(
      { workloads: g.workloads, dockerfiles: first ? ctx.dockerfiles : [], pairs, kube },
      first ? analyzers : analyzers.filter((a) => a.scope !== "dockerfile"),
      config.rules,
    );
    for (const k of result.suppressedKeys) suppressed.add(k);
    for (const f of result.findings) {
      const key = findingKey(f);
      const known = byKey.get(key);
      if (!known) byKey.set(key, g.unit !== undefined ? { ...f, units: [g.unit] } : f);
      else if (g.unit !== undefined && known.units && !known.units.includes(g.unit)) known.units.push(g.unit);
    }
  });
  const workloads: ScannedWorkload[] = all.map((workload) => ({ workload, pss: evaluatePss(workload, kube) }));
  return { findings: [...byKey.values()], suppressedKeys: [...suppressed], workloads, pairing };
}
