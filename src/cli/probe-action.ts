import type { Command } from "commander";
import { checkTarget, resolveTarget } from "../probe/build.js";
import { waitIfInterrupted } from "../probe/interruption.js";
import { EngineSession } from "../probe/engine.js";
import { probeExitCode } from "../probe/gate.js";
import { imageOnlyInput, workloadFromManifest } from "../probe/manifest-input.js";
import { probeText } from "../probe/report.js";
import { writeSeccompFor } from "../probe/seccomp-annotation.js";
import { probe } from "../probe/search.js";
import { kubeVersionNotice, parseKubeVersion } from "../kube/version.js";
import { parseDuration } from "./duration.js";
import { UsageError } from "../errors.js";
import { checkOutput, emit, parseFormat, warn } from "./output.js";
import { parseFailOn } from "../analyze/fail-on.js";
import { FORMATS } from "./formats.js";
import { createProgress } from "../progress.js";
import type { HttpTarget } from "../probe/http-check.js";

/** The options `probe` declares, as commander hands them to the action. */
export interface ProbeOptions {
  manifest?: string;
  container?: string;
  timeout: string;
  format: string;
  output?: string;
  target?: string;
  buildArg: string[];
  privilegedPortsAllowed?: boolean;
  concurrency: string;
  http: string[];
  pull?: boolean;
  failOn: string;
  kubeVersion?: string;
}

export async function probeAction(target: string, opts: ProbeOptions, cmd: Command): Promise<void> {
  const format = parseFormat(opts.format, FORMATS.probe);
  const failOn = parseFailOn(opts.failOn);
  const kube = parseKubeVersion(opts.kubeVersion);
  warn(kubeVersionNotice(kube));
  const timeoutMs = parseDuration(opts.timeout);
  const concurrency = Number.parseInt(opts.concurrency, 10);
  if (!(concurrency >= 1 && concurrency <= 8)) throw new UsageError(`--concurrency: expected 1 to 8, got '${opts.concurrency}'`);
  await checkOutput(opts.output);
  checkTarget(target);
  const httpTargets = opts.http.map(parseHttpTarget);
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
      httpTargets,
      onProgress: (m) => progress.update(`probe: ${m}`),
    });
    await waitIfInterrupted(); // a report cut short by a signal is not printed
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
}

/** `--http 8080` or `--http 8080/healthz`. */
function parseHttpTarget(value: string): HttpTarget {
  const m = /^(\d{1,5})(\/.*)?$/.exec(value);
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535) throw new UsageError(`--http: expected PORT or PORT/PATH (e.g. 8080/healthz), got '${value}'`);
  return { port, path: m[2] ?? "/", source: "--http" };
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
