import { UsageError } from "../errors.js";

/** A Kubernetes minor version; only 1.x exists. */
export interface KubeVersion {
  major: 1;
  minor: number;
  /** the minor asked for when it is newer than the tool knows (then `minor` is the newest known) */
  asked?: number;
}

/**
 * The newest Kubernetes minor whose field names the tool knows (1.36: the API server
 * stops copying the AppArmor annotation to the field). Pod Security Standards have no
 * check revision after 1.35 that we could verify (docs/pss.md), so src/pss evaluates
 * 1.36 like 1.35, as admission does for a policy version it has no new checks for.
 */
export const LATEST_KUBE_MINOR = 36;

/**
 * `1.N`, `v1.N[.P]` or `latest`. One minor past the newest known is checked as the newest,
 * with a notice (a cluster can be upgraded before this tool is); anything newer is a typo
 * or a tool far out of date, and silently checking it as the newest would be a wrong answer.
 */
export function parseKubeVersion(text: string | undefined, from = "--kube-version"): KubeVersion {
  if (text === undefined || text === "latest") return { major: 1, minor: LATEST_KUBE_MINOR };
  const m = /^v?1\.(\d+)(?:\.\d+)?$/.exec(String(text).trim());
  if (!m) throw new UsageError(`${from}: expected 1.N or latest, got '${text}'`);
  const minor = Number(m[1]);
  if (minor > LATEST_KUBE_MINOR + 1) {
    throw new UsageError(
      `${from}: Kubernetes 1.${minor} is newer than this shipshape knows (the newest is 1.${LATEST_KUBE_MINOR}); use 1.${LATEST_KUBE_MINOR} or latest, or a newer shipshape`,
    );
  }
  if (minor > LATEST_KUBE_MINOR) return { major: 1, minor: LATEST_KUBE_MINOR, asked: minor };
  return { major: 1, minor };
}

/** The warning line for a version checked as an older one, or undefined. */
export function kubeVersionNotice(v: KubeVersion): string | undefined {
  if (v.asked === undefined) return undefined;
  return `Kubernetes 1.${v.asked} is newer than this shipshape knows: checking with the rules of 1.${v.minor}, the newest it knows`;
}

export function formatKubeVersion(v: KubeVersion): string {
  return `${v.major}.${v.minor}`;
}

/** True when `v` is at least 1.minor. */
export function atLeast(v: KubeVersion, minor: number): boolean {
  return v.minor >= minor;
}
