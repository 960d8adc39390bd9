import type { PairsReport } from "./pairs-text.js";

/**
 * The pairing as a picture: Dockerfile → image → workload container, unpaired ones
 * dashed. Node ids are assigned in order, so the output is stable for a given input.
 */
interface Graph {
  dockerfiles: Map<string, string>;
  images: Map<string, string>;
  workloads: Map<string, { id: string; label: string }>;
  edges: Array<{ from: string; to: string; label?: string }>;
}

function graphOf(report: PairsReport): Graph {
  const g: Graph = { dockerfiles: new Map(), images: new Map(), workloads: new Map(), edges: [] };
  const dockerfile = (p: string) => g.dockerfiles.get(p) ?? (g.dockerfiles.set(p, `d${g.dockerfiles.size}`), g.dockerfiles.get(p)!);
  const image = (i: string) => g.images.get(i) ?? (g.images.set(i, `i${g.images.size}`), g.images.get(i)!);
  const workload = (key: string, label: string) => {
    const known = g.workloads.get(key);
    if (known) return known.id;
    const id = `w${g.workloads.size}`;
    g.workloads.set(key, { id, label });
    return id;
  };
  for (const p of report.pairs) {
    const kinds = [...new Set(p.evidence.map((e) => e.kind))].join(", ");
    g.edges.push({ from: dockerfile(p.dockerfile), to: image(p.image), label: `${p.stage ? `target ${p.stage} · ` : ""}${kinds} · ${p.confidence}` });
    for (const w of p.workloads) {
      const key = `${w.file}#${w.kind}/${w.namespace}/${w.name}/${w.container}`;
      g.edges.push({ from: image(p.image), to: workload(key, `${w.kind} ${w.namespace}/${w.name}\n[${w.container}]`) });
    }
  }
  return g;
}

const dotString = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

/** Graphviz: `shipshape pairs --format dot | dot -Tsvg > pairs.svg`. */
export function pairsDot(report: PairsReport): string {
  const g = graphOf(report);
  const out = ["digraph pairs {", "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=11];', '  edge [fontname="Helvetica", fontsize=9];'];
  for (const [p, id] of g.dockerfiles) out.push(`  ${id} [label=${dotString(p)}, shape=note];`);
  for (const [i, id] of g.images) out.push(`  ${id} [label=${dotString(i)}, shape=box, style=rounded];`);
  for (const w of g.workloads.values()) out.push(`  ${w.id} [label=${dotString(w.label)}, shape=ellipse];`);
  report.unpairedDockerfiles.forEach((p, i) => out.push(`  ud${i} [label=${dotString(p)}, shape=note, style=dashed, color=gray50];`));
  report.unpairedContainers.forEach((u, i) =>
    out.push(`  uc${i} [label=${dotString(`${u.kind} ${u.name}\n[${u.container}] ${u.image}`)}, shape=ellipse, style=dashed, color=gray50];`),
  );
  for (const e of g.edges) out.push(`  ${e.from} -> ${e.to}${e.label ? ` [label=${dotString(e.label)}]` : ""};`);
  out.push("}");
  return out.join("\n") + "\n";
}

const mermaidText = (s: string) => `"${s.replace(/"/g, "#quot;").replace(/\n/g, "<br/>")}"`;

/** Mermaid flowchart, for Markdown renderers (GitHub, GitLab …). */
export function pairsMermaid(report: PairsReport): string {
  const g = graphOf(report);
  const out = ["flowchart LR"];
  for (const [p, id] of g.dockerfiles) out.push(`  ${id}[${mermaidText(p)}]`);
  for (const [i, id] of g.images) out.push(`  ${id}(${mermaidText(i)})`);
  for (const w of g.workloads.values()) out.push(`  ${w.id}([${mermaidText(w.label)}])`);
  report.unpairedDockerfiles.forEach((p, i) => out.push(`  ud${i}[${mermaidText(p)}]:::unpaired`));
  report.unpairedContainers.forEach((u, i) => out.push(`  uc${i}([${mermaidText(`${u.kind} ${u.name}\n[${u.container}] ${u.image}`)}]):::unpaired`));
  for (const e of g.edges) out.push(`  ${e.from} -->${e.label ? `|${mermaidText(e.label)}|` : ""} ${e.to}`);
  if (report.unpairedDockerfiles.length || report.unpairedContainers.length) out.push("  classDef unpaired stroke-dasharray: 5 5,color:#777");
  return out.join("\n") + "\n";
}
