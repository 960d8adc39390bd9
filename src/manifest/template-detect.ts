/**
 * Helm (Go template) text is not YAML until rendered. A file counts as a template when it
 * has template actions outside quoted scalars, i.e. `{{` that would break the YAML,
 * or lives in a chart's templates/ folder.
 */
const ACTION = /\{\{-?\s*[^}]*-?\}\}/;

export function looksLikeTemplate(relPath: string, text: string, chartRoots: Set<string>): boolean {
  if (!text.includes("{{")) return false;
  const dir = relPath.includes("/") ? relPath.slice(0, relPath.lastIndexOf("/")) : "";
  for (const root of chartRoots) if (dir === `${root}templates` || dir.startsWith(`${root}templates/`)) return true;
  // outside a chart: a line whose template action is not inside a quoted value
  for (const line of text.split("\n")) {
    const t = line.trimStart();
    if (t.startsWith("#")) continue;
    if (!ACTION.test(t)) continue;
    if (/^(-\s*)?[\w.\-/"']+:\s*["']\{\{.*\}\}["']\s*$/.test(t)) continue;
    return true;
  }
  return false;
}

/** `charts/web/` for charts/web/Chart.yaml; '' for a Chart.yaml at the root. */
export function chartRootOf(relPath: string): string | undefined {
  const m = /^(.*\/)?Chart\.ya?ml$/.exec(relPath);
  return m ? (m[1] ?? "") : undefined;
}
