import type { Stage } from "./model.js";

/** The stage and the stages it builds FROM, nearest first: what an image inherits. */
export function stageChain(stage: Stage): Stage[] {
  const chain: Stage[] = [stage];
  // a parent is always an earlier stage; checking it keeps a hand-built cycle from looping
  for (let s = stage; s.parent && s.parent.index < s.index; s = s.parent) chain.push(s.parent);
  return chain;
}

/** The nearest value along the chain, e.g. `inherited(final, (s) => s.healthcheck)`. */
export function inherited<T>(stage: Stage, pick: (s: Stage) => T | undefined): T | undefined {
  for (const s of stageChain(stage)) {
    const v = pick(s);
    if (v !== undefined) return v;
  }
  return undefined;
}
