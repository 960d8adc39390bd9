import type { Command } from "commander";
import { availableParallelism } from "node:os";
import { UsageError } from "../errors.js";
import { scanReport } from "../scan/batched.js";
import { analyzers, allRules } from "../analyze/registry.js";
import { sarifChunks, truncationMessage } from "../report/sarif.js";
import { textReportChunks } from "../report/text.js";
import { colorsFor } from "../report/colors.js";
import { createProgress } from "../progress.js";
import { checkOutput, emitChunks, parseFormat, readStdin, warn } from "./output.js";
import { kubeVersionNotice } from "../kube/version.js";
import { exitCodeForCounts, parseFailOn } from "../analyze/fail-on.js";
import { scanJsonChunks } from "../report/json.js";
import { FORMATS } from "./formats.js";
import { compactLines } from "../report/compact.js";
import { parseSelection, selectReport, type SelectionOptions } from "./scan-selection.js";
import type { CommonOptions } from "./common-options.js";
import { renderFlags, type RenderCliOptions } from "./render-options.js";
import { unrenderedReason } from "../render/unrendered.js";

export type ScanOptions = CommonOptions & SelectionOptions & RenderCliOptions & { threads: string; sarifMaxResults: string; verbose?: boolean };

export async function scanAction(paths: string[], opts: ScanOptions, cmd: Command): Promise<void> {
  const format = parseFormat(opts.format, FORMATS.scan);
  const failOn = parseFailOn(opts.failOn);
  const threads = opts.threads === "auto" ? availableParallelism() : Number.parseInt(opts.threads, 10);
  if (!(threads >= 1 && threads <= 64)) throw new UsageError(`--threads: expected a number from 1 to 64 or auto, got '${opts.threads}'`);
  const sarifMax = /^\d+$/.test(opts.sarifMaxResults) ? Number(opts.sarifMaxResults) : Number.NaN;
  if (!Number.isSafeInteger(sarifMax)) throw new UsageError(`--sarif-max-results: expected a whole number (0: no cap), got '${opts.sarifMaxResults}'`);
  await checkOutput(opts.output);
  if (opts.writeBaseline) await checkOutput(opts.writeBaseline);
  const selection = await parseSelection(opts);
  const progress = createProgress();
  const scanned = await scanReport({
    paths,
    stdin: readStdin,
    kubeVersion: opts.kubeVersion,
    configFile: opts.config,
    analyzers,
    progress,
    threads,
    ...renderFlags(opts),
  });
  progress.done();
  warn(kubeVersionNotice(scanned.kube));
  const { root } = scanned;
  try {
    // SARIF keeps the findings the baseline holds, as "unchanged" results (see report/sarif.ts)
    const selected = await selectReport(scanned.report, selection, opts.writeBaseline, { keepBaselined: format === "sarif" });
    const { report, baselined, fingerprints } = selected;
    // every reporter reads the report's lists once, piece by piece (see report/report-list.ts)
    if (format === "json") await emitChunks(scanJsonChunks(report), opts.output);
    else if (format === "compact") await emitChunks(compactLines(report.findings.items()), opts.output);
    else if (format === "sarif") {
      if (sarifMax > 0 && report.findings.count > sarifMax) process.stderr.write(`shipshape: ${truncationMessage(report.findings.count, sarifMax)}\n`);
      const held = selected.baseline;
      const { errors, warnings, notes } = report.summary;
      const baseline = held && { holds: held.holds, new: errors + warnings + notes, unchanged: baselined, absent: held.absent };
      await emitChunks(sarifChunks(report, allRules(), root, sarifMax, { fingerprints, ...(baseline ? { baseline } : {}), ...(selected.listed ? { counts: selected.listed } : {}) }), opts.output);
    } else {
      const colors = opts.output ? colorsFor({ isTTY: false }) : colorsFor(process.stdout);
      await emitChunks(textReportChunks(report, colors, { verbose: opts.verbose, rules: allRules(), baselined }), opts.output);
    }
    // no workload read where kustomizations or charts were not rendered: not a pass
    const unrendered = unrenderedReason(report.workloads.count, report.units);
    if (unrendered) process.stderr.write(`shipshape: ${unrendered}\n`);
    cmd.setOptionValue("exitCode", unrendered ? 2 : exitCodeForCounts(report.summary, failOn));
  } finally {
    scanned.dispose();
  }
}
