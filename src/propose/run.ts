import { EngineSession } from "../probe/engine.js";
import { scan, type ScanResult } from "../scan/pipeline.js";
import type { Progress } from "../progress.js";
import type { RenderFlags } from "../render/prepare.js";
import type { ProbeFacts } from "./decide.js";
import type { PlacedProposal } from "./place.js";
import { pinnedImage, probeFacts, probeTargets, verifyPlaced, type ProbeTarget } from "./probe-run.js";
import { containerKey, imagesByContainer, proposeAll } from "./static.js";

export interface ProposeRunOptions {
  paths: string[];
  stdin?: () => Promise<Buffer>;
  kubeVersion?: string;
  configFile?: string;
  probe: boolean;
  timeoutMs: number;
  concurrency: number;
  progress?: Progress;
  /** how kustomize overlays and Helm charts are rendered (src/render/) */
  render?: RenderFlags;
  root?: string;
}

export interface ProposeRun {
  scan: ScanResult;
  placed: PlacedProposal[];
}

/** scan → static proposals → (probe each paired image → proposals from its facts → a final trial of each) */
export async function runPropose(options: ProposeRunOptions): Promise<ProposeRun> {
  const progress = options.progress;
  const result = await scan({
    paths: options.paths,
    stdin: options.stdin,
    kubeVersion: options.kubeVersion,
    configFile: options.configFile,
    analyzers: [],
    progress,
    render: options.render,
    ...(options.root !== undefined ? { root: options.root } : {}),
  });
  if (!options.probe) return { scan: result, placed: proposeAll(result) };

  const images = imagesByContainer(result);
  const targets: ProbeTarget[] = [];
  for (const { workload } of result.workloads) {
    for (const container of workload.containers) {
      const image = images.get(containerKey(workload, container));
      if (image && container.kind !== "ephemeralContainer") targets.push({ workload, container, image });
    }
  }
  // fail early (exit 2) when the engine is unreachable
  const sessions: EngineSession[] = [await EngineSession.open()];
  const ping = sessions[0]!;
  try {
    const run = await probeTargets(EngineSession.open, targets, {
      root: result.root,
      buildArgs: result.config.buildArgs,
      timeoutMs: options.timeoutMs,
      concurrency: options.concurrency,
      progress: (m) => progress?.update(m),
    });
    sessions.push(...run.sessions);
    const probed = run.probed;
    const facts = new Map<string, ProbeFacts>();
    for (const [key, p] of probed) {
      if (!p.report) continue;
      const ref = p.target.container.image?.value;
      facts.set(key, probeFacts(p.report, ref ? await pinnedImage(ping, ref) : undefined));
    }
    const placed = proposeAll(result, { probes: facts });
    for (const p of placed) {
      progress?.update(`verifying ${p.workload.kind} ${p.workload.name}`);
      const v = await verifyPlaced(p, probed, options.timeoutMs);
      p.proposal.verified = v.verified;
      // the final trial ran exactly these settings: what it ran like the baseline is verified
      if (v.verified) for (const c of p.changes) if (c.kind !== "safe") c.kind = "verified";
      if (v.verified) for (const f of p.proposal.fields ?? []) if (f.kind === "unverified") f.kind = "verified";
      p.proposal.evidence.push(...v.evidence);
      for (const c of p.workload.containers) {
        const r = probed.get(containerKey(p.workload, c))?.report;
        if (r) p.proposal.evidence.push(...r.notes.map((n) => `probe of '${c.name}': ${n}`));
      }
    }
    return { scan: result, placed };
  } finally {
    progress?.update("removing probe containers and images");
    await Promise.allSettled(sessions.map((s) => s.close()));
  }
}
