import type { Command } from "commander";

export interface CommonOptions {
  format: string;
  output?: string;
  failOn: string;
  kubeVersion?: string;
  config?: string;
}

/** The options every command shares (README.md, Commands). */
export function addCommonOptions(cmd: Command, formats = "text|json|sarif"): Command {
  return cmd
    .option("--format <format>", `output format: ${formats}`, "text")
    .option("--output <file>", "write the report to FILE instead of standard output")
    .option("--fail-on <severity>", "lowest severity that makes the exit code 1: error|warning|note|none", "error")
    .option("--kube-version <version>", "Kubernetes version whose fields and Pod Security Standards apply (1.N or latest)")
    .option("--config <file>", "configuration file (default: .shipshape.yaml in the scanned root)");
}
