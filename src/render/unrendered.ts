/** A deployment unit as the JSON report lists it. */
interface ReportedUnit {
  kind: "kustomize" | "helm";
  renderedBy: string | null;
  note: string | null;
}

/**
 * A scan that read no workload from paths holding kustomizations or charts it did not
 * render has not checked what is deployed: that is exit code 2 with this reason, never a
 * pass. Undefined when the scan did its job.
 */
export function unrenderedReason(workloads: number, units: readonly ReportedUnit[]): string | undefined {
  if (workloads > 0) return undefined;
  const missing = units.filter((u) => u.renderedBy === null);
  if (missing.length === 0) return undefined;
  const count = (kind: ReportedUnit["kind"], word: string) => {
    const n = missing.filter((u) => u.kind === kind).length;
    return n ? `${n} ${word}${n === 1 ? "" : "s"}` : "";
  };
  const what = [count("kustomize", "kustomization"), count("helm", "Helm chart")].filter(Boolean).join(" and ");
  const reasons = [...new Set(missing.map((u) => (u.note ?? "").replace(/^not rendered: /, "")).filter(Boolean))];
  return `read 0 workloads: ${what} under the scanned paths ${missing.length === 1 ? "was" : "were"} not rendered (${reasons.join("; ")})`;
}
