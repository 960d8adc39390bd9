import type { Finding, Severity } from "../analyze/finding.js";
import type { PairJson } from "../report/json.js";
import { parseItems, prettyItems, prettyItemsAt, type ReportChunk, type ReportList } from "../report/report-list.js";
import type { ReportSpill, SpillRef } from "./report-spill.js";

/**
 * A batch's findings on its manifest-only files, as the batch renders them: one text,
 * prettyItems of each file's findings joined by ",", and per file its name, the UTF-8
 * byte offset where its text ends (the report copies runs as bytes) and how many findings
 * of each severity it has (plain arrays: they cross threads).
 */
export interface RenderedRuns {
  text: string;
  files: string[];
  ends: number[];
  /** errors, warnings, notes of each file in turn */
  counts: number[];
}

const SEVERITY_INDEX: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

/** Where a depth-2 item of prettyItems' text ends: its closing brace is the only one at that indentation. */
const ITEM_END = "\n    }";

/** Sorted findings as RenderedRuns: rendered in one go, each file's run found by counting items. */
export function renderRuns(sorted: readonly Finding[]): RenderedRuns {
  const out: RenderedRuns = { text: prettyItems(sorted), files: [], ends: [], counts: [] };
  let end = 0;
  let bytes = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i + 1;
    while (j < sorted.length && sorted[j]!.file === sorted[i]!.file) j++;
    const at = out.counts.length;
    out.counts.push(0, 0, 0);
    const start = end;
    for (let k = i; k < j; k++) {
      out.counts[at + SEVERITY_INDEX[sorted[k]!.severity]]!++;
      end = out.text.indexOf(ITEM_END, end) + ITEM_END.length;
    }
    // a run and the comma after it
    bytes += Buffer.byteLength(out.text.slice(start, end)) + (i === 0 ? 0 : 1);
    out.files.push(sorted[i]!.file);
    out.ends.push(bytes);
    end++;
    i = j;
  }
  return out;
}

/**
 * RenderedRuns once spilled: the text's place in the spill, and a few numbers per file
 * (plain arrays of small integers: a large scan keeps one entry per manifest file with
 * findings, and a typed array's own overhead is larger than a batch's numbers).
 */
export class FindingSegment {
  readonly files: readonly string[];
  private readonly ends: readonly number[];
  /** errors, warnings, notes of each file in turn */
  readonly counts: readonly number[];
  /** runs read back and merged with the findings kept in memory (their file turned out to be shared) */
  private moved: Set<number> | undefined;

  constructor(
    readonly ref: SpillRef,
    runs: RenderedRuns,
    /** the index of the batch's part among the merged ones */
    readonly part: number,
  ) {
    this.files = runs.files;
    this.ends = runs.ends;
    this.counts = runs.counts;
  }

  get length(): number {
    return this.files.length;
  }

  /** The i-th file's findings in the segment's bytes (a run starts past the comma after the one before). */
  run(bytes: Buffer, i: number): Buffer {
    return bytes.subarray(i === 0 ? 0 : this.ends[i - 1]! + 1, this.ends[i]!);
  }

  isMoved(i: number): boolean {
    return this.moved?.has(i) ?? false;
  }

  move(i: number): void {
    (this.moved ??= new Set()).add(i);
  }

  allMoved(): boolean {
    return this.moved?.size === this.files.length;
  }

  anyMoved(): boolean {
    return (this.moved?.size ?? 0) > 0;
  }
}

/** A list spilled as prettyItems texts, one per batch, in order. */
export class SpilledList<T> implements ReportList<T> {
  constructor(
    private readonly spill: ReportSpill,
    private readonly refs: readonly SpillRef[],
    readonly count: number,
  ) {}

  *items(): Iterable<T> {
    for (const ref of this.refs) yield* parseItems<T>(this.spill.read(ref));
  }

  *jsonItems(): Iterable<ReportChunk> {
    for (let i = 0; i < this.refs.length; i++) {
      if (i > 0) yield ",";
      yield this.spill.readBytes(this.refs[i]!);
    }
  }
}

/**
 * The findings of a batched scan in report order: the spilled runs (one file's findings
 * each, already sorted) with the findings kept in memory (`extras`, sorted, never in a
 * spilled run's file) placed between them by file.
 */
export class SpilledFindings implements ReportList<Finding> {
  constructor(
    private readonly spill: ReportSpill,
    private readonly segments: readonly FindingSegment[],
    private readonly extras: readonly Finding[],
    readonly count: number,
  ) {}

  *items(): Iterable<Finding> {
    for (const piece of this.pieces()) {
      if (typeof piece === "string") yield* parseItems<Finding>(piece);
      else yield* piece;
    }
  }

  *jsonItems(): Iterable<ReportChunk> {
    const extras = this.extras;
    let e = 0;
    let first = true;
    const sep = () => {
      const s = first ? "" : ",";
      first = false;
      return s;
    };
    const extrasBefore = function* (file: string | undefined): Generator<string> {
      const from = e;
      while (e < extras.length && (file === undefined || extras[e]!.file < file)) e++;
      // a few dozen at a time, as jsonItemChunks does (it adds the commas between its own pieces)
      for (let k = from; k < e; k += 64) yield sep() + prettyItems(extras.slice(k, Math.min(e, k + 64)));
    };
    for (const seg of this.segments) {
      if (seg.allMoved()) continue;
      yield* extrasBefore(seg.files[0]!);
      const last = seg.files[seg.length - 1]!;
      if (!seg.anyMoved() && (e === extras.length || extras[e]!.file > last)) {
        // the common case: the batch's text as it was spilled, copied as bytes
        yield sep();
        yield this.spill.readBytes(seg.ref);
        continue;
      }
      const bytes = this.spill.readBytes(seg.ref);
      for (let i = 0; i < seg.length; i++) {
        if (seg.isMoved(i)) continue;
        yield* extrasBefore(seg.files[i]!);
        yield sep();
        yield seg.run(bytes, i);
      }
    }
    yield* extrasBefore(undefined);
  }

  /** In order: runs of spilled text, and the extras that come before each. */
  private *pieces(): Generator<string | readonly Finding[]> {
    const extras = this.extras;
    let e = 0;
    for (const seg of this.segments) {
      if (seg.allMoved()) continue;
      const bytes = this.spill.readBytes(seg.ref);
      for (let i = 0; i < seg.length; i++) {
        if (seg.isMoved(i)) continue;
        const file = seg.files[i]!;
        const from = e;
        while (e < extras.length && extras[e]!.file < file) e++;
        if (e > from) yield extras.slice(from, e);
        yield seg.run(bytes, i).toString("utf8");
      }
    }
    if (e < extras.length) yield extras.slice(e);
  }
}

/** A pair, its workloads left in the spill: one text of them per batch that had some. */
export interface SpilledPair {
  /** with `workloads: []`, which keeps the key's place */
  pair: PairJson;
  workloads: SpillRef[];
}

/**
 * The pairs of a batched scan, sorted. A pair lists every workload container it deploys,
 * so its workloads stay in the spill (rendered at the depth the JSON report prints them)
 * and only the pair itself is in memory.
 */
export class SpilledPairs implements ReportList<PairJson> {
  constructor(
    private readonly spill: ReportSpill,
    private readonly pairs: readonly SpilledPair[],
  ) {}

  get count(): number {
    return this.pairs.length;
  }

  *items(): Iterable<PairJson> {
    for (const { pair, workloads } of this.pairs) {
      yield { ...pair, workloads: workloads.flatMap((ref) => parseItems<PairJson["workloads"][number]>(this.spill.read(ref))) };
    }
  }

  *jsonItems(): Iterable<string> {
    for (let i = 0; i < this.pairs.length; i++) {
      const { pair, workloads } = this.pairs[i]!;
      // the pair as prettyItems prints it, with its workloads spliced in where `[]` stands
      const text = prettyItems([pair]);
      const empty = '\n      "workloads": []';
      const at = text.indexOf(empty);
      const spliced = at === -1 || workloads.length === 0 ? text : `${text.slice(0, at)}\n      "workloads": [${workloads.map((ref) => this.spill.read(ref)).join(",")}\n      ]${text.slice(at + empty.length)}`;
      yield i === 0 ? spliced : `,${spliced}`;
    }
  }
}

/** A pair's workloads as SpilledPairs prints them: items at depth 4 of the report, joined by ",". */
export function pairWorkloadsText(workloads: PairJson["workloads"]): string {
  return prettyItemsAt(workloads, 4);
}
