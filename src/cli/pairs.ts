import type { Command } from "commander";
import { addCommonOptions, type CommonOptions } from "./common-options.js";
import { FORMATS } from "./formats.js";
import { addRenderOptions, type RenderCliOptions } from "./render-options.js";

export function register(program: Command): void {
  const pairs = addCommonOptions(
    addRenderOptions(
      program
        .command("pairs")
        .description("the Dockerfile -> image -> workload pairing, with evidence")
        .argument("[paths...]", "files or directories to read ('-' reads manifests from stdin)")
        .option("--suggest", "print the .shipshape.yaml images: entries that would pair what is unpaired, commented out to check (json: a suggestions list)"),
    ),
    FORMATS.pairs.join("|"),
  );
  // the pairing reports load only when pairs runs
  pairs.action(async (paths: string[], opts: CommonOptions & RenderCliOptions & { suggest?: boolean }, cmd: Command) => (await import("./pairs-action.js")).pairsAction(paths, opts, cmd));
}
