import path from "node:path";
import { type Capability, DOCKER_DEFAULT_CAPABILITIES, parseCapability } from "../probe/capabilities.js";
import { resolveTarget, type ProbeImage } from "../probe/build.js";
import type { EngineSession } from "../probe/engine.js";
import { inspectImage, readImageConfig } from "../probe/inspect.js";
import type { ProbeReport } from "../probe/report.js";
import { probe, type WorkloadInput } from "../probe/search.js";
import { runBaseline, runTrial, type ExecProbe, type TrialConfig, type WorkloadSpec } from "../probe/trial.js";
import type { Container, Obj, Workload } from "../manifest/workload.js";
import { isObj } from "../manifest/yaml-value.js";
import { applyChanges, valueAt } from "./changes.js";
import type { ProbeFacts } from "./decide.js";
import { podSpecPath, type PlacedProposal } from "./place.js";
import { type ContainerImage, containerKey } from "./static.js";
import { concurrencyLimit } from "../probe/concurrency-limit.js";
import { httpGetTargets } from "../probe/manifest-input.js";

export interface ProbeRunOptions {
  root: string;
  buildArgs: Record<string, string>;
  timeoutMs: number;
  /** probes run at once (each runs its own trials two at a time) */
  concurrency: number;
  progress?: (message: string) => void;
}

/** One paired container to probe. */
export interface ProbeTarget {
  workload: Workload;
  container: Container;
  image: ContainerImage;
}

export interface ProbedContainer {
  target: ProbeTarget;
  /** the session that built the image (and removes it when closed) */
  session: EngineSession;
  image: ProbeImage;
  report?: ProbeReport;
  error?: string;
}

/**
 * Build each paired Dockerfile once and probe every container that runs it. One engine
 * session per image (the probe names its helper containers per session), images probed a
 * few at a time, the containers of one image one after another. The caller closes the
 * sessions (`closeAll`) after the final trials, which reuse the built images.
 */
export async function probeTargets(openSession: () => Promise<EngineSession>, targets: ProbeTarget[], options: ProbeRunOptions): Promise<{ probed: Map<string, ProbedContainer>; sessions: EngineSession[] }> {
  const progress = options.progress ?? (() => undefined);
  const limit = concurrencyLimit(options.concurrency);
  const byImage = new Map<string, ProbeTarget[]>();
  for (const t of targets) {
    const key = `${path.resolve(options.root, t.image.dockerfile.file.path)}#${t.image.stage ?? ""}`;
    const targets = byImage.get(key);
    if (targets) targets.push(t);
    else byImage.set(key, [t]);
  }
  const probed = new Map<string, ProbedContainer>();
  const sessions: EngineSession[] = [];
  await Promise.all(
    [...byImage.values()].map((group) =>
      limit(async () => {
        const first = group[0]!;
        const session = await openSession();
        sessions.push(session);
        let image: ProbeImage;
        try {
          progress(`building ${first.image.dockerfile.file.path}`);
          image = await resolveTarget(session, path.resolve(options.root, first.image.dockerfile.file.path), { target: first.image.stage ?? undefined, buildArgs: options.buildArgs });
        } catch (err) {
          for (const t of group) probed.set(containerKey(t.workload, t.container), { target: t, session, image: { ref: first.image.dockerfile.file.path, imageId: "", built: false }, error: (err as Error).message });
          return;
        }
        for (const t of group) {
          const key = containerKey(t.workload, t.container);
          progress(`probing ${t.workload.name}/${t.container.name}`);
          try {
            const report = await probe(session, { image, workload: workloadInput(t.workload, t.container), timeoutMs: options.timeoutMs, privilegedPortsAllowed: false, concurrency: 2 });
            probed.set(key, { target: t, session, image, report });
          } catch (err) {
            probed.set(key, { target: t, session, image, error: (err as Error).message });
          }
        }
      }),
    ),
  );
  return { probed, sessions };
}

/** The facts propose takes from a probe report: the user, capabilities and mounts of its chosen proposal. */
export function probeFacts(report: ProbeReport, pinnedImage?: string): ProbeFacts {
  const p = report.proposal;
  const uid = p.podSecurityContext.runAsUser ?? report.user.uid;
  const gid = p.podSecurityContext.runAsGroup ?? report.user.gid;
  const own = uid === report.user.uid;
  const userEvidence =
    uid === 0
      ? `the probe found the image needs root${report.nonRoot ? `: as ${report.nonRoot.uid}:${report.nonRoot.gid} ${report.nonRoot.evidence}` : ""}`
      : own
        ? `the image's own user ${uid}:${gid}${report.user.name ? ` (${report.user.name})` : ""} ran the probe's hardened trials`
        : (p.evidence.find((e) => e.startsWith("runAsUser")) ?? `a trial as ${uid}:${gid} behaved like the baseline`);
  const add = p.containers[0]?.securityContext.capabilities?.add ?? [];
  const capabilityEvidence: Record<string, string> = {};
  for (const c of add) capabilityEvidence[c] = `${report.capabilities.evidence[c as Capability] ?? "the probe needed it"}${c === "NET_BIND_SERVICE" ? " (needed unless the cluster lowers net.ipv4.ip_unprivileged_port_start)" : ""}`;
  return {
    user: { uid, gid },
    userEvidence,
    capabilities: add,
    capabilityEvidence,
    mounts: report.mounts.map((m) => ({
      path: m.path,
      evidence:
        m.reason === "image-volume"
          ? "image VOLUME (the probe gave it an emptyDir)"
          : m.reason === "read-only-error"
            ? "a hardened trial failed writing there"
            : m.reason === "narrowed"
              ? `the probe's baseline run wrote there (not at ${m.narrowedFrom}: an emptyDir there would hide the image's files)`
              : "the probe's baseline run wrote there",
    })),
    unmountable: report.unmountable,
    pinnedImage,
  };
}

/**
 * The final trial: the container run exactly as the written manifest would run it (user,
 * capabilities, read-only root, emptyDir mounts, no-new-privileges), judged against a fresh
 * baseline with the manifest's current settings. Only this makes a proposal verified.
 */
export async function verifyPlaced(
  placed: PlacedProposal,
  probed: Map<string, ProbedContainer>,
  timeoutMs: number,
): Promise<{ verified: boolean; evidence: string[] }> {
  const w = placed.workload;
  const after = structuredClone(w.object) as Obj;
  applyChanges(after, placed.changes);
  const podSpec = valueAt(after, podSpecPath(w.kind)) as Obj;
  const evidence: string[] = [];
  let verified = true;
  for (const c of w.containers) {
    if (c.kind === "ephemeralContainer") continue;
    const p = probed.get(containerKey(w, c));
    if (!p?.report) {
      verified = false;
      evidence.push(p?.error ? `verification: '${c.name}' could not be probed: ${p.error}` : `verification: '${c.name}' has no paired Dockerfile, so nothing could be run`);
      continue;
    }
    const session = p.session;
    const list = podSpec[c.kind === "initContainer" ? "initContainers" : "containers"] as Obj[];
    const finalSpec = list[c.index]!;
    const spec = await workloadSpec(session, p.image.imageId, w, c, timeoutMs);
    const input = workloadInput(w, c);
    const baselineUser = input.runAsUser !== undefined ? `${input.runAsUser}${input.runAsGroup !== undefined ? `:${input.runAsGroup}` : ""}` : "";
    const baselineConfig: TrialConfig = { name: "verify-baseline", user: baselineUser, capabilities: { kind: "docker-default" }, readOnlyRootfs: false, scratchMounts: [], noNewPrivileges: false };
    const finalConfig = trialConfigOf(podSpec, finalSpec);
    let trial;
    try {
      const baseline = await runBaseline(session, spec, baselineConfig);
      trial = await runTrial(session, spec, finalConfig, baseline.fingerprint);
    } catch (err) {
      verified = false;
      evidence.push(`NOT verified: the final trial of '${c.name}' could not run: ${(err as Error).message}`);
      continue;
    }
    const summary = `user ${finalConfig.user || "(image)"}, capabilities [${finalConfig.capabilities.kind === "only" ? finalConfig.capabilities.add.join(", ") : "default"}], ${finalConfig.readOnlyRootfs ? "read-only root" : "writable root"}, emptyDirs [${finalConfig.scratchMounts.join(", ")}]${finalConfig.noNewPrivileges ? ", no-new-privileges" : ""}`;
    if (trial.outcome.matchesBaseline) evidence.push(`verified: '${c.name}' run as proposed (${summary}) behaved like the baseline`);
    else {
      verified = false;
      evidence.push(`NOT verified: '${c.name}' run as proposed (${summary}): ${trial.outcome.reason}`);
    }
  }
  return { verified, evidence };
}

/** The trial settings the kubelet would give this container of the (edited) pod spec. */
export function trialConfigOf(podSpec: Obj, container: Obj): TrialConfig {
  const pod = isObj(podSpec.securityContext) ? podSpec.securityContext : {};
  const own = isObj(container.securityContext) ? container.securityContext : {};
  const pick = (k: string) => (own[k] !== undefined && own[k] !== null ? own[k] : pod[k]);
  const uid = pick("runAsUser");
  const gid = pick("runAsGroup");
  const caps = isObj(own.capabilities) ? own.capabilities : {};
  const drop = Array.isArray(caps.drop) ? caps.drop.map((c) => String(c).toUpperCase()) : [];
  const add = (Array.isArray(caps.add) ? caps.add : []).map((c) => parseCapability(String(c))).filter((c): c is Capability => c !== undefined);
  const emptyDirs = new Set((Array.isArray(podSpec.volumes) ? podSpec.volumes : []).filter((v): v is Obj => isObj(v) && isObj(v.emptyDir)).map((v) => String(v.name)));
  const mounts = (Array.isArray(container.volumeMounts) ? container.volumeMounts : []).filter((m): m is Obj => isObj(m) && emptyDirs.has(String(m.name))).map((m) => String(m.mountPath));
  return {
    name: "verify-proposal",
    user: typeof uid === "number" ? `${uid}${typeof gid === "number" ? `:${gid}` : ""}` : "",
    capabilities: drop.includes("ALL") ? { kind: "only", add } : { kind: "only", add: [...new Set([...DOCKER_DEFAULT_CAPABILITIES.filter((c) => !drop.includes(c)), ...add])] },
    readOnlyRootfs: own.readOnlyRootFilesystem === true,
    scratchMounts: mounts,
    noNewPrivileges: own.allowPrivilegeEscalation === false,
  };
}

async function workloadSpec(session: EngineSession, imageId: string, w: Workload, c: Container, timeoutMs: number): Promise<WorkloadSpec> {
  const config = await readImageConfig(session, imageId);
  const input = workloadInput(w, c);
  const argv = [...(input.entrypoint ?? config.entrypoint), ...(input.cmd ?? (input.entrypoint ? [] : config.cmd))];
  const facts = config.volumes.length ? inspectImage(session, imageId, config, argv).then((f) => f.files) : Promise.resolve(new Map());
  return {
    imageId,
    entrypoint: input.entrypoint,
    cmd: input.cmd,
    env: input.env,
    workingDir: input.workingDir,
    declaredPorts: input.ports.length ? input.ports : config.exposedPorts,
    execProbes: input.execProbes,
    imageVolumes: config.volumes,
    imageFiles: facts,
    timeoutMs,
    privilegedPortsAllowed: false,
  };
}

/** What the probe runs for a manifest container: its command, args, literal env, ports, exec probes and user. */
export function workloadInput(w: Workload, c: Container): WorkloadInput {
  const spec = c.spec;
  const notes: string[] = [];
  const env: string[] = [];
  for (const e of Array.isArray(spec.env) ? spec.env : []) {
    if (!isObj(e) || typeof e.name !== "string") continue;
    if (e.value !== undefined) env.push(`${e.name}=${String(e.value)}`);
    else {
      env.push(`${e.name}=`);
      notes.push(`env ${e.name} comes from a reference (valueFrom); the trials used an empty value`);
    }
  }
  const num = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? v : undefined);
  const strings = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined);
  const execProbes: ExecProbe[] = [];
  for (const [key, kind] of [["startupProbe", "startup"], ["readinessProbe", "readiness"], ["livenessProbe", "liveness"]] as const) {
    const p = spec[key];
    const command = isObj(p) && isObj(p.exec) ? strings(p.exec.command) : undefined;
    if (command?.length) execProbes.push({ kind, command });
  }
  const sc = c.securityContext;
  return {
    containerName: c.name,
    workload: { file: w.file.path, kind: w.kind, name: w.name, namespace: w.namespace },
    entrypoint: strings(spec.command),
    cmd: strings(spec.args) ?? (spec.command !== undefined ? [] : undefined),
    env,
    workingDir: typeof spec.workingDir === "string" ? spec.workingDir : undefined,
    ports: (Array.isArray(spec.ports) ? spec.ports : [])
      .map((p) => (isObj(p) && (p.protocol === undefined || p.protocol === "TCP") ? num(p.containerPort) : undefined))
      .filter((p): p is number => p !== undefined),
    execProbes,
    httpGets: httpGetTargets(spec),
    runAsUser: num(sc.runAsUser?.value),
    runAsGroup: num(sc.runAsGroup?.value),
    capabilitiesAdd: (sc.capabilities?.add?.value ?? []).map((x) => parseCapability(x)).filter((x): x is Capability => x !== undefined),
    notes,
  };
}

/** A registry digest for the container's image reference, when the engine has that image with one. */
export async function pinnedImage(session: EngineSession, ref: string): Promise<string | undefined> {
  if (ref.includes("@")) return undefined;
  const info = await session.docker
    .getImage(ref)
    .inspect()
    .catch(() => undefined);
  const digest = info?.RepoDigests?.[0];
  if (!digest) return undefined;
  return `${ref}@${digest.slice(digest.indexOf("@") + 1)}`;
}
