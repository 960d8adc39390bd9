import { EngineError } from "../errors.js";
import type { Proposal, ProposalWorkload } from "../propose/proposal.js";
import {
  type Capability,
  DOCKER_DEFAULT_CAPABILITIES,
  PSS_BASELINE_ADD,
  PSS_RESTRICTED_ADD,
  sortCapabilities,
} from "./capabilities.js";
import { type CapabilityTest, findMinimalCapabilities } from "./capability-search.js";
import type { ProbeImage } from "./build.js";
import type { EngineSession } from "./engine.js";
import { type ImageFacts, inspectImage, readImageConfig } from "./inspect.js";
import { resolveUser } from "./passwd.js";
import { buildProposal } from "./proposal-builder.js";
import { type PssLevel, type ProbeReport, reportTrial } from "./report.js";
import { capabilityHints, readOnlyPaths } from "./signatures.js";
import {
  type ExecProbe,
  type Fingerprint,
  runBaseline,
  runTrial,
  type Trial,
  type TrialConfig,
  type WorkloadSpec,
} from "./trial.js";
import { findDropToUser } from "./user-switch.js";
import { planWrites, type WritePlan } from "./writes.js";
import { concurrencyLimit } from "./concurrency-limit.js";

/** What to run, from the image alone or from a manifest's container. */
export interface WorkloadInput {
  containerName: string;
  workload: ProposalWorkload | null;
  entrypoint?: string[];
  cmd?: string[];
  env: string[];
  workingDir?: string;
  ports: number[];
  execProbes: ExecProbe[];
  runAsUser?: number;
  runAsGroup?: number;
  /** Capabilities the manifest adds beyond Docker's default set: candidates too. */
  capabilitiesAdd: Capability[];
  /** Things the report must say about the input (placeholders for secret env values …). */
  notes: string[];
}

export interface ProbeRequest {
  image: ProbeImage;
  workload: WorkloadInput;
  timeoutMs: number;
  privilegedPortsAllowed: boolean;
  /** Trials run at once. */
  concurrency: number;
  onProgress?: (message: string) => void;
}

const NON_ROOT_DEFAULT = { uid: 65532, gid: 65532, name: null };
/** Rounds of "a hardened trial hit a read-only path → mount it and retry". */
const WRITE_FIX_ROUNDS = 2;

/**
 * From a permissive baseline to a verified hardened configuration: baseline → writes (from
 * the changes API) → non-root uid → minimal capabilities. Every decision is a trial compared
 * with the baseline; the proposal is verified only by a trial of exactly that proposal.
 */
export async function probe(session: EngineSession, req: ProbeRequest): Promise<ProbeReport> {
  const started = Date.now();
  const progress = req.onProgress ?? (() => undefined);
  const limit = concurrencyLimit(req.concurrency);
  const trials: Trial[] = [];
  const w = req.workload;

  const config = await readImageConfig(session, req.image.imageId);
  const argv = [...(w.entrypoint ?? config.entrypoint), ...(w.cmd ?? (w.entrypoint ? [] : config.cmd))];
  const factsPromise = inspectImage(session, req.image.imageId, config, argv);
  factsPromise.catch(() => undefined); // awaited below; avoid an unhandled rejection meanwhile
  const spec: WorkloadSpec = {
    imageId: req.image.imageId,
    entrypoint: w.entrypoint,
    cmd: w.cmd,
    env: w.env,
    workingDir: w.workingDir,
    declaredPorts: w.ports.length ? w.ports : config.exposedPorts,
    execProbes: w.execProbes,
    imageVolumes: config.volumes,
    imageFiles: factsPromise.then((f) => f.files),
    timeoutMs: req.timeoutMs,
    privilegedPortsAllowed: req.privilegedPortsAllowed,
  };
  const baselineUser = w.runAsUser !== undefined ? `${w.runAsUser}${w.runAsGroup !== undefined ? `:${w.runAsGroup}` : ""}` : config.user;
  const extraCaps = w.capabilitiesAdd.filter((c) => !DOCKER_DEFAULT_CAPABILITIES.includes(c));
  const baselineConfig: TrialConfig = {
    name: "baseline",
    user: baselineUser,
    capabilities: extraCaps.length ? { kind: "only", add: [...DOCKER_DEFAULT_CAPABILITIES, ...extraCaps] } : { kind: "docker-default" },
    readOnlyRootfs: false,
    scratchMounts: [],
    noNewPrivileges: false,
  };
  // Round one, all at once: the baseline, and the two hardened guesses for an image that
  // writes nothing (own user, and a non-root uid), started before the baseline is known and
  // judged when it is. A wrong guess (the baseline wrote files) is killed and counted.
  progress("baseline and first hardened trials");
  const baselineRun = limit(() => runBaseline(session, spec, baselineConfig));
  const planned = Promise.all([baselineRun, factsPromise]).then(([b, f]) =>
    planWrites({
      changes: b.changes,
      files: f.files,
      imageVolumes: config.volumes,
      volumeWrites: b.volumeWrites,
      workingDir: w.workingDir ?? config.workingDir,
    }),
  );
  planned.catch(() => undefined);
  const guessPlan: WritePlan = {
    writes: [],
    mounts: config.volumes.map((v) => ({ path: v, mode: "0777", reason: "image-volume", hides: [] })),
    unmountable: [],
  };
  const ifGuessRight = (p: WritePlan) =>
    Promise.all([baselineRun, planned]).then(
      ([b, real]) => (baselineFailed(b.fingerprint) || !sameMounts(real, p) || real.unmountable.length ? undefined : b.fingerprint),
      () => undefined,
    );
  const hardened = (name: string, user: string, add: Capability[], p: WritePlan): TrialConfig => ({
    name,
    user,
    capabilities: { kind: "only", add },
    readOnlyRootfs: p.unmountable.length === 0,
    scratchMounts: p.mounts.map((m) => m.path),
    noNewPrivileges: true,
  });
  const judge = async (cfg: TrialConfig, against?: Promise<Fingerprint | undefined>): Promise<Trial> => {
    progress(`trial ${cfg.name}`);
    const t = await limit(() => runTrial(session, spec, cfg, against ?? baselineRun.then((b) => b.fingerprint)));
    trials.push(t);
    return t;
  };
  const ownSpec = baselineUser;
  const ownGuess = judge(hardened("drop-all", ownSpec, [], guessPlan), ifGuessRight(guessPlan));
  // The non-root candidate: the user an entrypoint drops to, else 65532 (only for a root image).
  const nonRootGuess = factsPromise.then((facts) => {
    const own = resolveUser(baselineUser, facts.passwd, facts.group);
    if (own.uid !== 0) return undefined;
    const dropTo = findDropToUser(facts, argv);
    const nonRoot = dropTo ? { uid: dropTo.id, gid: dropTo.gid ?? dropTo.id, name: dropTo.name } : NON_ROOT_DEFAULT;
    return { nonRoot, dropTo, trial: judge(hardened("non-root", `${nonRoot.uid}:${nonRoot.gid}`, [], guessPlan), ifGuessRight(guessPlan)) };
  });
  const [baseline, facts] = await Promise.all([baselineRun, factsPromise]);
  trials.unshift(baseline);
  const fp = baseline.fingerprint;
  if (baselineFailed(fp)) {
    await Promise.allSettled([ownGuess, nonRootGuess.then((g) => g?.trial)]);
    const last = baseline.outcome.logTail.at(-1);
    throw new EngineError(
      `${req.image.ref} fails even with Docker's defaults (exit ${fp.exitCode}${last ? `: '${last}'` : ""}); nothing to compare hardened runs with`,
    );
  }
  const own = resolveUser(baselineUser, facts.passwd, facts.group);
  const ownUser = { uid: own.uid, gid: own.gid, name: own.name };
  let plan = await planned;
  const guess = await nonRootGuess;
  const nonRoot = guess?.nonRoot;
  const dropTo = guess?.dropTo;
  const nonRootSpec = nonRoot ? `${nonRoot.uid}:${nonRoot.gid}` : undefined;
  let [ownNone, nonRootNone] = await Promise.all([ownGuess, guess?.trial]);
  if (ownNone.outcome.discarded || nonRootNone?.outcome.discarded) {
    [ownNone, nonRootNone] = await Promise.all([
      ownNone.outcome.discarded ? judge(hardened("drop-all", ownSpec, [], plan)) : ownNone,
      nonRootNone?.outcome.discarded && nonRootSpec ? judge(hardened("non-root", nonRootSpec, [], plan)) : nonRootNone,
    ]);
  }
  // A read-only path the baseline's changes did not show (written and removed, or inside a
  // VOLUME we did not see): mount it and try again.
  for (let round = 0; round < WRITE_FIX_ROUNDS; round++) {
    const roPaths = [ownNone, nonRootNone].flatMap((t) => (t && !t.outcome.matchesBaseline ? readOnlyPaths(t.outcome.newErrors) : []));
    if (roPaths.length === 0) break;
    const next = planWrites({
      changes: baseline.changes,
      files: facts.files,
      imageVolumes: config.volumes,
      volumeWrites: baseline.volumeWrites,
      workingDir: w.workingDir ?? config.workingDir,
      readOnlyErrors: [...new Set(roPaths)],
    });
    if (sameMounts(next, plan)) break;
    plan = next;
    [ownNone, nonRootNone] = await Promise.all([
      judge(hardened(`drop-all+mounts${round + 1}`, ownSpec, [], plan)),
      nonRootSpec ? judge(hardened(`non-root+mounts${round + 1}`, nonRootSpec, [], plan)) : Promise.resolve(undefined),
    ]);
  }

  // Capabilities for the workload's own user. Added capabilities do nothing for a non-root
  // process unless a binary carries file capabilities, so only those are candidates then.
  const fileCaps = sortCapabilities(facts.fileCapabilities.flatMap((f) => f.capabilities));
  const candidates: Capability[] =
    own.uid === 0 ? [...DOCKER_DEFAULT_CAPABILITIES, ...extraCaps] : DOCKER_DEFAULT_CAPABILITIES.filter((c) => fileCaps.includes(c));
  const byCaps = new Map<string, Trial>();
  let initialUsed = false;
  const test = async (caps: Capability[]): Promise<CapabilityTest> => {
    let t: Trial;
    if (caps.length === 0 && !initialUsed) {
      initialUsed = true;
      t = ownNone;
    } else {
      const rerun = byCaps.has(caps.join(","));
      t = await judge(hardened(`caps:${caps.join("+") || "none"}${rerun ? " (rerun)" : ""}`, ownSpec, caps, plan));
    }
    if (!byCaps.has(caps.join(",")) || t.outcome.matchesBaseline) byCaps.set(caps.join(","), t);
    return {
      granted: caps,
      ok: t.outcome.matchesBaseline,
      reason: evidenceLine(t),
      hints: own.uid === 0 ? capabilityHints(t.outcome.newErrors) : [],
    };
  };
  progress("capabilities");
  const search = await findMinimalCapabilities(candidates, test);
  const needed = search.needed;
  const ownTrial = byCaps.get(needed.join(","));
  const ownVerified = search.method !== "unresolved" && ownTrial?.outcome.matchesBaseline === true;

  const notes = [...w.notes];
  const evidence: Partial<Record<Capability, string>> = {};
  for (const [c, t] of search.evidence) evidence[c] = `without it: ${t.reason}`;
  if (needed.includes("NET_BIND_SERVICE") && !req.privilegedPortsAllowed) {
    notes.push(
      "NET_BIND_SERVICE is needed because trials keep net.ipv4.ip_unprivileged_port_start=1024 (most runtimes); a cluster that lowers it (containerd 2.x sets 0) does not need it — or listen on a port above 1023",
    );
  }
  if (search.method === "unresolved") notes.push(`even all candidate capabilities did not make the hardened trial behave like the baseline: ${ownNone.outcome.reason}`);
  for (const f of search.flaky) notes.push(`trial with [${f.join(", ") || "no capabilities"}] failed once and passed when re-run: the workload may be timing-dependent`);
  if (fp.kind === "service" && baseline.outcome.listeningUnknown) notes.push("listening ports could not be read (remote engine and no `cat` in the image): services were judged by staying up only");
  for (const m of plan.mounts) if (m.hides.length) notes.push(`the emptyDir at ${m.path} hides image content (${m.hides.slice(0, 3).join(", ")}${m.hides.length > 3 ? " …" : ""})`);

  const runsAsNonRoot = own.uid !== 0 ? ownVerified || ownNone.outcome.matchesBaseline : nonRootNone?.outcome.matchesBaseline === true;
  const ownProposal = buildProposal({
    workload: w.workload,
    containerName: w.containerName,
    user: ownUser,
    capabilities: needed,
    plan,
    verified: ownVerified,
    evidence: [
      ...needed.map((c) => `${c}: ${evidence[c] ?? "needed"}`),
      ...(own.uid === 0 ? [`runs as root: ${nonRootNone ? `as ${nonRootSpec}: ${evidenceLine(nonRootNone)}` : "no non-root trial"}`] : []),
    ],
  });
  let proposal: Proposal = ownProposal;
  const alternatives: ProbeReport["alternatives"] = [];
  if (own.uid === 0 && nonRoot && nonRootNone?.outcome.matchesBaseline) {
    proposal = buildProposal({
      workload: w.workload,
      containerName: w.containerName,
      user: nonRoot,
      capabilities: [],
      plan,
      verified: true,
      evidence: [`runAsUser ${nonRoot.uid}: a trial as ${nonRootSpec} with all capabilities dropped behaved like the baseline`],
    });
    if (needed.length > 0) {
      alternatives.push({
        summary: `run as root and let the entrypoint switch users (needs ${needed.join(", ")})`,
        proposal: ownProposal,
      });
    }
    if (dropTo) notes.push(`the entrypoint switches to '${dropTo.name}' itself; running as ${nonRootSpec} directly works and needs no capabilities`);
  }

  const pss: PssLevel = needed.every((c) => PSS_RESTRICTED_ADD.includes(c))
    ? "restricted"
    : needed.every((c) => PSS_BASELINE_ADD.includes(c))
      ? "baseline"
      : "privileged";
  return {
    image: req.image.ref,
    imageId: req.image.imageId,
    user: ownUser,
    workloadKind: fp.kind,
    trials: trials.map(reportTrial),
    writes: plan.writes,
    mounts: plan.mounts,
    unmountable: plan.unmountable,
    capabilities: { needed, evidence, method: search.method, pss },
    runsAsNonRoot,
    nonRoot: nonRoot && nonRootNone ? { ...nonRoot, evidence: evidenceLine(nonRootNone) } : null,
    privilegeEscalation: {
      setuidFiles: facts.setuidFiles,
      setgidFiles: facts.setgidFiles,
      fileCapabilities: facts.fileCapabilities,
    },
    proposal,
    alternatives,
    verified: proposal.verified,
    notes,
    runId: session.runId,
    stats: { trials: trials.length, wallMs: Date.now() - started, inspectMs: facts.readMs },
  };
}

/** "exit 1, 'httpd: bind: Permission denied'" — what a failing trial did differently. */
function evidenceLine(t: Trial): string {
  const o = t.outcome;
  if (o.matchesBaseline) return "behaved like the baseline";
  const first = o.newErrors[0]?.line ?? o.logTail.at(-1);
  return first && !o.reason.includes(first) ? `${o.reason}, '${first}'` : o.reason;
}

/** A job that fails with Docker's defaults gives nothing to compare with. */
function baselineFailed(fp: Fingerprint): fp is Fingerprint & { kind: "job" } {
  return fp.kind === "job" && fp.exitCode !== 0;
}

function sameMounts(a: WritePlan, b: WritePlan): boolean {
  return a.mounts.map((m) => m.path).join("\n") === b.mounts.map((m) => m.path).join("\n");
}

export type { ImageFacts };
