import path from "node:path";
import type { Command } from "commander";
import { colorsFor } from "../report/colors.js";
import { json6902Text, patchText } from "../propose/formats.js";
import { kustomizeOutput, planRenderedEdits } from "../render/overlay-propose.js";
import { unrenderedReason } from "../render/unrendered.js";
import { unitJson } from "../report/json.js";
import { renderFlags, type RenderCliOptions } from "./render-options.js";
import { proposeExitCode } from "../propose/gate.js";
import { runPropose, type ProposeRun } from "../propose/run.js";
import { isWritable } from "../propose/changes.js";
import { INPUT_RULES } from "../analyze/input-rules.js";
import { proposalsJson, proposalsText } from "../propose/text.js";
import { editDiff, planFileEdits, writeFileEdit } from "../propose/write.js";
import { writableChanges, type PlacedProposal } from "../propose/place.js";
import { parseDuration } from "./duration.js";
import { UsageError } from "../errors.js";
import { checkOutput, emit, outputDirectory, parseFormat, readStdin, warn } from "./output.js";
import { kubeVersionNotice } from "../kube/version.js";
import { parseFailOn } from "../analyze/fail-on.js";
import { FORMATS } from "./formats.js";
import type { CommonOptions } from "./common-options.js";
import { createProgress } from "../progress.js";

/** The options `propose` declares, as commander hands them to the action. */
export interface ProposeOptions extends CommonOptions, RenderCliOptions {
  probe?: boolean;
  write?: boolean;
  dryRun?: boolean;
  includeUnverified?: boolean;
  verbose?: boolean;
  timeout: string;
  concurrency: string;
}

export async function proposeAction(paths: string[], opts: ProposeOptions, cmd: Command): Promise<void> {
  const format = parseFormat(opts.format, FORMATS.propose);
  const failOn = parseFailOn(opts.failOn);
  if (format === "kustomize" && !opts.output) throw new UsageError("--format kustomize writes a folder: give it with --output DIR");
  if (opts.dryRun && !opts.write) throw new UsageError("--dry-run goes with --write");
  if (opts.includeUnverified && !opts.write) throw new UsageError("--include-unverified goes with --write (the other formats show unverified changes already)");
  // refuse before reading or printing anything: nothing read from standard input can be written back
  if (opts.write && paths.includes("-")) throw new UsageError("--write cannot edit manifests read from standard input ('-'): use --format patch and apply it");
  const concurrency = Number.parseInt(opts.concurrency, 10);
  if (!(concurrency >= 1 && concurrency <= 8)) throw new UsageError(`--concurrency: expected 1 to 8, got '${opts.concurrency}'`);
  const timeoutMs = parseDuration(opts.timeout);
  if (format === "kustomize") await outputDirectory(opts.output!, { create: false });
  else await checkOutput(opts.output);
  const progress = createProgress();
  let run;
  try {
    run = await runPropose({
      paths,
      stdin: readStdin,
      kubeVersion: opts.kubeVersion,
      configFile: opts.config,
      probe: Boolean(opts.probe),
      timeoutMs,
      concurrency,
      progress,
      ...renderFlags(opts),
    });
  } finally {
    progress.done();
  }
  const { placed, scan } = run;
  warn(kubeVersionNotice(scan.kube));
  // no workload read where kustomizations or charts were not rendered: nothing was proposed for what is deployed
  const unrendered = unrenderedReason(scan.workloads.length, scan.units.map(unitJson));
  if (unrendered) process.stderr.write(`shipshape: ${unrendered}\n`);
  let exitCode = unrendered ? 2 : 0;
  const includeUnverified = opts.includeUnverified === true;
  if (opts.write) {
    // every edit is planned and checked first: one file that cannot be written stops them all.
    // A rendered workload's changes go to its base or into its overlay (src/render/overlay-propose.ts),
    // which gets only what --write writes (unverified changes only when asked, with their comment).
    // An overlay patch propose creates is serialised, not spliced: it could not carry the comment an
    // unverified change must have, so a rendered workload gets its safe and verified changes only.
    const rendered = placed.filter((p) => p.workload.rendered);
    const heldInOverlays = includeUnverified ? rendered.reduce((n, p) => n + p.changes.filter((c) => !isWritable(c, false)).length, 0) : 0;
    if (heldInOverlays) process.stderr.write(`shipshape: ${heldInOverlays} unverified change${heldInOverlays > 1 ? "s" : ""} of rendered workloads not written: an overlay patch cannot mark them as not verified (use --format kustomize)\n`);
    const writable = (p: PlacedProposal): PlacedProposal => ({ ...p, changes: writableChanges(p, false) });
    const edits = [...planFileEdits(scan.root, placed.filter((p) => !p.workload.rendered), scan.manifests, { includeUnverified }), ...(await planRenderedEdits(scan, placed.map(writable)))];
    for (const e of edits) for (const l of e.leftOut ?? []) process.stderr.write(`shipshape: ${e.file}: left out ${l}\n`);
    const refused = edits.filter((e) => e.problems.length);
    if (refused.length) {
      for (const e of refused) process.stderr.write(`shipshape: ${e.file}: ${e.problems.join("; ")}\n`);
      process.stderr.write(`shipshape: nothing ${opts.dryRun ? "would be" : "was"} written: ${refused.length} file${refused.length > 1 ? "s" : ""} cannot be edited as planned\n`);
      cmd.setOptionValue("exitCode", 2);
      return;
    }
    if (opts.dryRun) {
      await emit(edits.map(editDiff).join(""), opts.output);
      cmd.setOptionValue("exitCode", unrendered ? 2 : 0);
      return;
    }
    const failed = new Set<string>();
    for (const e of edits) {
      // a kustomization is not edited to list a patch file that could not be written
      const outcome = e.requires?.some((f) => failed.has(f))
        ? { file: e.file, status: "failed" as const, message: "not written: a patch it would list could not be written" }
        : await writeFileEdit(e);
      if (outcome.status !== "written" && outcome.status !== "unchanged") failed.add(e.abs);
      if (outcome.status === "written") process.stderr.write(`wrote ${outcome.file}\n`);
      else if (outcome.status !== "unchanged") {
        process.stderr.write(`shipshape: ${outcome.file}: ${outcome.message}\n`);
        exitCode = 2;
      }
    }
    if (edits.length === 0) process.stderr.write(`${nothingToWrite(scan, placed, includeUnverified)}\n`);
  }
  if (format === "kustomize") {
    const dir = await outputDirectory(opts.output!, { create: true });
    // each file like any --output: through a FIFO or device, over a regular file keeping its mode, no temp left
    const { files, warnings } = await kustomizeOutput(scan, placed);
    for (const [name, text] of files) {
      const target = path.join(dir, name);
      if (name.includes("/")) await outputDirectory(path.dirname(target), { create: true });
      await emit(text, target);
      if (name.endsWith("kustomization.yaml")) process.stderr.write(`wrote ${target}\n`);
    }
    for (const w of warnings) process.stderr.write(`shipshape: ${w}\n`);
  } else {
    const text =
      format === "json"
        ? JSON.stringify(proposalsJson(placed), null, 2) + "\n"
        : format === "patch"
          ? patchText(placed)
          : format === "json6902"
            ? json6902Text(placed)
            : proposalsText(placed, opts.output ? colorsFor({ isTTY: false }) : colorsFor(process.stdout), { probed: Boolean(opts.probe), includeUnverified, verbose: Boolean(opts.verbose) });
    await emit(text, opts.output);
  }
  // a file that could not be written (exit 2) outranks the gate
  cmd.setOptionValue("exitCode", exitCode || proposeExitCode(placed, Boolean(opts.probe), failOn, includeUnverified));
}

/** Why `--write` wrote nothing, without claiming more than was read. */
function nothingToWrite(scan: ProposeRun["scan"], placed: PlacedProposal[], includeUnverified: boolean): string {
  const templates = scan.findings.filter((f) => f.ruleId === INPUT_RULES.templateSkipped.id);
  const unparsed = scan.findings.filter((f) => f.ruleId === INPUT_RULES.parseError.id);
  const held = placed.reduce((n, p) => n + p.changes.filter((c) => !isWritable(c, includeUnverified)).length, 0);
  const parts = [placed.length ? "nothing to write: the manifests read already have every change --write makes" : "nothing to write: no workloads were read"];
  if (held) parts.push(`${held} unverified change${held > 1 ? "s" : ""} held back (--include-unverified writes them)`);
  if (templates.length) parts.push(`Helm/Go templates were not read (${templates.map((f) => f.file).join(", ")}): render them and propose on the output (helm template … | shipshape propose - --format patch)`);
  if (unparsed.length) parts.push(`${unparsed.length} file${unparsed.length > 1 ? "s do" : " does"} not parse and ${unparsed.length > 1 ? "were" : "was"} not read`);
  return parts.join("; ");
}
