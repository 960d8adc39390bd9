import type { Dockerfile } from "../dockerfile/model.js";
import type { Container, Workload } from "../manifest/workload.js";
import type { Pair } from "../pairing/pair.js";
import type { KubeVersion } from "../kube/version.js";
import { locate, type Pos } from "../source/source-file.js";
import type { Analyzer, ContainerImageFacts, Report } from "./define.js";
import { knownImage, type KnownImage } from "../known-images/lookup.js";
import type { Finding, Severity, WorkloadRef } from "./finding.js";
import type { RuleSetting } from "../config/config.js";

export interface AnalysisInput {
  workloads: Workload[];
  dockerfiles: Dockerfile[];
  pairs: Pair[];
  kube: KubeVersion;
}

export interface AnalysisResult {
  findings: Finding[];
  /** findings dropped by an inline suppression */
  suppressed: number;
  /** their identities, so results of batches merge without counting one twice (see findingKey) */
  suppressedKeys: string[];
}

/** One finding per rule, place, container and message. */
export function findingKey(f: Finding): string {
  return `${f.ruleId}\0${f.file}\0${f.line}\0${f.column}\0${f.container}\0${f.message}`;
}

/** The file of a findingKey. */
export function keyFile(key: string): string {
  const start = key.indexOf("\0") + 1;
  return key.slice(start, key.indexOf("\0", start));
}

export function workloadRef(w: Workload): WorkloadRef {
  return { kind: w.kind, name: w.name, namespace: w.namespace };
}

/**
 * Run every enabled analyzer over the scopes it declares. Configuration (enable,
 * severity) and inline suppressions are applied here, once: analyzers never see them.
 */
export function analyze(input: AnalysisInput, analyzers: readonly Analyzer[], rules: Map<string, RuleSetting>): AnalysisResult {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const suppressedKeys: string[] = [];
  const enabled = analyzers.filter((a) => rules.get(a.id)?.enabled !== false);
  const byScope = <S extends Analyzer["scope"]>(s: S) => enabled.filter((a): a is Extract<Analyzer, { scope: S }> => a.scope === s);

  const emit = (
    analyzer: Analyzer,
    r: Report,
    fallback: Pos,
    ctx: { workload?: Workload; container?: Container; dockerfile?: Dockerfile },
  ) => {
    const at = r.at ?? fallback;
    // rendered output reports the file and line that set the value (src/render/)
    const { file, line, column } = locate(at);
    const severity: Severity = rules.get(analyzer.id)?.severity ?? r.severity ?? analyzer.severity;
    const finding: Finding = {
      ruleId: analyzer.id,
      severity,
      message: r.message,
      file,
      line,
      column,
      workload: ctx.workload ? workloadRef(ctx.workload) : null,
      container: ctx.container?.name ?? null,
      dockerfile: ctx.dockerfile?.file.path ?? null,
    };
    if (r.why) finding.why = r.why;
    if (r.fix) finding.fix = r.fix;
    if (r.related?.length) {
      finding.related = r.related.map((rel) => ({ ...locate(rel.at), message: rel.message }));
    }
    // one finding per rule, place and container: a pod-level field shared by containers is still reported per container
    const key = findingKey(finding);
    if (seen.has(key)) return;
    seen.add(key);
    // counted once, like the finding it hides
    if (isSuppressed(finding, ctx)) {
      suppressedKeys.push(key);
      return;
    }
    findings.push(finding);
  };

  const dockerfileAnalyzers = byScope("dockerfile");
  for (const dockerfile of input.dockerfiles) {
    const fallback: Pos = dockerfile.final?.node ?? { file: dockerfile.file, offset: 0 };
    for (const a of dockerfileAnalyzers) {
      a.check({ dockerfile, kube: input.kube, report: (r) => emit(a, r, fallback, { dockerfile }) });
    }
  }
  // Workload and container checks run ~30 times per container: each analyzer gets one
  // reporter that reads the scope being checked, instead of a new closure per check.
  let at: Pos;
  let where: { workload: Workload; container?: Container };
  const withReporter = <A extends Analyzer>(a: A) => ({ a, report: (r: Report) => emit(a, r, at, where) });
  const workloadChecks = byScope("workload").map(withReporter);
  const containerChecks = byScope("container").map(withReporter);
  const images = containerImages(input.pairs);
  for (const workload of input.workloads) {
    at = workload.node;
    where = { workload };
    for (const { a, report } of workloadChecks) a.check({ workload, kube: input.kube, report });
    for (const container of workload.containers) {
      at = container.node;
      where = { workload, container };
      const image = images(container);
      for (const { a, report } of containerChecks) a.check({ workload, container, kube: input.kube, report, image });
    }
  }
  const pairAnalyzers = byScope("pair");
  for (const pair of input.pairs) {
    for (const { workload, container } of pair.targets) {
      for (const a of pairAnalyzers) {
        a.check({
          pair,
          dockerfile: pair.dockerfile,
          workload,
          container,
          kube: input.kube,
          report: (r) => emit(a, r, container.node, { workload, container, dockerfile: pair.dockerfile }),
        });
      }
    }
  }
  return { findings, suppressed: suppressedKeys.length, suppressedKeys };
}

/**
 * What each container's image is: its paired Dockerfile, else the known-images entry for the
 * reference it names (looked up once per distinct reference).
 */
function containerImages(pairs: readonly Pair[]): (c: Container) => ContainerImageFacts {
  const paired = new Map<Container, Dockerfile>();
  const deployedAs = new Map<Container, NonNullable<ContainerImageFacts["deployedAs"]>>();
  for (const pair of pairs) {
    // skaffold and Tilt tag each build themselves and write that tag into what they deploy
    const tool = pair.builds?.find((b) => (b.evidence.kind === "skaffold" || b.evidence.kind === "tilt") && b.tags === undefined);
    for (const t of pair.targets) {
      if (!paired.has(t.container)) paired.set(t.container, pair.dockerfile);
      if (tool) deployedAs.set(t.container, { by: `${tool.evidence.kind} (${tool.evidence.file}:${tool.evidence.line})` });
      else if (!deployedAs.has(t.container) && t.deployed?.length && t.deployed.every((d) => d.rewrites.some((r) => r.kind === "kustomize"))) {
        const by = (d: (typeof t.deployed)[number]) => {
          const r = [...d.rewrites].reverse().find((x) => x.kind === "kustomize")!;
          return `kustomize images: (${r.file}:${r.line})`;
        };
        deployedAs.set(t.container, { by: by(t.deployed[0]!), refs: t.deployed.map((d) => ({ ref: d.ref, by: by(d) })) });
      }
    }
  }
  const known = new Map<string, KnownImage | undefined>();
  return (c) => {
    const dockerfile = paired.get(c);
    const as = deployedAs.get(c);
    if (dockerfile) return as ? { dockerfile, deployedAs: as } : { dockerfile };
    const ref = c.image?.value;
    if (!ref) return {};
    if (!known.has(ref)) known.set(ref, knownImage(ref));
    const k = known.get(ref);
    return k ? { known: k } : {};
  };
}

function isSuppressed(f: Finding, ctx: { workload?: Workload; dockerfile?: Dockerfile }): boolean {
  const ids = ctx.workload?.ignoredRules;
  if (ids && (ids.includes(f.ruleId) || ids.includes("all"))) return true;
  if (ctx.dockerfile && f.file === ctx.dockerfile.file.path) {
    const dIds = ctx.dockerfile.suppressions.get(f.line);
    if (dIds && (dIds.includes(f.ruleId) || dIds.includes("all"))) return true;
  }
  return false;
}
