import type { Command } from "commander";
import { addCommonOptions } from "./common-options.js";
import { addRenderOptions } from "./render-options.js";
import { FORMATS } from "./formats.js";
import type { ScanOptions } from "./scan-action.js";

export function register(program: Command): void {
  const scan = addCommonOptions(
    addRenderOptions(program
      .command("scan")
      .description("static analysis: discover, pair, analyze, report")
      .argument("[paths...]", "files or directories to scan ('-' reads manifests from stdin)"))
      .option(
        "--threads <n>",
        "check large repositories (over 1,000 manifest files) in this thread and N-1 worker threads ('auto': one per CPU)",
        "1",
      )
      .option(
        "--sarif-max-results <n>",
        "SARIF output keeps at most N results, the most severe first (GitHub code scanning rejects a run of more than 25,000); 0: no cap",
        "25000",
      )
      .option("--quiet", "report errors only (and gate on them only)")
      .option("--severity <level>", "report findings at or above this severity only: error|warning|note")
      .option("--rule <id>", "report this rule only (repeatable, comma-separated; 'topic/*' for a topic)", (v: string, all: string[]) => [...all, v], [])
      .option("--verbose", "text: every finding's why:, not only each rule's first")
      .option("--baseline <file>", "report and gate on findings not recorded in FILE only (see --write-baseline)")
      .option("--write-baseline <file>", "record the findings reported in FILE (by stable fingerprint), for --baseline"),
    FORMATS.scan.join("|"),
  );
  // the scan pipeline loads only when scan runs
  scan.action(async (paths: string[], opts: ScanOptions, cmd: Command) => (await import("./scan-action.js")).scanAction(paths, opts, cmd));
}
