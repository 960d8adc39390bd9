import type { Command } from "commander";
import { analyzers } from "../analyze/registry.js";
import { prepareScan, scanPrepared } from "../scan/pipeline.js";
import { pairsJson } from "../report/json.js";
import { pairsText } from "../report/pairs-text.js";
import { pairsDot, pairsMermaid } from "../report/pairs-graph.js";
import { colorsFor } from "../report/colors.js";
import type { CommonOptions } from "./common-options.js";
import { renderFlags, type RenderCliOptions } from "./render-options.js";
import { checkOutput, emit, parseFormat, readStdin, warn } from "./output.js";
import { kubeVersionNotice } from "../kube/version.js";
import { FORMATS } from "./formats.js";
import { createProgress } from "../progress.js";

export async function pairsAction(paths: string[], opts: CommonOptions & RenderCliOptions, cmd: Command): Promise<void> {
  const format = parseFormat(opts.format, FORMATS.pairs);
  await checkOutput(opts.output);
  const progress = createProgress();
  const options = { paths, stdin: readStdin, kubeVersion: opts.kubeVersion, configFile: opts.config, analyzers, progress, ...renderFlags(opts) };
  // the configuration is checked against every rule id; no rule runs, pairing is all we need
  const prepared = await prepareScan(options);
  const result = await scanPrepared(prepared, { ...options, analyzers: [] });
  progress.done();
  warn(kubeVersionNotice(prepared.kube));
  const report = pairsJson(result.pairing);
  const text =
    format === "json"
      ? JSON.stringify(report, null, 2) + "\n"
      : format === "dot"
        ? pairsDot(report)
        : format === "mermaid"
          ? pairsMermaid(report)
          : pairsText(report, opts.output ? colorsFor({ isTTY: false }) : colorsFor(process.stdout));
  await emit(text, opts.output);
  cmd.setOptionValue("exitCode", 0);
}
