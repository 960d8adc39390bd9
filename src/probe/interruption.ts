/**
 * Which signal is ending the process, once one is (set by the probe's engine sessions while
 * they remove what they made). Kept apart from engine.ts so the CLI can ask without loading
 * the Docker client.
 */
let interruption: NodeJS.Signals | undefined;

export function interruptedBy(): NodeJS.Signals | undefined {
  return interruption;
}

export function markInterrupted(signal: NodeJS.Signals): boolean {
  if (interruption) return false;
  interruption = signal;
  return true;
}

/** Errors after a signal are the interruption's doing: wait for the cleanup to exit the process. */
export function waitIfInterrupted(): Promise<void> {
  return interruption ? new Promise<never>(() => undefined) : Promise.resolve();
}
