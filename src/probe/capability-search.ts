import { type Capability } from "./capabilities.js";
import type { CapabilityHint } from "./signatures.js";

/** The result of one hardened trial granting exactly `granted`. */
export interface CapabilityTest {
  granted: Capability[];
  ok: boolean;
  /** Why it failed, for evidence. */
  reason: string;
  hints: CapabilityHint[];
}

export type SearchMethod = "none-needed" | "evidence" | "group-testing" | "unresolved";

export interface CapabilitySearchResult {
  /** Only capabilities a failing trial showed are needed; empty when unresolved. */
  needed: Capability[];
  /** For each needed capability, the failing trial that lacked it. */
  evidence: Map<Capability, CapabilityTest>;
  method: SearchMethod;
  /** Failures that passed when re-run: timing-dependent behaviour worth a note. */
  flaky: Capability[][];
  /** Unresolved: the sets tried, in order, and the last failure (its real reason). */
  tried?: Capability[][];
  lastFailure?: CapabilityTest;
}

export interface SearchOptions {
  /** Capabilities earlier failures already pointed to (before a re-plan): the first guess. */
  seed?: readonly Capability[];
  /** Results already known (failures carried over a re-plan), by the granted set. */
  known?: ReadonlyMap<string, CapabilityTest>;
}

/** The memo key of a granted set. */
export function capabilityKey(caps: readonly Capability[]): string {
  return [...caps].sort().join(",");
}

/**
 * Find an irreducible capability set S ⊆ candidates under which the workload still behaves
 * like the baseline. `ok` is monotone in S (a capability only ever adds permission), so:
 * 1. try nothing; most workloads stop here;
 * 2. grow a guess from the failures' own error lines ("chown: Operation not permitted"
 *    → CHOWN) until it passes, then drop what it does not need — trials ∝ k;
 * 3. when the logs say nothing useful, adaptive group testing (binary splitting) from the
 *    full candidate set — trials ∝ k·log(n/k).
 * A failure that decides "needed" is re-run once first, unless its error lines name the
 * withheld capability. Independent trials run at once;
 * the caller's `test` bounds concurrency.
 */
export async function findMinimalCapabilities(
  candidates: readonly Capability[],
  test: (granted: Capability[]) => Promise<CapabilityTest>,
  options: SearchOptions = {},
): Promise<CapabilitySearchResult> {
  const memo = new Map<string, Promise<CapabilityTest>>();
  const flaky: Capability[][] = [];
  const tried: Capability[][] = [];
  let lastFailure: CapabilityTest | undefined;
  const order = (caps: Iterable<Capability>) => candidates.filter((c) => [...caps].includes(c));
  const key = (caps: Capability[]) => capabilityKey(order(caps));
  const record = (caps: Capability[], p: Promise<CapabilityTest>) => {
    tried.push(caps);
    const result = p.then((r) => {
      if (!r.ok) lastFailure = r;
      return r;
    });
    // a test may throw to abandon the search (a re-plan); trials still in flight then reject unobserved
    result.catch(() => undefined);
    return result;
  };
  const run = (caps: Capability[]): Promise<CapabilityTest> => {
    const k = key(caps);
    const carried = options.known?.get(k);
    if (!memo.has(k)) memo.set(k, carried ? Promise.resolve(carried) : record(order(caps), test(order(caps))));
    return memo.get(k)!;
  };
  const unresolved = (): CapabilitySearchResult => ({ needed: [], evidence: new Map(), method: "unresolved", flaky, tried, ...(lastFailure ? { lastFailure } : {}) });
  /**
   * A failure we are about to rely on to call `missing` needed: re-run once, unless its own
   * new error lines already point at `missing` (a flake does not print "chown: Operation not
   * permitted" for exactly the capability that was withheld). If the re-run passes, it was no failure.
   */
  const confirmed = async (caps: Capability[], missing?: Capability): Promise<CapabilityTest> => {
    const first = await run(caps);
    if (first.ok) return first;
    if (missing && first.hints.some((h) => h.alternatives.includes(missing))) return first;
    const k = `${key(caps)}#rerun`;
    if (!memo.has(k)) memo.set(k, record(order(caps), test(order(caps))));
    const again = await memo.get(k)!;
    if (again.ok) {
      flaky.push(order(caps));
      memo.set(key(caps), Promise.resolve(again));
      return again;
    }
    return first;
  };

  const none = await run([]);
  if (none.ok) return { needed: [], evidence: new Map(), method: "none-needed", flaky };

  // Evidence-first: each failure names what it lacked (and what earlier rounds already named).
  let guess: Capability[] = order(options.seed ?? []);
  let last = none;
  let passed = false;
  if (guess.length) {
    last = await run(guess);
    passed = last.ok;
  }
  for (let i = 0; i < candidates.length && !passed; i++) {
    const grown = extendFromHints(guess, last.hints, candidates);
    if (grown.length === guess.length) break;
    guess = grown;
    last = await run(guess);
    if (last.ok) {
      passed = true;
      break;
    }
  }
  if (passed) {
    const result = await shrink(guess, run, confirmed, order);
    if (result) return { ...result, method: "evidence", flaky };
  }

  // Blind: confirm the full set works, then binary splitting.
  const full = await run([...candidates]);
  if (!full.ok) return unresolved();
  const needed = await minimize([], [...candidates], run, confirmed);
  const evidence = new Map<Capability, CapabilityTest>();
  for (const c of needed) evidence.set(c, await run(needed.filter((x) => x !== c)));
  return { needed: order(needed), evidence, method: "group-testing", flaky };
}

function extendFromHints(guess: Capability[], hints: CapabilityHint[], candidates: readonly Capability[]): Capability[] {
  const next = [...guess];
  for (const hint of hints) {
    const usable = hint.alternatives.filter((c) => candidates.includes(c));
    if (usable.length === 0) continue;
    // Same error again although its first alternative is granted: try the next substitute.
    const missing = usable.find((c) => !next.includes(c));
    if (missing && (usable[0] === missing || usable.some((c) => next.includes(c)))) {
      if (!next.includes(missing)) next.push(missing);
    }
  }
  return next;
}

type Runner = (caps: Capability[]) => Promise<CapabilityTest>;
type Confirmer = (caps: Capability[], missing?: Capability) => Promise<CapabilityTest>;

/** Reduce a passing guess to an irreducible set; undefined if the guess turns out not to pass. */
async function shrink(
  guess: Capability[],
  run: Runner,
  confirmed: Confirmer,
  order: (caps: Iterable<Capability>) => Capability[],
): Promise<Omit<CapabilitySearchResult, "method" | "flaky"> | undefined> {
  const evidence = new Map<Capability, CapabilityTest>();
  if (guess.length === 1) {
    const without = await confirmed([], guess[0]);
    if (without.ok) return { needed: [], evidence };
    evidence.set(guess[0]!, without);
    return { needed: guess, evidence };
  }
  // Single removals in parallel. Never intersect them blindly: substitutes (DAC_OVERRIDE /
  // DAC_READ_SEARCH) each look removable alone. Failures are confirmed before they count.
  const singles = await Promise.all(guess.map((c) => confirmed(guess.filter((x) => x !== c), c)));
  const removable = order(guess.filter((_, i) => singles[i]!.ok));
  let kept = guess.filter((c) => !removable.includes(c));
  if (removable.length >= 2) {
    // Try dropping all of them; if that fails, drop one at a time (always sound).
    if (!(await run(kept)).ok) {
      let current = [...guess];
      for (const c of removable) {
        const without = current.filter((x) => x !== c);
        const r = await confirmed(without, c);
        if (r.ok) current = without;
        else evidence.set(c, r);
      }
      kept = current;
    }
  } else if (removable.length === 1 && !(await run(kept)).ok) {
    return undefined;
  }
  for (const c of kept) {
    if (evidence.has(c)) continue;
    const i = guess.indexOf(c);
    evidence.set(c, singles[i]!);
  }
  return { needed: order(kept), evidence };
}

/** Binary splitting. Precondition: ok(required ∪ pool). Returns an irreducible subset of pool. */
async function minimize(required: Capability[], pool: Capability[], run: Runner, confirmed: Confirmer): Promise<Capability[]> {
  if (pool.length === 0) return [];
  if ((await run(required)).ok) return [];
  if (pool.length === 1) {
    return (await confirmed(required, pool[0])).ok ? [] : pool;
  }
  const half = Math.ceil(pool.length / 2);
  const first = pool.slice(0, half);
  const second = pool.slice(half);
  const fromFirst = await minimize([...required, ...second], first, run, confirmed);
  const fromSecond = await minimize([...required, ...fromFirst], second, run, confirmed);
  return [...fromFirst, ...fromSecond];
}
