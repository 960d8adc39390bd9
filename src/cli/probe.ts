import type { Command } from "commander";
import { FORMATS } from "./formats.js";
import type { ProbeOptions } from "./probe-action.js";

export function register(program: Command): void {
  program
    .command("probe")
    .description("run an image (or build a Dockerfile) in a sandbox, report what it needs")
    .argument("<target>", "an image reference, a Dockerfile, or a directory holding one")
    .option("--manifest <file>", "take command, args, env, ports, exec probes and user from this Kubernetes manifest")
    .option("--container <name>", "the container of --manifest to probe (when it has several)")
    .option("--timeout <duration>", "longest a single trial may take to reach the baseline's state (e.g. 30s, 2m)", "30s")
    .option("--format <format>", `output format: ${FORMATS.probe.join("|")}`, "text")
    .option("--output <file>", "write the report to FILE instead of standard output")
    .option("--target <stage>", "build this stage of the Dockerfile")
    .option("--build-arg <k=v>", "build argument (repeatable)", (v: string, all: string[]) => [...all, v], [])
    .option(
      "--privileged-ports-allowed",
      "emulate a cluster that lets any process bind ports below 1024 (net.ipv4.ip_unprivileged_port_start=0, containerd 2.x)",
    )
    .option("--http <port[/path]>", "a port that speaks HTTP: each trial must answer a GET there like the baseline did (repeatable)", (v: string, all: string[]) => [...all, v], [])
    .option("--concurrency <n>", "trials run at once", "3")
    .option("--pull", "pull TARGET when it is an image reference the engine does not have")
    .option("--kube-version <version>", "Kubernetes version the proposal is written for (1.N or latest): seccomp as a field from 1.19, an annotation before")
    .option("--fail-on <severity>", "exit 1 when the image cannot be hardened: error = no verified proposal; warning = also when it needs root or a capability Pod Security 'restricted' forbids; none", "error")
    // the engine client and the probe take ~250 ms to load: only when probe runs
    .action(async (target: string, opts: ProbeOptions, cmd: Command) => (await import("./probe-action.js")).probeAction(target, opts, cmd));
}
