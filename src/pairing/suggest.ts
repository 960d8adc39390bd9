import { heuristicName } from "./sources/heuristic.js";
import { normalizeImageRef } from "./image-ref.js";

/**
 * `pairs --suggest`: the `.shipshape.yaml` `images:` entries that would pair what is
 * unpaired. Every one is a guess for the user to check, never a fact:
 * - `candidate`: an unpaired first-party image and a Dockerfile named like it (`check` says why);
 * - `image`: an unpaired image no Dockerfile is named like (the Dockerfile is the user's to fill in);
 * - `dockerfile`: an unpaired Dockerfile named like no unpaired image (the image is the user's to fill in);
 * - `dockerless`: an image built without a Dockerfile (ko, jib): no `images:` entry can pair it.
 */
export interface ImageSuggestion {
  kind: "candidate" | "image" | "dockerfile" | "dockerless";
  dockerfile: string | null;
  /** the image repository, no tag */
  image: string | null;
  /** why each side is unpaired, in one line each */
  reasons: string[];
  /** for a candidate: why this Dockerfile, in one line */
  check?: string;
  /** the containers the entry would pair */
  containers?: Array<{ file: string; kind: string; name: string; container: string }>;
}

export interface SuggestInput {
  /** every Dockerfile of the repository, paired or not */
  dockerfiles: string[];
  unpairedReasons: ReadonlyArray<{ dockerfile: string; reason: string }>;
  unpairedContainers: ReadonlyArray<{ file: string; kind: string; name: string; container: string; image: string | null; reason: string }>;
  /** the scanned root's folder name (the name of a Dockerfile at the root) */
  rootName: string;
}

const MAX_CANDIDATES = 3;

export function suggestImages(input: SuggestInput): ImageSuggestion[] {
  const unpairedDockerfiles = new Map(input.unpairedReasons.map((r) => [r.dockerfile, r.reason]));
  // the unpaired containers by image repository: one entry pairs all of them
  const images = new Map<string, { reason: string; containers: NonNullable<ImageSuggestion["containers"]> }>();
  for (const c of input.unpairedContainers) {
    const repository = (c.image !== null && normalizeImageRef(c.image)?.repository) || undefined;
    if (!repository) continue;
    const entry = images.get(repository) ?? { reason: c.reason, containers: [] };
    entry.containers.push({ file: c.file, kind: c.kind, name: c.name, container: c.container });
    images.set(repository, entry);
  }
  const named = input.dockerfiles.map((d) => ({ dockerfile: d, name: heuristicName(d, input.rootName) }));
  const out: ImageSuggestion[] = [];
  const used = new Set<string>();
  const rest: ImageSuggestion[] = [];
  for (const [image, { reason, containers }] of images) {
    if (/ built without a Dockerfile /.test(reason)) {
      rest.push({ kind: "dockerless", dockerfile: null, image, reasons: [reason], containers });
      continue;
    }
    const found = candidatesFor(image, named, unpairedDockerfiles);
    if (found.length === 0 && images.size === 1 && unpairedDockerfiles.size === 1) {
      found.push({ dockerfile: [...unpairedDockerfiles.keys()][0]!, check: "the only unpaired Dockerfile and the only unpaired first-party image" });
    }
    if (found.length === 0) {
      rest.push({ kind: "image", dockerfile: null, image, reasons: [reason], containers });
      continue;
    }
    for (const f of found) {
      used.add(f.dockerfile);
      const why = unpairedDockerfiles.get(f.dockerfile);
      out.push({
        kind: "candidate",
        dockerfile: f.dockerfile,
        image,
        reasons: [reason, `${f.dockerfile}: ${why ?? "it pairs with another image already"}`],
        check: f.check,
        containers,
      });
    }
  }
  for (const [dockerfile, reason] of unpairedDockerfiles) {
    if (!used.has(dockerfile)) rest.push({ kind: "dockerfile", dockerfile, image: null, reasons: [reason] });
  }
  const order = { candidate: 0, image: 1, dockerfile: 2, dockerless: 3 };
  return [...out, ...rest].sort((a, b) => order[a.kind] - order[b.kind]);
}

/**
 * Dockerfiles named like the image: the same name first (its folder, its `Dockerfile.<name>`
 * suffix), then a name that is one dash- or dot-separated part of the other
 * (`acme-mailer` and `mailer/`), for unpaired Dockerfiles only. Unpaired Dockerfiles before
 * paired ones; at most three.
 */
function candidatesFor(
  image: string,
  named: Array<{ dockerfile: string; name: { name: string; why: string } | undefined }>,
  unpaired: Map<string, string>,
): Array<{ dockerfile: string; check: string }> {
  const last = image.slice(image.lastIndexOf("/") + 1).toLowerCase();
  const parts = (s: string) => s.split(/[-_.]/).filter((p) => p.length >= 3);
  const same: typeof named = [];
  const similar: typeof named = [];
  for (const d of named) {
    const n = d.name?.name.toLowerCase();
    if (!n) continue;
    if (n === last) same.push(d);
    // a merely similar name is too weak against a Dockerfile that pairs with its own image already
    else if (unpaired.has(d.dockerfile) && (parts(last).includes(n) || parts(n).includes(last))) similar.push(d);
  }
  const best = same.length ? same : similar;
  best.sort((a, b) => Number(!unpaired.has(a.dockerfile)) - Number(!unpaired.has(b.dockerfile)) || (a.dockerfile < b.dockerfile ? -1 : 1));
  const kind = same.length ? "equals" : "is like";
  const alternatives = best.length > 1 ? ` (one of ${best.length} Dockerfiles named ${same.length ? "so" : "alike"}: keep the one that builds it)` : "";
  return best.slice(0, MAX_CANDIDATES).map((d) => ({ dockerfile: d.dockerfile, check: `the image's name '${last}' ${kind} ${d.name!.why}${alternatives}` }));
}
