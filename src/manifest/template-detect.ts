/**
 * Helm (Go template) text is not YAML until rendered. A file counts as a template when it
 * has template actions outside quoted scalars, i.e. `{{` that would break the YAML,
 * or lives in a chart's templates/ folder. `{{` inside a block scalar (a script or a
 * config file in a ConfigMap) and GitHub Actions' `${{ … }}` are text, not actions:
 * skipping such a file would leave its workloads unchecked.
 */
const ACTION = /\{\{-?\s*[^}]*-?\}\}/;
/** A line that opens a block scalar: `key: |`, `- >-`, `key: |2+` … */
const BLOCK_SCALAR = /(^|:\s|^-\s)\s*[|>][1-9+-]{0,2}\s*(#.*)?$/;
const GITHUB_EXPRESSION = /\$\{\{[^}]*\}\}/g;

export function looksLikeTemplate(relPath: string, text: string, chartRoots: Set<string>): boolean {
  if (!text.includes("{{")) return false;
  const dir = relPath.includes("/") ? relPath.slice(0, relPath.lastIndexOf("/")) : "";
  for (const root of chartRoots) if (dir === `${root}templates` || dir.startsWith(`${root}templates/`)) return true;
  // outside a chart: a line whose template action is not inside a quoted value or a block scalar
  let blockIndent = -1;
  for (const line of text.split("\n")) {
    const t = line.trimStart();
    const indent = line.length - t.length;
    if (blockIndent >= 0) {
      if (t === "" || indent > blockIndent) continue;
      blockIndent = -1;
    }
    if (t.startsWith("#")) continue;
    if (BLOCK_SCALAR.test(t)) blockIndent = indent;
    if (!ACTION.test(t.replace(GITHUB_EXPRESSION, ""))) continue;
    // YAML reads `{{` as a flow mapping only where a value starts; later in a plain scalar
    // (a PrometheusRule's "{{ $labels.pod }} failed") it is text
    if (!/^(-\s+)*([^\s{"'#][^#]*?:\s+)?\{\{/.test(t)) continue;
    return true;
  }
  return false;
}

/** `charts/web/` for charts/web/Chart.yaml; '' for a Chart.yaml at the root. */
export function chartRootOf(relPath: string): string | undefined {
  const m = /^(.*\/)?Chart\.ya?ml$/.exec(relPath);
  return m ? (m[1] ?? "") : undefined;
}
