import type { Command } from "commander";
import { resolveTarget } from "../probe/build.js";
import { EngineSession } from "../probe/engine.js";
import { imageOnlyInput, workloadFromManifest } from "../probe/manifest-input.js";
import { probeText } from "../probe/report.js";
import { probe } from "../probe/search.js";
import { UsageError } from "./errors.js";
import { emit, parseFailOn, parseFormat, type FailOn } from "./output.js";
import { severityRank, type Severity } from "../analyze/finding.js";
import type { ProbeReport } from "../probe/report.js";
import type { Proposal } from "../propose/proposal.js";
import { atLeast, parseKubeVersion, type KubeVersion } from "../kube/version.js";
import { createProgress } from "./progress.js";

const FORMATS = ["text", "json"] as const;

interface ProbeOptions {
  manifest?: string;
  container?: string;
  timeout: string;
  format: string;
  output?: string;
  target?: string;
  buildArg: string[];
  privilegedPortsAllowed?: boolean;
  concurrency: string;
  pull?: boolean;
  failOn: string;
  kubeVersion?: string;
}

export function register(program: Command): void {
  program
    .command("probe")
    .description("run an image (or build a Dockerfile) in a sandbox, report what it needs")
    .argument("<target>", "an image reference, a Dockerfile, or a directory holding one")
    .option("--manifest <file>", "take command, args, env, ports, exec probes and user from this Kubernetes manifest")
    .option("--container <name>", "the container of --manifest to probe (when it has several)")
    .option("--timeout <duration>", "longest a single trial may take to reach the baseline's state (e.g. 30s, 2m)", "30s")
    .option("--format <format>", "output format: text|json", "text")
    .option("--output <file>", "write the report to FILE instead of standard output")
    .option("--target <stage>", "build this stage of the Dockerfile")
    .option("--build-arg <k=v>", "build argument (repeatable)", (v: string, all: string[]) => [...all, v], [])
    .option(
      "--privileged-ports-allowed",
      "emulate a cluster that lets any process bind ports below 1024 (net.ipv4.ip_unprivileged_port_start=0, containerd 2.x)",
    )
    .option("--concurrency <n>", "trials run at once", "3")
    .option("--pull", "pull TARGET when it is an image reference the engine does not have")
    .option("--kube-version <version>", "Kubernetes version the proposal is written for (1.N or latest): seccomp as a field from 1.19, an annotation before")
    .option("--fail-on <severity>", "exit 1 when the image cannot be hardened: error = no verified proposal; warning = also when it needs root or a capability Pod Security 'restricted' forbids; none", "error")
    .action(async (target: string, opts: ProbeOptions, cmd: Command) => {
      const format = parseFormat(opts.format, FORMATS);
      const failOn = parseFailOn(opts.failOn);
      const kube = parseKubeVersion(opts.kubeVersion);
      const timeoutMs = parseDuration(opts.timeout);
      const concurrency = Number.parseInt(opts.concurrency, 10);
      if (!(concurrency >= 1 && concurrency <= 8)) throw new UsageError(`--concurrency: expected 1 to 8, got '${opts.concurrency}'`);
      const workload = opts.manifest ? workloadFromManifest(opts.manifest, opts.container) : imageOnlyInput();
      const progress = createProgress();
      const session = await EngineSession.open();
      try {
        const image = await resolveTarget(session, target, {
          target: opts.target,
          pull: opts.pull,
          buildArgs: parseBuildArgs(opts.buildArg),
          onStep: (line) => progress.update(`build: ${line}`),
        });
        const report = await probe(session, {
          image,
          workload,
          timeoutMs,
          privilegedPortsAllowed: Boolean(opts.privilegedPortsAllowed),
          concurrency,
          onProgress: (m) => progress.update(`probe: ${m}`),
        });
        for (const p of [report.proposal, ...(report.alternatives ?? []).map((a) => a.proposal)]) if (p) writeSeccompFor(kube, p);
        progress.update("removing trial containers and images");
        await session.close();
        progress.done();
        await emit(format === "json" ? JSON.stringify(report, null, 2) + "\n" : probeText(report), opts.output);
        cmd.setOptionValue("exitCode", probeExitCode(report, failOn));
      } finally {
        progress.done();
        await session.close();
      }
    });
}

/** Before 1.19 the pod's seccomp profile is the `seccomp.security.alpha.kubernetes.io/pod` annotation. */
export function writeSeccompFor(kube: KubeVersion, proposal: Proposal): void {
  const profile = proposal.podSecurityContext.seccompProfile;
  if (atLeast(kube, 19) || !profile) return;
  delete proposal.podSecurityContext.seccompProfile;
  const value = profile.type === "RuntimeDefault" ? "runtime/default" : profile.type === "Localhost" ? `localhost/${profile.localhostProfile ?? ""}` : "unconfined";
  proposal.podAnnotations = { ...proposal.podAnnotations, "seccomp.security.alpha.kubernetes.io/pod": value };
}

/**
 * A gate for pipelines: the probe's outcome as severities. No verified proposal is an
 * error; needing root, or a capability beyond NET_BIND_SERVICE (which keeps the workload
 * out of Pod Security 'restricted'), is a warning.
 */
export function probeExitCode(report: ProbeReport, failOn: FailOn): 0 | 1 {
  if (failOn === "none") return 0;
  const outcomes: Severity[] = [];
  if (!report.verified) outcomes.push("error");
  if (!report.runsAsNonRoot) outcomes.push("warning");
  if (report.capabilities.needed.some((c) => c !== "NET_BIND_SERVICE")) outcomes.push("warning");
  return outcomes.some((s) => severityRank(s) >= severityRank(failOn)) ? 1 : 0;
}

/** `30s`, `2m`, `1500ms`, or plain seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--timeout: expected a duration like 30s, 2m or 1500ms, got '${text}'`);
  const n = Number(m[1]);
  const ms = m[2] === "ms" ? n : m[2] === "m" ? n * 60_000 : n * 1000;
  if (ms < 1000) throw new UsageError(`--timeout: at least 1s, got '${text}'`);
  return ms;
}

function parseBuildArgs(list: string[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (const item of list) {
    const i = item.indexOf("=");
    if (i <= 0) throw new UsageError(`--build-arg: expected KEY=VALUE, got '${item}'`);
    args[item.slice(0, i)] = item.slice(i + 1);
  }
  return args;
}
