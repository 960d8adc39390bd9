import { stringify } from "yaml";
import type { Colors } from "../report/colors.js";
import { strategicMergePatch } from "./formats.js";
import type { PlacedProposal } from "./place.js";
import type { Proposal } from "./proposal.js";
import { locate } from "../source/source-file.js";

/** `--format json`: the contract's shape. */
export function proposalsJson(placed: PlacedProposal[]): { proposals: Proposal[] } {
  return { proposals: placed.map((p) => p.proposal) };
}

/** `--format text`: per workload, the YAML to add and why each field has its value. */
export function proposalsText(placed: PlacedProposal[], c: Colors): string {
  const out: string[] = [];
  for (const p of placed) {
    const w = p.workload;
    const { file, line } = locate(w.node);
    const pss = p.proposal.pss;
    out.push(
      `${c.bold(`${file}:${line}`)}  ${w.kind} ${w.namespace}/${w.name}${w.rendered ? ` in ${w.rendered.unit}` : ""}  ${p.proposal.verified ? c.green("verified by a trial") : c.yellow("not verified (static evidence; --probe runs it)")}`,
    );
    if (pss) out.push(`  Pod Security Standards with the proposal: ${pss.level === "restricted" ? c.green(pss.level) : c.yellow(pss.level)}`);
    if (p.changes.length === 0) out.push("  nothing to change: the manifest is already as hardened as the evidence allows");
    else {
      const patch = strategicMergePatch(p);
      delete patch.apiVersion;
      delete patch.kind;
      delete patch.metadata;
      out.push("  add:");
      for (const l of stringify(patch, { lineWidth: 0 }).trimEnd().split("\n")) out.push("    " + l);
    }
    out.push("  why:");
    for (const e of p.proposal.evidence) out.push(`    - ${e}`);
    if (pss && pss.level !== "restricted" && pss.blockers.length) {
      out.push(`  ${c.yellow("restricted is out of reach:")}`);
      for (const b of pss.blockers) out.push(`    - ${b}`);
    }
    out.push("");
  }
  if (placed.length === 0) out.push("no workloads found");
  return out.join("\n") + "\n";
}
