import type { Command } from "commander";

export function register(program: Command): void {
  program
    .command("rules")
    .description("list every rule with its id, severity and one-line summary")
    .option("--format <format>", "text|json", "text")
    .option("--output <file>", "write the list to FILE")
    // the rule registry loads every analyzer: only when rules runs
    .action(async (opts: { format: string; output?: string }) => (await import("./rules-action.js")).rulesAction(opts));
}
