import type { Analyzer } from "../analyze/define.js";
import { analyze, findingKey, keyFile } from "../analyze/engine.js";
import type { Finding } from "../analyze/finding.js";
import { compareEvidence, type UnpairedContainer } from "../pairing/pair-images.js";
import { pairJson, unitJson, workloadJson, type PairJson, type ScanReport, type WorkloadJson } from "../report/json.js";
import { parseItems, prettyItems } from "../report/report-list.js";
import { summarize } from "../report/summary.js";
import { formatKubeVersion } from "../kube/version.js";
import { TOOL } from "../tool.js";
import type { DiscoveredFile } from "../workspace/discover.js";
import { applyRuleSettings, isManifestOnly, type ScanContext } from "./context.js";
import { checkManifests, readManifests, templateNotes } from "./manifest-batch.js";
import { sortFindings } from "./pipeline.js";
import { ReportSpill, type SpillRef } from "./report-spill.js";
import { FindingSegment, pairWorkloadsText, renderRuns, SpilledFindings, SpilledList, SpilledPairs, type RenderedRuns, type SpilledPair } from "./spilled-lists.js";

/**
 * The report on one batch of manifest files. Only this crosses a thread boundary, and the
 * batch's YAML trees and models are garbage as soon as it is made. Its long lists come
 * rendered as the JSON report prints them, so the main thread only appends them to the
 * spill: a large scan keeps in memory only what it must merge (see BatchMerger).
 */
export interface BatchReport {
  /**
   * Findings on the batch's manifest-only files, sorted, as prettyItems text, one run of
   * text per file. No other part of the scan makes or suppresses findings there (a batch
   * reports on its own workloads' files, on Dockerfiles and on build configs), so these
   * need no merging.
   */
  own: RenderedRuns;
  /** findings on the batch's other files (a kustomization.yaml is also a build config): merged with every part's */
  findings: Finding[];
  /** findings elsewhere (a kustomization or Dockerfile line workloads share), deduplicated when merged */
  shared: Finding[];
  suppressedKeys: string[];
  /** files outside the batch where it suppressed a finding */
  suppressedElsewhere: string[];
  workloads: { text: string; count: number };
  /** each pair with `workloads: []`, and its workloads in this batch as the report prints them */
  pairs: Array<{ pair: PairJson; workloads: string }>;
  unpairedContainers: { text: string; count: number };
  templates: string[];
  filesRead: number;
}

export function batchReport(ctx: ScanContext, entries: readonly DiscoveredFile[], analyzers: readonly Analyzer[]): BatchReport {
  const read = readManifests(ctx, entries);
  const checked = checkManifests(ctx, read.manifests, analyzers, false);
  const mine = new Set(entries.map((e) => e.rel));
  const simple = new Set(entries.filter(isManifestOnly).map((e) => e.rel));
  const own: Finding[] = [];
  const findings: Finding[] = [];
  const shared: Finding[] = [];
  for (const f of [...applyRuleSettings(read.inputFindings, ctx.prepared.config), ...checked.findings]) {
    (simple.has(f.file) ? own : mine.has(f.file) ? findings : shared).push(f);
  }
  sortFindings(own);
  const workloads: WorkloadJson[] = checked.workloads.map(workloadJson);
  const unpaired: UnpairedContainer[] = checked.pairing.unpairedContainers;
  // what stays in memory until the merge is copied out of the batch's strings: a name
  // sliced from a file's text would keep the whole text alive
  const kept = JSON.parse(JSON.stringify({ findings, shared })) as Pick<BatchReport, "findings" | "shared">;
  const pairs = checked.pairing.pairs.map((p) => {
    const pair = JSON.parse(JSON.stringify(pairJson(p))) as PairJson;
    // spread, then replaced: the key keeps its place in the printed pair
    return { pair: { ...pair, workloads: [] }, workloads: pairWorkloadsText(pair.workloads) };
  });
  return {
    own: renderRuns(own),
    ...kept,
    pairs,
    suppressedKeys: checked.suppressedKeys,
    suppressedElsewhere: checked.suppressedKeys.map(keyFile).filter((f) => !mine.has(f)),
    workloads: { text: prettyItems(workloads), count: workloads.length },
    unpairedContainers: { text: prettyItems(unpaired), count: unpaired.length },
    templates: read.templates,
    filesRead: read.filesRead,
  };
}

type Part = Pick<BatchReport, "findings" | "shared" | "suppressedKeys" | "suppressedElsewhere">;

/** What the scan reports on the context itself: the Dockerfiles and unreadable files. */
export function contextReport(ctx: ScanContext, analyzers: readonly Analyzer[]): Part {
  const { findings, suppressedKeys } = analyze(
    { workloads: [], dockerfiles: ctx.dockerfiles, pairs: [], kube: ctx.prepared.kube },
    analyzers.filter((a) => a.scope === "dockerfile"),
    ctx.prepared.config.rules,
  );
  return { findings: [], shared: [...applyRuleSettings(ctx.inputFindings, ctx.prepared.config), ...findings], suppressedKeys, suppressedElsewhere: suppressedKeys.map(keyFile) };
}

const RANK = { low: 0, medium: 1, high: 2 } as const;

const NOTHING_TO_MERGE: Part = Object.freeze({ findings: [], shared: [], suppressedKeys: [], suppressedElsewhere: [] });

/**
 * Merges the batches, taken in file order, into the report one pass over every file gives:
 * the same finding or suppression from two batches (a pair finding on a shared Dockerfile
 * line) counts once, a pair's workloads and evidence are joined, Helm notes grouped.
 * The rendered lists go to the spill as they come; what stays in memory is each batch's
 * findings outside its manifest-only files (few: Dockerfiles, build configs), its pairs,
 * and a few numbers per file.
 */
export class BatchMerger {
  private readonly parts: Part[] = [];
  private readonly segments: FindingSegment[] = [];
  private readonly workloads: SpillRef[] = [];
  private workloadCount = 0;
  private readonly unpaired: SpillRef[] = [];
  private unpairedCount = 0;
  private readonly pairs = new Map<string, SpilledPair>();
  private readonly templates: string[] = [];
  private filesRead = 0;

  constructor(
    private readonly ctx: ScanContext,
    private readonly spill: ReportSpill,
  ) {}

  /** The next batch, in file order. */
  add(b: BatchReport): void {
    const part = { findings: b.findings, shared: b.shared, suppressedKeys: b.suppressedKeys, suppressedElsewhere: b.suppressedElsewhere };
    // most batches have nothing to merge: one shared empty part instead of four arrays each
    this.parts.push(Object.values(part).some((list) => list.length) ? part : NOTHING_TO_MERGE);
    if (b.own.files.length) this.segments.push(new FindingSegment(this.spill.append(b.own.text), b.own, this.parts.length - 1));
    if (b.workloads.count) this.workloads.push(this.spill.append(b.workloads.text));
    this.workloadCount += b.workloads.count;
    if (b.unpairedContainers.count) this.unpaired.push(this.spill.append(b.unpairedContainers.text));
    this.unpairedCount += b.unpairedContainers.count;
    for (const p of b.pairs) this.addPair(p);
    this.templates.push(...b.templates);
    this.filesRead += b.filesRead;
  }

  private addPair({ pair: p, workloads }: BatchReport["pairs"][number]): void {
    const key = `${p.dockerfile}\0${p.stage}\0${p.image}`;
    const ref = this.spill.append(workloads);
    const spilled = this.pairs.get(key);
    if (!spilled) {
      this.pairs.set(key, { pair: { ...p, evidence: [...p.evidence] }, workloads: [ref] });
      return;
    }
    spilled.workloads.push(ref);
    const seenPair = spilled.pair;
    const known = new Set(seenPair.evidence.map((e) => `${e.kind}\0${e.file}\0${e.line}\0${e.detail}`));
    for (const e of p.evidence) if (!known.has(`${e.kind}\0${e.file}\0${e.line}\0${e.detail}`)) seenPair.evidence.push(e);
    seenPair.evidence.sort(compareEvidence);
    if (RANK[p.confidence] > RANK[seenPair.confidence]) seenPair.confidence = p.confidence;
  }

  /** The report, once every batch is in; `own` is the context's part (contextReport). */
  finish(own: Part): ScanReport {
    const { ctx } = this;
    const parts = [own, ...this.parts];
    // only a finding in a file some part does not own can come twice: key those alone
    const sharedFiles = new Set(parts.flatMap((p) => [...p.shared.map((f) => f.file), ...p.suppressedElsewhere]));
    // a spilled file that turns out to be shared after all is merged like the rest
    for (const seg of this.segments) {
      const taken = this.takeRuns(seg, (file) => sharedFiles.has(file));
      const part = parts[seg.part + 1]!;
      if (taken.length) parts[seg.part + 1] = { ...part, findings: [...part.findings, ...taken] };
    }
    const seen = new Set<string>();
    const suppressed = new Set<string>();
    let suppressedOnce = 0;
    const extras: Finding[] = [];
    const add = (f: Finding) => {
      const key = findingKey(f);
      if (seen.has(key) || suppressed.has(key)) return;
      seen.add(key);
      extras.push(f);
    };
    for (const part of parts) {
      for (const k of part.suppressedKeys) {
        if (!sharedFiles.has(keyFile(k))) suppressedOnce++;
        else if (!seen.has(k)) suppressed.add(k);
      }
      for (const f of part.findings) {
        if (sharedFiles.has(f.file)) add(f);
        else extras.push(f);
      }
      part.shared.forEach(add);
    }
    const notes = applyRuleSettings(templateNotes(this.templates, ctx.chartRoots), ctx.prepared.config);
    extras.push(...notes);
    // findings are interleaved with the spilled ones a file at a time: no file may be in both
    const extraFiles = new Set(notes.map((n) => n.file));
    for (const seg of this.segments) extras.push(...this.takeRuns(seg, (file) => extraFiles.has(file)));
    sortFindings(extras);

    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const pairs = [...this.pairs.values()].sort(({ pair: a }, { pair: b }) => cmp(a.dockerfile, b.dockerfile) || cmp(a.stage ?? "", b.stage ?? "") || cmp(a.image, b.image));
    const paired = new Set(pairs.map((p) => p.pair.dockerfile));
    const summary = summarize(extras, ctx.sources.size + this.filesRead, suppressed.size + suppressedOnce);
    for (const seg of this.segments) {
      for (let i = 0; i < seg.length; i++) {
        if (seg.isMoved(i)) continue;
        summary.errors += seg.counts[3 * i]!;
        summary.warnings += seg.counts[3 * i + 1]!;
        summary.notes += seg.counts[3 * i + 2]!;
      }
    }
    const findings = new SpilledFindings(this.spill, this.segments, extras, summary.errors + summary.warnings + summary.notes);
    return {
      tool: TOOL,
      kubeVersion: formatKubeVersion(ctx.prepared.kube),
      findings,
      workloads: new SpilledList<WorkloadJson>(this.spill, this.workloads, this.workloadCount),
      pairs: new SpilledPairs(this.spill, pairs),
      unpairedDockerfiles: ctx.dockerfiles.map((d) => d.file.path).filter((p) => !paired.has(p)).sort(),
      unpairedContainers: new SpilledList<UnpairedContainer>(this.spill, this.unpaired, this.unpairedCount),
      units: ctx.prepared.units.map(unitJson),
      summary,
    };
  }

  /** Read the runs of a segment whose file is `wanted` back as findings, and leave them out of the spilled list. */
  private takeRuns(seg: FindingSegment, wanted: (file: string) => boolean): Finding[] {
    const taken: Finding[] = [];
    let bytes: Buffer | undefined;
    for (let i = 0; i < seg.length; i++) {
      if (seg.isMoved(i) || !wanted(seg.files[i]!)) continue;
      bytes ??= this.spill.readBytes(seg.ref);
      seg.move(i);
      taken.push(...parseItems<Finding>(seg.run(bytes, i).toString("utf8")));
    }
    return taken;
  }
}
