/**
 * When a trial of a service has reached the baseline's ready state: its ports (or, without
 * known ports, the baseline's time to ready), held for a moment to catch a crash right after.
 * One step per poll; pure, so the timing edges are tested without an engine.
 */
export interface ServiceWait {
  /** when the trial first reached the baseline's ports; kept across polls */
  matchedAt?: number;
}

export interface ServicePoll {
  now: number;
  elapsedMs: number;
  /** the baseline's listening ports; undefined when they could not be read */
  want: number[] | undefined;
  listening: number[] | undefined;
  baselineReadyMs: number;
  /** give up after this long without reaching the ports */
  limitMs: number;
  holdMs: number;
}

/** undefined: keep polling; "": the trial matches the baseline; otherwise why it does not. */
export function serviceWaitStep(state: ServiceWait, poll: ServicePoll): string | undefined {
  const { want, listening } = poll;
  const reached =
    want === undefined || listening === undefined || want.length === 0
      ? poll.elapsedMs >= poll.baselineReadyMs
      : want.every((p) => listening.includes(p));
  if (reached) state.matchedAt ??= poll.now;
  if (state.matchedAt !== undefined && poll.now - state.matchedAt >= poll.holdMs) {
    // Extra ports are not a regression; missing ones are.
    const same = want === undefined || listening === undefined || want.every((p) => listening.includes(p));
    return same ? "" : `listening on [${listening}]; baseline [${want}]`;
  }
  // A trial that reached the ports just before the limit finishes its hold: on a loaded
  // machine a slow start is not a failure the capabilities caused.
  if (state.matchedAt === undefined && poll.elapsedMs >= poll.limitMs) {
    return `not listening on [${want}] after ${poll.elapsedMs}ms (listening on [${listening ?? "?"}])`;
  }
  return undefined;
}
