import { EngineError } from "../errors.js";
import type { Proposal, ProposalWorkload } from "../propose/proposal.js";
import {
  type Capability,
  DOCKER_DEFAULT_CAPABILITIES,
  PSS_BASELINE_ADD,
  PSS_RESTRICTED_ADD,
  sortCapabilities,
} from "./capabilities.js";
import { capabilityKey, type CapabilitySearchResult, type CapabilityTest, findMinimalCapabilities } from "./capability-search.js";
import type { ProbeImage } from "./build.js";
import type { EngineSession } from "./engine.js";
import { HttpChecker, type HttpTarget } from "./http-check.js";
import { type ImageFacts, inspectImage, readImageConfig } from "./inspect.js";
import { resolveUser } from "./passwd.js";
import { buildProposal } from "./proposal-builder.js";
import { type PssLevel, type ProbeReport, reportTrial } from "./report.js";
import { describeLimit, type LimitHit } from "./resources.js";
import { capabilityHints, readOnlyPaths } from "./signatures.js";
import {
  type BaselineTrial,
  type ChangedPath,
  type ExecProbe,
  type Fingerprint,
  MEMORY_BYTES,
  PIDS_LIMIT,
  runBaseline,
  runTrial,
  discardedTrial,
  StartFailure,
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
  /** Ports the manifest's httpGet probes ask (HTTP only): answered in the baseline, they must answer alike in every trial. */
  httpGets?: HttpTarget[];
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
  /** Ports the user says speak HTTP (`--http`). */
  httpTargets?: HttpTarget[];
  onProgress?: (message: string) => void;
}

const NON_ROOT_DEFAULT = { uid: 65532, gid: 65532, name: null };
/** Times the write plan may grow (a new read-only path, a mount that hid what was needed) before we give up. */
const MAX_REPLANS = 4;

/** A trial showed the write plan is wrong: the search starts again with the new plan. */
class Replan extends Error {
  constructor(readonly why: string) {
    super(why);
  }
}

/**
 * From a permissive baseline to a verified hardened configuration: baseline → writes (from
 * the changes API) → non-root uid → minimal capabilities. Every decision is a trial compared
 * with the baseline; the proposal is verified only by a trial of exactly that proposal. A
 * trial of any phase that shows a write the plan lacks (a read-only-filesystem error, also
 * one that appears only once a capability is granted) re-plans the mounts and starts the
 * search again, keeping what failures already said.
 */
export async function probe(session: EngineSession, req: ProbeRequest): Promise<ProbeReport> {
  const started = Date.now();
  const progress = req.onProgress ?? (() => undefined);
  const limit = concurrencyLimit(req.concurrency);
  const trials: Trial[] = [];
  const w = req.workload;
  const notes = [...w.notes];

  const config = await readImageConfig(session, req.image.imageId);
  const argv = [...(w.entrypoint ?? config.entrypoint), ...(w.cmd ?? (w.entrypoint ? [] : config.cmd))];
  const factsPromise = inspectImage(session, req.image.imageId, config, argv);
  factsPromise.catch(() => undefined); // awaited below; avoid an unhandled rejection meanwhile
  const httpTargets = uniqueTargets([...(req.httpTargets ?? []), ...(w.httpGets ?? [])]);
  const http = httpTargets.length ? new HttpChecker(session) : undefined;
  if (http?.unavailable) notes.push(`HTTP ports were not asked: ${http.unavailable}`);
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
    httpTargets: http?.unavailable ? [] : httpTargets,
    ...(http && !http.unavailable ? { http } : {}),
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
  // The fingerprint, as soon as the baseline has one (undefined: nothing to compare with).
  let announce: (fp: Fingerprint | undefined) => void = () => undefined;
  const firstFingerprint = new Promise<Fingerprint | undefined>((resolve) => (announce = resolve));
  const baselineRun = limit(() => runBaseline(session, spec, baselineConfig, (fp, hit) => announce(unusable(fp, hit) ? undefined : fp)));
  baselineRun.then(
    (b) => announce(baselineUnusable(b) ? undefined : b.fingerprint),
    () => announce(undefined),
  );
  const planFrom = (b: BaselineTrial, f: ImageFacts, extra: PlanExtras = {}) =>
    planWrites({
      changes: [...b.changes, ...(extra.changes ?? [])],
      files: f.files,
      imageVolumes: config.volumes,
      volumeWrites: b.volumeWrites,
      workingDir: w.workingDir ?? config.workingDir,
      readOnlyErrors: extra.readOnly ? [...extra.readOnly] : [],
      avoid: extra.avoid ?? [],
      wholeOnly: extra.wholeOnly ?? [],
    });
  const planned = Promise.all([baselineRun, factsPromise]).then(([b, f]) => planFrom(b, f));
  planned.catch(() => undefined);
  const guessPlan: WritePlan = {
    writes: [],
    mounts: config.volumes.map((v) => ({ path: v, mode: "0777", reason: "image-volume", hides: [] })),
    unmountable: [],
  };
  // A guess is judged as soon as the fingerprint is known; the write plan, which waits for
  // the image's files, says afterwards whether it was the right configuration to judge.
  const guessWrong = Promise.all([baselineRun, planned]).then(
    ([b, real]) => baselineUnusable(b) || !sameMounts(real, guessPlan) || real.unmountable.length > 0,
    () => true,
  );
  const hardened = (name: string, user: string, add: Capability[], p: WritePlan): TrialConfig => ({
    name,
    user,
    capabilities: { kind: "only", add },
    readOnlyRootfs: p.unmountable.length === 0,
    scratchMounts: p.mounts.map((m) => m.path),
    noNewPrivileges: true,
  });
  const judge = async (cfg: TrialConfig, against?: Promise<Fingerprint | undefined>, abandon?: AbortSignal): Promise<Trial> => {
    progress(`trial ${cfg.name}`);
    const t = await limit(() => runTrial(session, spec, cfg, against ?? baselineRun.then((b) => b.fingerprint), abandon));
    trials.push(t);
    return t;
  };
  /** A trial of the guess plan, started before the baseline is known; killed, or its verdict set aside, when the guess was wrong. */
  const speculate = async (cfg: TrialConfig): Promise<Trial> => {
    const stop = new AbortController();
    void guessWrong.then((wrong) => wrong && stop.abort());
    const t = await judge(cfg, firstFingerprint, stop.signal);
    if (!t.outcome.discarded && (await guessWrong)) t.outcome = discardedTrial(cfg).outcome;
    return t;
  };
  const ownSpec = baselineUser;
  const ownGuess = speculate(hardened("drop-all", ownSpec, [], guessPlan));
  // The non-root candidate: the user an entrypoint drops to, else 65532 (only for a root image).
  const nonRootGuess = factsPromise.then((facts) => {
    const own = resolveUser(baselineUser, facts.passwd, facts.group);
    if (own.uid !== 0) return undefined;
    const dropTo = findDropToUser(facts, argv);
    const nonRoot = dropTo ? { uid: dropTo.id, gid: dropTo.gid ?? dropTo.id, name: dropTo.name } : NON_ROOT_DEFAULT;
    return { nonRoot, dropTo, trial: speculate(hardened("non-root", `${nonRoot.uid}:${nonRoot.gid}`, [], guessPlan)) };
  });
  let baseline: BaselineTrial;
  let facts: ImageFacts;
  try {
    [baseline, facts] = await Promise.all([baselineRun, factsPromise]);
  } catch (err) {
    await Promise.allSettled([ownGuess, nonRootGuess.then((g) => g?.trial)]);
    if (err instanceof StartFailure) throw new EngineError(`${req.image.ref} cannot start: ${err.message}`);
    throw err;
  }
  trials.unshift(baseline);
  const fp = baseline.fingerprint;
  if (baselineUnusable(baseline)) {
    await Promise.allSettled([ownGuess, nonRootGuess.then((g) => g?.trial)]);
    const lim = baseline.outcome.limit;
    if (lim) {
      throw new EngineError(
        `${req.image.ref} runs into ${describeLimit(lim, PIDS_LIMIT, MEMORY_BYTES)} even with Docker's defaults (a fork bomb, a leak, a runaway writer?); nothing to compare hardened runs with`,
      );
    }
    const last = baseline.outcome.logTail.at(-1);
    throw new EngineError(
      `${req.image.ref} fails even with Docker's defaults (exit ${baseline.outcome.exitCode}${last ? `: '${last}'` : ""}); nothing to compare hardened runs with`,
    );
  }
  const own = resolveUser(baselineUser, facts.passwd, facts.group);
  const ownUser = { uid: own.uid, gid: own.gid, name: own.name };
  const guess = await nonRootGuess;
  const nonRoot = guess?.nonRoot;
  const dropTo = guess?.dropTo;
  const nonRootSpec = nonRoot ? `${nonRoot.uid}:${nonRoot.gid}` : undefined;
  const fileCaps = sortCapabilities(facts.fileCapabilities.flatMap((f) => f.capabilities));
  // Added capabilities do nothing for a non-root process unless a binary carries file
  // capabilities, so only those are candidates then.
  const candidates: Capability[] =
    own.uid === 0 ? [...DOCKER_DEFAULT_CAPABILITIES, ...extraCaps] : DOCKER_DEFAULT_CAPABILITIES.filter((c) => fileCaps.includes(c));

  // What trials taught us about writes, kept across re-plans.
  const extras: Required<PlanExtras> = { readOnly: new Set(), avoid: [], changes: [], wholeOnly: [] };
  let plan = await planned;
  let [ownNone, nonRootNone] = await Promise.all([ownGuess, guess?.trial]);
  /** What a trial says about writes: read-only paths it hit, files it wrote on a writable root. */
  const absorb = (t: Trial | undefined): void => {
    if (!t) return;
    for (const p of readOnlyPaths(t.outcome.newErrors)) extras.readOnly.add(p);
    if (t.changes) extras.changes.push(...t.changes.filter((c) => !extras.changes.some((k) => k.path === c.path)));
  };
  /** The plan all lessons so far imply, if it differs from the current one. */
  const replanned = (): WritePlan | undefined => {
    const next = planFrom(baseline, facts, extras);
    return sameMounts(next, plan) && next.unmountable.length === plan.unmountable.length ? undefined : next;
  };
  // Failures that said which capability they lacked stay true when a mount is added: carried.
  const known = new Map<string, CapabilityTest>();
  const hinted = new Set<Capability>();
  let search: CapabilitySearchResult | undefined;
  let byCaps = new Map<string, Trial>();
  let replans = 0;
  for (;;) {
    if (ownNone.outcome.discarded || nonRootNone?.outcome.discarded) {
      [ownNone, nonRootNone] = await Promise.all([
        ownNone.outcome.discarded ? judge(hardened(roundName("drop-all", replans), ownSpec, [], plan)) : ownNone,
        nonRootNone?.outcome.discarded && nonRootSpec ? judge(hardened(roundName("non-root", replans), nonRootSpec, [], plan)) : nonRootNone,
      ]);
    }
    absorb(ownNone);
    absorb(nonRootNone);
    const fromFirst = replanned();
    if (fromFirst && replans < MAX_REPLANS) {
      plan = fromFirst;
      replans++;
      [ownNone, nonRootNone] = await rerunFirst(ownNone, nonRootNone);
      continue;
    }
    byCaps = new Map();
    let initialUsed = false;
    const round = replans;
    const test = async (caps: Capability[]): Promise<CapabilityTest> => {
      let t: Trial;
      const key = capabilityKey(caps);
      if (caps.length === 0 && !initialUsed) {
        initialUsed = true;
        t = ownNone;
      } else {
        const rerun = byCaps.has(key);
        t = await judge(hardened(`${roundName(`caps:${caps.join("+") || "none"}`, replans)}${rerun ? " (rerun)" : ""}`, ownSpec, caps, plan));
      }
      absorb(t);
      // a trial still running from an abandoned round only teaches; it does not re-plan again
      if (round !== replans) throw new Replan("an earlier write plan");
      if (!byCaps.has(key) || t.outcome.matchesBaseline) byCaps.set(key, t);
      const next = replanned();
      if (next && replans < MAX_REPLANS) {
        plan = next;
        throw new Replan(`${t.config.name}: ${t.outcome.reason}`);
      }
      const result: CapabilityTest = {
        granted: caps,
        ok: t.outcome.matchesBaseline,
        reason: evidenceLine(t),
        hints: own.uid === 0 ? capabilityHints(t.outcome.newErrors) : [],
      };
      for (const h of result.hints) for (const c of h.alternatives) if (candidates.includes(c) && !caps.includes(c)) hinted.add(c);
      if (!result.ok && result.hints.length && !t.outcome.newErrors.some((e) => e.kind === "read-only-fs")) known.set(key, result);
      return result;
    };
    progress(replans ? `capabilities (write plan ${replans + 1})` : "capabilities");
    try {
      search = await findMinimalCapabilities(candidates, test, { seed: [...hinted].filter((c) => !fileCapsOnly(own.uid, c, candidates)), known });
    } catch (err) {
      if (!(err instanceof Replan)) throw err;
      replans++;
      notes.push(`re-planned the writes after ${err.why}`);
      [ownNone, nonRootNone] = await rerunFirst(ownNone, nonRootNone);
      continue;
    }
    // Nothing works although every candidate was granted. Mounts put below a directory to keep
    // its image content visible may be what fails (a `mkdir` that wants to make them): mount
    // the directories themselves instead.
    const narrowed = [...new Set(plan.mounts.flatMap((m) => (m.reason === "narrowed" && m.narrowedFrom ? [m.narrowedFrom] : [])))];
    if (search.method === "unresolved" && narrowed.length && replans < MAX_REPLANS) {
      extras.wholeOnly.push(...narrowed);
      notes.push(`mounts below ${narrowed.join(", ")} (to keep the image's files there visible) did not work (${search.lastFailure?.reason ?? "it failed"}): tried the whole director${narrowed.length > 1 ? "ies" : "y"}`);
      plan = planFrom(baseline, facts, extras);
      replans++;
      [ownNone, nonRootNone] = await rerunFirst(ownNone, nonRootNone);
      continue;
    }
    // Is a mount hiding what the image needs?
    const hiding = plan.mounts.filter((m) => m.hides.length && m.reason !== "image-volume");
    if (search.method === "unresolved" && hiding.length && replans < MAX_REPLANS) {
      const without = plan.mounts.filter((m) => !hiding.includes(m)).map((m) => m.path);
      const diag = await judge({ ...hardened(roundName("without-hiding-mounts", replans), ownSpec, candidates, plan), scratchMounts: without, readOnlyRootfs: false });
      if (diag.outcome.matchesBaseline) {
        for (const m of hiding) {
          extras.avoid.push({
            path: m.path,
            reason: `an emptyDir at ${m.path} hides ${m.hides.slice(0, 3).join(", ")}${m.hides.length > 3 ? " …" : ""}, which the workload needs (with it: ${search.lastFailure?.reason ?? "it failed"}); have the image write elsewhere, or copy those files into the emptyDir with an initContainer`,
          });
        }
        plan = planFrom(baseline, facts, extras);
        replans++;
        [ownNone, nonRootNone] = await rerunFirst(ownNone, nonRootNone);
        continue;
      }
    }
    break;
  }

  async function rerunFirst(o: Trial, n: Trial | undefined): Promise<[Trial, Trial | undefined]> {
    // The non-root trial again only if its failure could be about files (a port below 1024 stays a port).
    const nonRootAgain = n && !n.outcome.matchesBaseline && nonRootSpec && !/\bbind\b|\blisten/i.test(n.outcome.reason + (n.outcome.newErrors[0]?.line ?? ""));
    // Drop-all again only if its failure could be about files: one that named a missing
    // capability fails the same way with more mounts (it is carried, like other such failures).
    const carried = !o.outcome.matchesBaseline && own.uid === 0 && capabilityHints(o.outcome.newErrors).length > 0 && !o.outcome.newErrors.some((e) => e.kind === "read-only-fs");
    return Promise.all([
      carried ? Promise.resolve(o) : judge(hardened(roundName("drop-all", replans), ownSpec, [], plan)),
      nonRootAgain ? judge(hardened(roundName("non-root", replans), nonRootSpec!, [], plan)) : Promise.resolve(n),
    ]);
  }

  const needed = search.needed;
  const ownTrial = byCaps.get(capabilityKey(needed));
  const unresolved = search.method === "unresolved";
  const ownVerified = !unresolved && ownTrial?.outcome.matchesBaseline === true;

  const evidence: Partial<Record<Capability, string>> = {};
  for (const [c, t] of search.evidence) evidence[c] = `without it: ${t.reason}`;
  if (needed.includes("NET_BIND_SERVICE") && !req.privilegedPortsAllowed) {
    notes.push(
      "NET_BIND_SERVICE is needed because trials keep net.ipv4.ip_unprivileged_port_start=1024 (most runtimes); a cluster that lowers it (containerd 2.x sets 0) does not need it — or listen on a port above 1023",
    );
  }
  for (const f of search.flaky) notes.push(`trial with [${f.join(", ") || "no capabilities"}] failed once and passed when re-run: the workload may be timing-dependent`);
  if (fp.kind === "service" && baseline.outcome.listeningUnknown) notes.push("listening ports could not be read (remote engine and no `cat` in the image): services were judged by staying up only");
  if (fp.kind === "service" && !fp.processes) notes.push("the engine could not list the container's processes: trials were not compared by process tree");
  for (const h of fp.kind === "service" ? fp.http : []) {
    if (h.answer.status === undefined) notes.push(`port ${h.target.port} (${h.target.source}) gave no HTTP answer in the baseline (${h.answer.error}): not asked in trials`);
  }
  for (const m of plan.mounts) if (m.hides.length) notes.push(`the emptyDir at ${m.path} hides image content (${m.hides.slice(0, 3).join(", ")}${m.hides.length > 3 ? " …" : ""})`);

  const runsAsNonRoot = own.uid !== 0 ? ownVerified || ownNone.outcome.matchesBaseline : nonRootNone?.outcome.matchesBaseline === true;
  const ownProposal = buildProposal({
    workload: w.workload,
    containerName: w.containerName,
    user: ownUser,
    // unresolved: nothing was shown to work, so the proposal keeps every candidate (as the image runs today) and is not verified
    capabilities: unresolved ? candidates : needed,
    plan,
    verified: ownVerified,
    evidence: [
      ...(unresolved ? [`capabilities unresolved: even with [${candidates.join(", ")}] the hardened trial failed: ${search.lastFailure?.reason ?? "?"}`] : []),
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
    if (needed.length > 0 && !unresolved) {
      alternatives.push({
        summary: `run as root and let the entrypoint switch users (needs ${needed.join(", ")})`,
        proposal: ownProposal,
      });
    }
    if (dropTo) notes.push(`the entrypoint switches to '${dropTo.name}' itself; running as ${nonRootSpec} directly works and needs no capabilities`);
  }

  const pss: PssLevel | "unknown" = unresolved
    ? "unknown"
    : needed.every((c) => PSS_RESTRICTED_ADD.includes(c))
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
    capabilities: {
      needed,
      evidence,
      method: search.method,
      pss,
      ...(unresolved ? { unresolved: unresolvedReport(search, candidates) } : {}),
    },
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
    stats: { trials: trials.length, wallMs: Date.now() - started, inspectMs: facts.readMs, replans, factsCached: facts.cached, factsSource: facts.source },
  };
}

interface PlanExtras {
  readOnly?: Set<string>;
  avoid?: Array<{ path: string; reason: string }>;
  changes?: ChangedPath[];
  wholeOnly?: string[];
}

/** `caps:CHOWN`, and `caps:CHOWN@2` in the second write plan: trial names stay unique and readable. */
function roundName(name: string, replans: number): string {
  return replans ? `${name}@${replans + 1}` : name;
}

/** A non-root workload's candidates are its file capabilities only; a hint for another one is moot. */
function fileCapsOnly(uid: number, c: Capability, candidates: Capability[]): boolean {
  return uid !== 0 && !candidates.includes(c);
}

/** The report's account of a search that found no working set: its last real failure, what was tried, what to try next. */
function unresolvedReport(search: CapabilitySearchResult, candidates: Capability[]): NonNullable<ProbeReport["capabilities"]["unresolved"]> {
  const last = search.lastFailure;
  const next: string[] = [];
  const reason = last?.reason ?? "";
  if (/read-only file system|EROFS/i.test(reason)) next.push("make the path it writes writable (an emptyDir there, or configure the write elsewhere) and probe again");
  if (/no such file or directory/i.test(reason)) next.push("a mount may hide files the image needs: mount deeper, or copy the files in with an initContainer");
  if (/not listening|timed out|after \d+ms/i.test(reason)) next.push("if it is only slow to start, probe again with a longer --timeout");
  if (/limit/i.test(reason)) next.push("it ran into a sandbox limit: check it is not leaking processes, memory or disk");
  next.push("run the trial's configuration by hand (trials[] in --format json lists each one) and read its output");
  return {
    lastFailure: reason || "every trial failed",
    tried: (search.tried ?? []).map((caps) => (caps.length ? caps.join("+") : "none")),
    candidates,
    next,
  };
}

function uniqueTargets(targets: HttpTarget[]): HttpTarget[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = `${t.port}${t.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** "exit 1, 'httpd: bind: Permission denied'" — what a failing trial did differently. */
function evidenceLine(t: Trial): string {
  const o = t.outcome;
  if (o.matchesBaseline) return "behaved like the baseline";
  const first = o.newErrors[0]?.line ?? o.logTail.at(-1);
  return first && !o.reason.includes(first) ? `${o.reason}, '${first}'` : o.reason;
}

/** A job that fails with Docker's defaults, or a baseline that ran into a sandbox limit, gives nothing to compare with. */
function baselineUnusable(b: BaselineTrial): boolean {
  return unusable(b.fingerprint, b.outcome.limit);
}

function unusable(fp: Fingerprint, limit: LimitHit | undefined): boolean {
  return (fp.kind === "job" && fp.exitCode !== 0) || limit !== undefined;
}

function sameMounts(a: WritePlan, b: WritePlan): boolean {
  return a.mounts.map((m) => m.path).join("\n") === b.mounts.map((m) => m.path).join("\n");
}

export type { ImageFacts };
