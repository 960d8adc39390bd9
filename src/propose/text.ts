import type { Colors } from "../report/colors.js";
import { formatPath, isWritable, type Change, type ObjectPath } from "./changes.js";
import { podMetadataPath, podSpecPath, type PlacedProposal } from "./place.js";
import type { Proposal, ProposedChange } from "./proposal.js";
import { locate } from "../source/source-file.js";

/** `--format json`: the contract's shape, each proposal with its changes and their kinds. */
export function proposalsJson(placed: PlacedProposal[]): { proposals: Proposal[] } {
  return { proposals: placed.map((p) => ({ ...p.proposal, changes: proposedChanges(p) })) };
}

export function proposedChanges(p: PlacedProposal): ProposedChange[] {
  return p.changes.map((c, i) => ({
    path: formatPath(c.path),
    op: c.op,
    value: c.value,
    kind: c.kind ?? "unverified",
    written: isWritable(c, false),
    evidence: p.changeEvidence[i]!.slice(p.changeEvidence[i]!.indexOf(": ") + 2),
  }));
}

export interface TextOptions {
  /** --probe ran: the header says what the final trial found, never "static evidence" */
  probed: boolean;
  /** --write --include-unverified: unverified changes are written too */
  includeUnverified: boolean;
  /** each change's evidence, the decisions that set no field, workloads with nothing to do */
  verbose: boolean;
}

/**
 * `--format text`: one block per workload that has something to say — what `--write`
 * writes, what it holds back (unverified) and advice it never writes — and the evidence
 * only with `--verbose`.
 */
export function proposalsText(placed: PlacedProposal[], c: Colors, options: TextOptions = { probed: false, includeUnverified: false, verbose: false }): string {
  const out: string[] = [];
  let quiet = 0;
  let heldBack = 0;
  let heldWorkloads = 0;
  for (const p of placed) {
    const w = p.workload;
    const { file, line } = locate(w.node);
    const writes = p.changes.map((ch, i) => ({ ch, why: p.changeEvidence[i]! })).filter(({ ch }) => isWritable(ch, options.includeUnverified));
    const held = p.changes.map((ch, i) => ({ ch, why: p.changeEvidence[i]! })).filter(({ ch }) => !isWritable(ch, options.includeUnverified));
    const advice = p.proposal.advice ?? [];
    if (!writes.length && !held.length && !advice.length && !options.verbose) {
      quiet++;
      continue;
    }
    heldBack += held.length;
    if (held.length) heldWorkloads++;
    const status = options.probed
      ? p.proposal.verified
        ? c.green("verified by a probe trial")
        : p.changes.some((ch) => ch.kind === "unverified")
          ? c.yellow("NOT verified by the probe")
          : ""
      : "";
    out.push(`${c.bold(`${file}:${line}`)}  ${w.kind} ${w.namespace}/${w.name}${w.rendered ? ` in ${w.rendered.unit}` : ""}${status ? `  ${status}` : ""}`);
    const show = (title: string, list: Array<{ ch: Change; why: string }>) => {
      if (!list.length) return;
      out.push(`  ${title}`);
      for (const { ch, why } of list) {
        out.push(`    ${describeChange(p, ch)}${ch.kind === "unverified" && options.includeUnverified ? c.yellow("  (not verified)") : ""}`);
        if (options.verbose) out.push(c.dim(`        why: ${why.slice(why.indexOf(": ") + 2)}`));
      }
    };
    show(options.includeUnverified ? "--write --include-unverified sets:" : "--write sets:", writes);
    show(`held back, not verified (${options.probed ? "the probe's trial did not confirm them" : "shipshape propose --probe verifies them"}; --write --include-unverified writes them):`, held);
    if (p.proposal.nodeAgent) out.push(`  node agent (${p.proposal.nodeAgent}): advice only, nothing is written`);
    else if (!writes.length && !held.length) out.push("  nothing to change: the manifest is already as hardened as the evidence allows");
    if (advice.length) {
      out.push(`  ${c.cyan("advice")} (never written):`);
      for (const a of advice) out.push(a.startsWith("  ") ? `     ${a}` : `    - ${a}`);
    }
    if (options.probed) for (const e of p.proposal.evidence) if (/^(NOT verified|verification:)/.test(e)) out.push(`  ${c.yellow(e)}`);
    const pss = p.proposal.pss;
    if (pss) {
      const lvl = (l: string) => (l === "restricted" ? c.green(l) : c.yellow(l));
      const after = pss.afterWrite ?? pss.level;
      out.push(`  Pod Security: ${lvl(after)} after --write${held.length && after !== pss.level ? `, ${lvl(pss.level)} with the held-back changes` : ""}`);
      if (pss.level !== "restricted" && pss.blockers.length) {
        out.push(`  ${c.yellow("restricted is out of reach:")}`);
        for (const b of pss.blockers) out.push(`    - ${b}`);
      }
    }
    if (options.verbose && p.proposal.evidence.length) {
      out.push("  evidence:");
      for (const e of p.proposal.evidence) out.push(c.dim(`    - ${e}`));
    }
    out.push("");
  }
  if (placed.length === 0) out.push("no workloads found");
  else {
    if (quiet) out.push(`${quiet} workload${quiet > 1 ? "s" : ""} already as hardened as the evidence allows (--verbose lists them)`);
    if (heldBack)
      out.push(
        `${heldBack} change${heldBack > 1 ? "s" : ""} in ${heldWorkloads} workload${heldWorkloads > 1 ? "s" : ""} held back as not verified: \`shipshape propose --probe\` verifies them (images built here); \`--write --include-unverified\` writes them, each marked '# shipshape: not verified'`,
      );
  }
  return out.join("\n") + "\n";
}

/** One change as a line: its path below the pod spec (or pod metadata), and the value. */
function describeChange(p: PlacedProposal, ch: Change): string {
  const path = shortPath(p, ch.path);
  if (ch.op === "append") {
    const v = ch.value as { name?: string; mountPath?: string; emptyDir?: unknown };
    if (v.mountPath !== undefined) return `${path} += ${v.mountPath} (volume ${v.name})`;
    if (v.emptyDir !== undefined) return `${path} += ${v.name} (emptyDir)`;
    return `${path} += ${flow(ch.value)}`;
  }
  return `${path}: ${flow(ch.value)}`;
}

/** A value in YAML flow style, as it reads in a manifest: `{type: RuntimeDefault}`, `[ALL]`. */
function flow(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(flow).join(", ")}]`;
  if (v !== null && typeof v === "object") return `{${Object.entries(v).map(([k, x]) => `${k}: ${flow(x)}`).join(", ")}}`;
  return typeof v === "string" && /^[\w./-]+$/.test(v) ? v : JSON.stringify(v);
}

function shortPath(p: PlacedProposal, path: ObjectPath): string {
  for (const prefix of [podSpecPath(p.workload.kind), podMetadataPath(p.workload.kind)]) {
    if (prefix.every((seg, i) => path[i] === seg)) {
      const rest = formatPath(path.slice(prefix.length));
      return prefix[prefix.length - 1] === "metadata" ? `metadata.${rest}` : rest;
    }
  }
  return formatPath(path);
}
