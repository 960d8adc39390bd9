import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Temporary folders a render makes (the wrapper kustomization, the copy an edit is checked
 * in) are removed when it ends; these are removed on exit or Ctrl-C while one is running.
 * The signal handlers exist only while a folder does (a probe installs its own later).
 */
const live = new Set<string>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function removeAll(): void {
  for (const d of live) rmSync(d, { recursive: true, force: true });
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeAll();
  stopListening();
  // the default action again: exit as the signal asks
  process.kill(process.pid, signal);
}

function stopListening(): void {
  for (const s of SIGNALS) process.off(s, onSignal);
  process.off("exit", removeAll);
}

/** A new temporary folder in the system's; the handlers are in place before it exists. */
export function makeTemporary(prefix: string): string {
  if (live.size === 0) {
    for (const s of SIGNALS) process.on(s, onSignal);
    process.on("exit", removeAll);
  }
  let dir: string;
  try {
    dir = mkdtempSync(path.join(realpathSync(os.tmpdir()), prefix));
  } catch (e) {
    if (live.size === 0) stopListening();
    throw e;
  }
  live.add(dir);
  return dir;
}

export function releaseTemporary(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  live.delete(dir);
  if (live.size === 0) stopListening();
}
