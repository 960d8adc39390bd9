import { Command, CommanderError } from "commander";
import { EngineError, UsageError } from "../errors.js";
import { stopQuietlyOnClosedStdout } from "./output.js";
import { TOOL } from "../tool.js";
import { waitIfInterrupted } from "../probe/interruption.js";
import { register as registerScan } from "./scan.js";
import { register as registerRules } from "./rules.js";
import { register as registerProbe } from "./probe.js";
import { register as registerPairs } from "./pairs.js";
import { register as registerPropose } from "./propose.js";

/** Run the CLI; resolves to the exit code (0 clean, 1 findings at --fail-on, 2 could not do the job). */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes("--debug");
  // the CLI runs bundled (dist/cli/): stack traces should name the TypeScript sources
  if (debug) process.setSourceMapsEnabled(true);
  stopQuietlyOnClosedStdout();
  const program = new Command()
    .name("shipshape")
    .description("Make Kubernetes workloads hardened and still working")
    .version(TOOL.version)
    .option("--debug", "print stack traces of internal errors")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerScan(program);
  registerRules(program);
  registerProbe(program);
  registerPairs(program);
  registerPropose(program);
  try {
    await program.parseAsync(argv);
    // each command's action leaves its exit code as an option value on its own Command
    const sub = program.commands.find((c) => c.getOptionValue("exitCode") !== undefined);
    return (sub?.getOptionValue("exitCode") as number | undefined) ?? 0;
  } catch (e) {
    // a probe interrupted by a signal: its cleanup exits with the signal's code
    await waitIfInterrupted();
    if (e instanceof CommanderError) {
      // --help and --version exit 0; parse errors are usage errors
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UsageError || e instanceof EngineError) {
      process.stderr.write(`shipshape: ${e.message}\n`);
      return 2;
    }
    const err = e as Error;
    process.stderr.write(`shipshape: internal error: ${err?.message ?? String(e)}${debug ? "" : " (run with --debug for details)"}\n`);
    if (debug && err?.stack) process.stderr.write(err.stack + "\n");
    return 2;
  }
}
