import type { Confidence } from "../pair.js";

export interface HeuristicMatch {
  dockerfile: string;
  repository: string;
  confidence: Exclude<Confidence, "high">;
  detail: string;
}

/**
 * Pairs guessed from names, for Dockerfiles no build config mentions and first-party
 * images no build config produces. Never `high`:
 * - the repository's last path segment equals the Dockerfile's folder name, or the
 *   `<name>` of `Dockerfile.<name>` / `<name>.Dockerfile` (`medium`, and only when exactly
 *   one Dockerfile has that name: an ambiguous name pairs nothing);
 * - otherwise, a repository with one Dockerfile and one first-party image (`low`).
 * The names are indexed once; the function returned matches repositories against them
 * (a large scan calls it once per batch).
 * @param dockerfiles candidate Dockerfile paths; `total` counts every Dockerfile of the repository
 */
export function nameHeuristic(dockerfiles: string[], total: number, rootName: string): (repositories: string[]) => HeuristicMatch[] {
  const byName = new Map<string, Array<{ path: string; why: string }>>();
  const add = (name: string, path: string, why: string) => {
    const key = name.toLowerCase();
    const list = byName.get(key) ?? [];
    if (!list.some((e) => e.path === path)) list.push({ path, why });
    byName.set(key, list);
  };
  for (const path of dockerfiles) {
    const n = heuristicName(path, rootName);
    if (n) add(n.name, path, n.why);
  }
  return (repositories) => {
    const out: HeuristicMatch[] = [];
    for (const repository of repositories) {
      const last = repository.slice(repository.lastIndexOf("/") + 1).toLowerCase();
      const candidates = byName.get(last);
      if (candidates?.length !== 1) continue;
      const c = candidates[0]!;
      out.push({ dockerfile: c.path, repository, confidence: "medium", detail: `image name '${last}' equals ${c.why}` });
    }
    if (out.length === 0 && total === 1 && dockerfiles.length === 1 && repositories.length === 1) {
      out.push({
        dockerfile: dockerfiles[0]!,
        repository: repositories[0]!,
        confidence: "low",
        detail: "the repository's only Dockerfile and only first-party image",
      });
    }
    return out;
  };
}

/** The name a Dockerfile goes by for the heuristic: its `Dockerfile.<name>` suffix, else its folder's name. */
export function heuristicName(path: string, rootName: string): { name: string; why: string } | undefined {
  const slash = path.lastIndexOf("/");
  const base = path.slice(slash + 1);
  const folder = slash === -1 ? rootName : path.slice(path.lastIndexOf("/", slash - 1) + 1, slash);
  const suffix = /^(?:Dockerfile|Containerfile)\.([\w.-]+)$/i.exec(base)?.[1] ?? /^([\w.-]+)\.(?:Dockerfile|Containerfile)$/i.exec(base)?.[1];
  if (suffix) return { name: suffix, why: `the Dockerfile's name suffix '${suffix}'` };
  return folder ? { name: folder, why: `the Dockerfile's folder name '${folder}'` } : undefined;
}
