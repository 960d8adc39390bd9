import { UsageError } from "../errors.js";

/** A Kubernetes minor version; only 1.x exists. */
export interface KubeVersion {
  major: 1;
  minor: number;
}

/**
 * The newest Kubernetes minor whose field names the tool knows (1.36: the API server
 * stops copying the AppArmor annotation to the field). Pod Security Standards have no
 * check revision after 1.35 that we could verify (docs/pss.md), so src/pss evaluates
 * 1.36 like 1.35, as admission does for a policy version it has no new checks for.
 */
export const LATEST_KUBE_MINOR = 36;

export function parseKubeVersion(text: string | undefined): KubeVersion {
  if (text === undefined || text === "latest") return { major: 1, minor: LATEST_KUBE_MINOR };
  const m = /^v?1\.(\d+)(?:\.\d+)?$/.exec(String(text).trim());
  if (!m) throw new UsageError(`--kube-version: expected 1.N or latest, got '${text}'`);
  const minor = Number(m[1]);
  if (minor > LATEST_KUBE_MINOR) {
    // newer than we know: apply the newest rules we have
    return { major: 1, minor: LATEST_KUBE_MINOR };
  }
  return { major: 1, minor };
}

export function formatKubeVersion(v: KubeVersion): string {
  return `${v.major}.${v.minor}`;
}

/** True when `v` is at least 1.minor. */
export function atLeast(v: KubeVersion, minor: number): boolean {
  return v.minor >= minor;
}
