import type { Command } from "commander";
import { scanReport } from "../scan/sharded.js";
import { analyzers, allRules } from "../analyze/registry.js";
import { sarifReport } from "../report/sarif.js";
import { textReport } from "../report/text.js";
import { colorsFor } from "../report/colors.js";
import { createProgress } from "./progress.js";
import { emit, exitCodeFor, parseFailOn, parseFormat, readStdin } from "./output.js";
import { addCommonOptions, type CommonOptions } from "./common-options.js";

const FORMATS = ["text", "json", "sarif"] as const;

export function register(program: Command): void {
  addCommonOptions(
    program
      .command("scan")
      .description("static analysis: discover, pair, analyze, report")
      .argument("[paths...]", "files or directories to scan ('-' reads manifests from stdin)"),
  ).action(async (paths: string[], opts: CommonOptions, cmd: Command) => {
    const format = parseFormat(opts.format, FORMATS);
    const failOn = parseFailOn(opts.failOn);
    const progress = createProgress();
    const { report, root } = await scanReport({
      paths,
      stdin: readStdin,
      kubeVersion: opts.kubeVersion,
      configFile: opts.config,
      analyzers,
      progress,
    });
    progress.done();
    const text =
      format === "json"
        ? JSON.stringify(report, null, 2) + "\n"
        : format === "sarif"
          ? JSON.stringify(sarifReport(report.findings, allRules(), root), null, 2) + "\n"
          : textReport(report, opts.output ? colorsFor({ isTTY: false }) : colorsFor(process.stdout));
    await emit(text, opts.output);
    cmd.setOptionValue("exitCode", exitCodeFor(report.findings, failOn));
  });
}
