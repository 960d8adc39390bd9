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
import path from "node:path";
import { UsageError } from "../errors.js";
import { suggestImages } from "../pairing/suggest.js";
import { suggestionYaml } from "../report/pairs-suggest.js";
import { imageCounts } from "../report/pairs-text.js";

export async function pairsAction(paths: string[], opts: CommonOptions & RenderCliOptions & { suggest?: boolean }, cmd: Command): Promise<void> {
  const format = parseFormat(opts.format, FORMATS.pairs);
  if (opts.suggest && format !== "text" && format !== "json") throw new UsageError(`--suggest prints YAML (or, with --format json, a suggestions list), not ${format}`);
  await checkOutput(opts.output);
  const progress = createProgress();
  const options = { paths, stdin: readStdin, kubeVersion: opts.kubeVersion, configFile: opts.config, analyzers, progress, ...renderFlags(opts) };
  // the configuration is checked against every rule id; no rule runs, pairing is all we need
  const prepared = await prepareScan(options);
  const result = await scanPrepared(prepared, { ...options, analyzers: [] });
  progress.done();
  warn(kubeVersionNotice(prepared.kube));
  const report = pairsJson(result.pairing);
  const suggestions = opts.suggest ? suggestImages({ ...report, dockerfiles: result.dockerfiles.map((d) => d.file.path), rootName: path.basename(result.root) }) : undefined;
  const text =
    suggestions && format === "text"
      ? suggestionYaml(suggestions, result.config.images, thirdPartyImages(report), result.config.source ? path.basename(result.config.source) : ".shipshape.yaml")
      : format === "json"
        ? JSON.stringify(suggestions ? { ...report, suggestions } : report, null, 2) + "\n"
        : format === "dot"
          ? pairsDot(report)
          : format === "mermaid"
            ? pairsMermaid(report)
            : pairsText(report, opts.output ? colorsFor({ isTTY: false }) : colorsFor(process.stdout));
  await emit(text, opts.output);
  cmd.setOptionValue("exitCode", 0);
}

function thirdPartyImages(report: ReturnType<typeof pairsJson>): string {
  return report.thirdPartyContainers.length ? imageCounts(report.thirdPartyContainers.map((t) => t.image)) : "";
}
