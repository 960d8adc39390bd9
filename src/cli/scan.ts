import type { Command } from "commander";
import { addCommonOptions, type CommonOptions } from "./common-options.js";

export const SCAN_FORMATS = ["text", "json", "sarif"] as const;

export function register(program: Command): void {
  const scan = addCommonOptions(
    program
      .command("scan")
      .description("static analysis: discover, pair, analyze, report")
      .argument("[paths...]", "files or directories to scan ('-' reads manifests from stdin)")
      .option(
        "--threads <n>",
        "check large repositories (over 1,000 manifest files) in this thread and N-1 worker threads ('auto': one per CPU)",
        "1",
      ),
  );
  // the scan pipeline loads only when scan runs
  scan.action(async (paths: string[], opts: CommonOptions & { threads: string }, cmd: Command) => (await import("./scan-action.js")).scanAction(paths, opts, cmd));
}
