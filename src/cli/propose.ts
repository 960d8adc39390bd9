import type { Command } from "commander";
import { addCommonOptions } from "./common-options.js";
import { FORMATS } from "./formats.js";
import { addRenderOptions } from "./render-options.js";
import type { ProposeOptions } from "./propose-action.js";

export function register(program: Command): void {
  const propose = addCommonOptions(
    addRenderOptions(program
      .command("propose")
      .description("the minimal securityContext per container, as a patch or written in place")
      .argument("[paths...]", "files or directories ('-' reads manifests from stdin)")
      .option("--probe", "build and probe each paired image, and verify the proposal with a final trial")
      .option("--write", "edit the manifests in place with the safe and verified changes (comments and formatting of everything else stay as they are)")
      .option("--dry-run", "with --write: print the unified diff instead of writing")
      .option("--include-unverified", "with --write: also write the changes no probe verified, each marked with a comment (by default only safe and verified ones are written)")
      .option("--verbose", "text: the evidence of every change, and the workloads with nothing to change")
      .option("--timeout <duration>", "with --probe: longest a single trial may take", "30s")
      .option("--concurrency <n>", "with --probe: images probed at once", "2")),
    FORMATS.propose.join("|"),
  );
  // the YAML editor and the probe with its engine client take ~440 ms to load: only when propose runs
  propose.action(async (paths: string[], opts: ProposeOptions, cmd: Command) => (await import("./propose-action.js")).proposeAction(paths, opts, cmd));
}
