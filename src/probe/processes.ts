import type Docker from "dockerode";

/** One process of a container, as `ps` on the engine's host sees it. */
export interface ProcessInfo {
  uid: number;
  command: string;
}

/** The container's processes (the engine runs `ps` for us: works on remote engines, needs nothing in the image). */
export async function readProcesses(container: Docker.Container): Promise<ProcessInfo[] | undefined> {
  try {
    const top = await container.top({ ps_args: "-o pid,uid,comm" });
    const uid = top.Titles.indexOf("UID");
    const command = top.Titles.indexOf("COMMAND");
    if (uid < 0 || command < 0) return undefined;
    return top.Processes.map((p: string[]) => ({ uid: Number(p[uid]), command: p[command] ?? "" }));
  } catch {
    return undefined; // exited meanwhile, or no `ps` where the engine runs
  }
}

/** "3 processes (uid 0 ×1, uid 33 ×2)". */
export function describeProcesses(list: ProcessInfo[]): string {
  const byUid = new Map<number, number>();
  for (const p of list) byUid.set(p.uid, (byUid.get(p.uid) ?? 0) + 1);
  const users = [...byUid].sort((a, b) => a[0] - b[0]).map(([uid, n]) => `uid ${uid} ×${n}`);
  return `${list.length} process${list.length === 1 ? "" : "es"} (${users.join(", ")})`;
}

/**
 * Why a trial's process tree is not the baseline's ("" when it is): the same number of
 * processes, run by the same users — a master whose workers died is not the same service.
 * A trial run as another (non-root) user cannot switch users, so there only the count counts.
 */
export function processDifference(baseline: ProcessInfo[], trial: ProcessInfo[], asOtherUser: boolean): string {
  const key = (list: ProcessInfo[]) => (asOtherUser ? String(list.length) : describeProcesses(list));
  if (key(baseline) === key(trial)) return "";
  return `${describeProcesses(trial)}; the baseline ran ${describeProcesses(baseline)}`;
}
