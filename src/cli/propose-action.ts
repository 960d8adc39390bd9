import path from "node:path";
import type { Command } from "commander";
import { colorsFor } from "../report/colors.js";
import { json6902Text, patchText } from "../propose/formats.js";
import { kustomizeOutput, planRenderedEdits } from "../render/overlay-propose.js";
import { unrenderedReason } from "../render/unrendered.js";
import { unitJson } from "../report/json.js";
import { renderFlags, type RenderCliOptions } from "./render-options.js";
import { proposeExitCode } from "../propose/gate.js";
import { runPropose } from "../propose/run.js";
import { proposalsJson, proposalsText } from "../propose/text.js";
import { editDiff, planFileEdits, writeFileEdit } from "../propose/write.js";
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
  timeout: string;
  concurrency: string;
}

export async function proposeAction(paths: string[], opts: ProposeOptions, cmd: Command): Promise<void> {
  const format = parseFormat(opts.format, FORMATS.propose);
  const failOn = parseFailOn(opts.failOn);
  if (format === "kustomize" && !opts.output) throw new UsageError("--format kustomize writes a folder: give it with --output DIR");
  if (opts.dryRun && !opts.write) throw new UsageError("--dry-run goes with --write");
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
  if (opts.write) {
    // a rendered workload's changes go to its base or into its overlay (src/render/overlay-propose.ts)
    const edits = [...planFileEdits(scan.root, placed.filter((p) => !p.workload.rendered), scan.manifests), ...(await planRenderedEdits(scan, placed))];
    if (opts.dryRun) {
      await emit(edits.map(editDiff).join(""), opts.output);
      for (const e of edits) if (e.problems.length) process.stderr.write(`shipshape: ${e.file}: ${e.problems.join("; ")}\n`);
      cmd.setOptionValue("exitCode", edits.some((e) => e.problems.length) || unrendered ? 2 : 0);
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
    if (edits.length === 0) process.stderr.write("nothing to write: every manifest already has what propose would add\n");
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
            : proposalsText(placed, opts.output ? colorsFor({ isTTY: false }) : colorsFor(process.stdout));
    await emit(text, opts.output);
  }
  // a file that could not be written (exit 2) outranks the gate
  cmd.setOptionValue("exitCode", exitCode || proposeExitCode(placed, Boolean(opts.probe), failOn));
}
