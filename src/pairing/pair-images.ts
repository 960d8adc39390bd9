import path from "node:path";
import type { Dockerfile } from "../dockerfile/model.js";
import { parseDockerfile } from "../dockerfile/parse.js";
import type { Container, Workload } from "../manifest/workload.js";
import type { Config } from "../config/config.js";
import type { Pos, SourceFile } from "../source/source-file.js";
import jsyaml from "js-yaml";
import { evidenceOf, type DockerlessImage, type ImageBuild, type ImageRetag, type SourceContext } from "./build.js";
import { BAKE_FILE, bakeBuilds } from "./sources/bake.js";
import { isFirstParty, thirdPartyReason } from "./first-party.js";
import {
  bindTemplate,
  displayTemplate,
  hasUnresolved,
  isImageName,
  matchesRepository,
  normalizeImageRef,
  pathMatcher,
  repositoryPattern,
  tagMatches,
  type RepositoryPattern,
} from "./image-ref.js";
import type { Confidence, DeployedImage, Evidence, Pair, PairBuild } from "./pair.js";
import { ciBuilds, CLOUD_BUILD, GITHUB_WORKFLOW, GITLAB_CI } from "./sources/ci.js";
import { composeBuilds } from "./sources/compose.js";
import { configBuilds } from "./sources/config.js";
import { heuristicName, nameHeuristic, type HeuristicMatch } from "./sources/heuristic.js";
import { describeRewrite, KUSTOMIZATION_FILE, KustomizeTree } from "./sources/kustomize.js";
import { MAKEFILE, makefileBuilds, SHELL_SCRIPT, shellScriptBuilds } from "./sources/makefile.js";
import { skaffoldBuilds } from "./sources/skaffold.js";
import { TILTFILE, tiltBuilds } from "./sources/tilt.js";

export interface PairingInput {
  root: string;
  dockerfiles: Dockerfile[];
  workloads: Workload[];
  /** build configs (skaffold, compose, CI, Makefiles, Tiltfiles, kustomizations), read once by the scan */
  buildConfigs: SourceFile[];
  config: Config;
}

export interface UnpairedContainer {
  file: string;
  kind: string;
  name: string;
  container: string;
  image: string;
  /** the deployment unit, for a rendered workload (src/render/) */
  unit?: string;
  /** why no Dockerfile here pairs, in one line */
  reason: string;
}

/** A container deploying a public image the repository does not build (postgres, quay.io/prometheus/…): not unpaired. */
export interface ThirdPartyContainer extends UnpairedContainer {
  thirdParty: true;
}

export interface PairingResult {
  pairs: Pair[];
  unpairedDockerfiles: string[];
  unpairedContainers: UnpairedContainer[];
  /** containers whose images are all third-party and that pair with nothing */
  thirdPartyContainers?: ThirdPartyContainer[];
  /** every build the build configs state, whether or not a workload deploys it */
  builds?: ImageBuild[];
  /** why each unpaired Dockerfile is unpaired, in one line */
  readonly unpairedReasons: Array<{ dockerfile: string; reason: string }>;
}

const SKAFFOLD = /(^|\/)skaffold([.-][\w-]+)*\.ya?ml$/;
const COMPOSE = /(^|\/)(docker-)?compose(\.[\w-]+)?\.ya?ml$/;
const CONFIG = /^\.shipshape\.ya?ml$/;

/** Every build the build configs state, one source module per evidence kind. */
export function collectBuilds(input: Pick<PairingInput, "root" | "buildConfigs" | "config">): {
  builds: ImageBuild[];
  kustomizations: SourceFile[];
  retags: ImageRetag[];
  dockerless: DockerlessImage[];
} {
  const builds: ImageBuild[] = [];
  const kustomizations: SourceFile[] = [];
  const byPath = new Map(input.buildConfigs.map((f) => [f.path, f]));
  const ctx: SourceContext = { root: input.root, file: (rel) => byPath.get(rel), retags: [], dockerless: [] };
  let configFile: SourceFile | undefined;
  for (const file of input.buildConfigs) {
    const p = file.path;
    try {
      if (CONFIG.test(p)) configFile = file;
      else if (KUSTOMIZATION_FILE.test(p)) kustomizations.push(file);
      else if (SKAFFOLD.test(p)) builds.push(...skaffoldBuilds(file, ctx.dockerless));
      else if (COMPOSE.test(p)) builds.push(...composeBuilds(file, input.root, ctx));
      else if (GITHUB_WORKFLOW.test(p) || GITLAB_CI.test(p) || CLOUD_BUILD.test(p)) builds.push(...ciBuilds(file, ctx));
      else if (MAKEFILE.test(p)) builds.push(...makefileBuilds(file, ctx));
      else if (TILTFILE.test(p)) builds.push(...tiltBuilds(file));
      else if (SHELL_SCRIPT.test(p)) builds.push(...shellScriptBuilds(file, ctx));
      else if (BAKE_FILE.test(p)) builds.push(...bakeBuilds(file));
    } catch (err) {
      // a build config that does not parse is no evidence (its syntax is not ours to report);
      // anything else is a bug that must not make pairs vanish without a trace
      if (!(err instanceof jsyaml.YAMLException) && !(err instanceof SyntaxError)) throw err;
    }
  }
  const fromConfig = input.config.source !== undefined && configFile && sameFile(input.config.source, input.root, configFile.path) ? configFile : undefined;
  builds.unshift(...configBuilds(input.config, fromConfig, input.root));
  return { builds, kustomizations, retags: ctx.retags, dockerless: ctx.dockerless };
}

function sameFile(source: string, root: string, rel: string): boolean {
  return path.resolve(source) === path.resolve(root, rel);
}

/** A build tied to one Dockerfile, with the repositories it tags. */
interface ResolvedBuild {
  build: ImageBuild;
  dockerfile: Dockerfile;
  target?: string;
  buildArgs?: Record<string, string>;
  repositories: Array<{ pattern: RepositoryPattern; tags?: string[] }>;
}

interface IndexEntry {
  resolved: ResolvedBuild;
  pattern: RepositoryPattern;
  tags?: string[];
}

/** Link each Dockerfile to the workload containers that deploy its image (issue 4). */
export function pairImages(input: PairingInput): PairingResult {
  return imagePairer(input).pair(input.workloads);
}

export interface ImagePairer {
  /** every build the build configs state */
  builds: ImageBuild[];
  /** pair these workloads; a large scan calls it once per batch of manifest files */
  pair(workloads: Workload[]): PairingResult;
}

/**
 * Read the build configs and index the images they build, once; then pair workloads
 * against that index. Everything but the last-resort heuristic decides each container on
 * its own, so pairing batches of workloads and merging the results equals pairing all.
 */
export function imagePairer(input: Omit<PairingInput, "workloads">): ImagePairer {
  const { builds, kustomizations, retags, dockerless } = collectBuilds(input);
  const tree = new KustomizeTree(kustomizations);
  const byPath = new Map(input.dockerfiles.map((d) => [d.file.path, d]));

  // 1. builds → Dockerfiles (a path with a variable binds it from the Dockerfiles that exist)
  const resolved: ResolvedBuild[] = [];
  const explicitDockerfiles = new Set<string>();
  const nameless = new Map<string, ImageBuild>();
  const unresolvedFile = new Map<string, ResolvedBuild>();
  for (const build of builds) {
    for (const r of resolveBuild(build, byPath, input.dockerfiles, unresolvedFile)) {
      if (r.repositories.length === 0) {
        if (!nameless.has(r.dockerfile.file.path)) nameless.set(r.dockerfile.file.path, build);
        continue;
      }
      resolved.push(r);
      explicitDockerfiles.add(r.dockerfile.file.path);
    }
  }

  // 2. index the repositories: exact ones by name, patterns by their literal last segment
  const exact = new Map<string, IndexEntry[]>();
  const byLast = new Map<string, IndexEntry[]>();
  const broad: IndexEntry[] = [];
  const push = <K>(m: Map<K, IndexEntry[]>, k: K, e: IndexEntry) => {
    const l = m.get(k);
    if (l) l.push(e);
    else m.set(k, [e]);
  };
  for (const r of resolved) {
    for (const { pattern, tags } of r.repositories) {
      const entry = { resolved: r, pattern, ...(tags ? { tags } : {}) };
      if (pattern.exact) push(exact, pattern.text, entry);
      else if (pattern.lastSegment !== undefined) push(byLast, pattern.lastSegment, entry);
      else broad.push(entry);
    }
  }
  // a build that only some manifests deploy (Tilt's k8s_yaml) pairs only with those
  const scopes = new Map<ImageBuild, (file: string) => boolean>();
  for (const b of builds) if (b.deploys) scopes.set(b, deployScope(b.deploys, tree));
  const inScope = (entries: IndexEntry[], file: string): IndexEntry[] =>
    scopes.size === 0 ? entries : entries.filter((e) => scopes.get(e.resolved.build)?.(file) ?? true);
  const lookup = (repository: string): IndexEntry[] => {
    const hits = exact.get(repository) ?? [];
    const last = repository.slice(repository.lastIndexOf("/") + 1);
    const patterns = [...(byLast.get(last) ?? []), ...broad].filter((e) => matchesRepository(e.pattern, repository));
    return patterns.length ? [...hits, ...patterns] : hits;
  };

  // 3. names: a build's last path segment (and compose service names), for images deployed
  //    under another registry or prefix than the one built (released, promoted, short names)
  const byLastName = new Map<string, IndexEntry[]>();
  for (const r of resolved) {
    const lasts = new Set<string>();
    for (const { pattern } of r.repositories) if (pattern.exact) lasts.add(pattern.text.slice(pattern.text.lastIndexOf("/") + 1));
      else if (pattern.lastSegment !== undefined && !hasUnresolved(pattern.lastSegment)) lasts.add(pattern.lastSegment);
    for (const n of r.build.names ?? []) lasts.add(n.toLowerCase());
    for (const last of lasts) push(byLastName, last, { resolved: r, pattern: r.repositories[0]?.pattern ?? { text: last, exact: false } });
  }
  const byLast2 = (repository: string): IndexEntry[] => {
    const hits = byLastName.get(repository.slice(repository.lastIndexOf("/") + 1).toLowerCase()) ?? [];
    const dockerfiles = new Set(hits.map((h) => `${h.resolved.dockerfile.file.path}\0${h.resolved.target ?? ""}`));
    return dockerfiles.size === 1 ? hits : [];
  };

  const parsed = new Map<string, Dockerfile>();
  const candidates = input.dockerfiles.map((d) => d.file.path).filter((p) => !explicitDockerfiles.has(p));
  const byName = nameHeuristic(candidates, input.dockerfiles.length, path.basename(input.root));
  const index: PairingIndex = { rootName: path.basename(input.root), nameless, unresolvedFile, builds, tree, byPath, candidates, byName, lookup, byLastName: byLast2, inScope, retags, dockerless, resolved, parsed };
  return { builds, pair: (workloads) => pairWorkloads(input, workloads, index) };
}

interface PairingIndex {
  rootName: string;
  /** a build of the Dockerfile that tags no image we can read (`-t $(IMG)` with IMG unset) */
  nameless: Map<string, ImageBuild>;
  /** a build whose Dockerfile path is unknown and fits several Dockerfiles */
  unresolvedFile: Map<string, ResolvedBuild>;
  builds: ImageBuild[];
  tree: KustomizeTree;
  byPath: Map<string, Dockerfile>;
  /** Dockerfiles no build config names, and what their names pair */
  candidates: string[];
  byName: (repositories: string[]) => HeuristicMatch[];
  lookup: (repository: string) => IndexEntry[];
  /** builds whose image has this last path segment, when they are all of one Dockerfile */
  byLastName: (repository: string) => IndexEntry[];
  /** the entries whose build may deploy to this manifest file */
  inScope: (entries: IndexEntry[], file: string) => IndexEntry[];
  retags: ImageRetag[];
  dockerless: DockerlessImage[];
  resolved: ResolvedBuild[];
  /** Dockerfiles re-read for a build's target or build args, shared by every batch */
  parsed: Map<string, Dockerfile>;
}

function pairWorkloads(input: Omit<PairingInput, "workloads">, workloads: Workload[], index: PairingIndex): PairingResult {
  const { builds, tree, byPath, candidates, byName, lookup, parsed } = index;
  // 3. containers → builds, through the images they finally deploy
  const pairs = new Map<string, PairDraft>();
  const unmatched: Array<{ workload: Workload; container: Container; deployed: DeployedImage[] }> = [];
  for (const workload of workloads) {
    for (const container of workload.containers) {
      const image = container.image;
      if (!image || image.value.trim() === "") continue;
      const deployedList = deployedImages(tree, workload, container);
      let paired = false;
      for (const deployed of deployedList) {
        for (const entry of nearest(byTag(index.inScope(lookup(deployed.repository), workload.file.path), deployed.tag), workload.file.path)) {
          paired = true;
          draftFor(pairs, entry.resolved, deployed.repository).add(workload, container, deployed, entry);
        }
      }
      // a deploy-time rename (`kustomize edit set image NAME=REF`) of the name the manifest writes
      if (!paired) {
        for (const deployed of deployedList) {
          for (const retag of index.retags) {
            if (normalizeImageRef(retag.name)?.repository !== deployed.repository) continue;
            const to = normalizeImageRef(retag.to);
            if (!to) continue;
            const entries = hasUnresolved(to.repository) ? index.resolved.flatMap((r) => r.repositories.filter((x) => x.pattern.text === to.repository).map((x) => ({ resolved: r, pattern: x.pattern }))) : lookup(to.repository);
            for (const entry of index.inScope(entries, workload.file.path)) {
              paired = true;
              const via = { ...deployed, rewrites: [...deployed.rewrites, evidenceOf(retag)] };
              draftFor(pairs, entry.resolved, deployed.repository).add(workload, container, via, entry);
            }
          }
        }
      }
      // the same image name built under another registry or prefix (promoted, released, a short dev name)
      if (!paired) {
        for (const deployed of deployedList) {
          if (deployed.repository.startsWith("docker.io/library/")) continue;
          for (const entry of index.inScope(index.byLastName(deployed.repository), workload.file.path)) {
            // a name the deploy tool or compose gives anywhere; otherwise the Dockerfile and the manifest share a folder
            const b = entry.resolved.build;
            if (b.tagsKnown && !b.names?.length && sharedDepth(entry.resolved.dockerfile.file.path, workload.file.path) === 0) continue;
            paired = true;
            const built = entry.pattern.text;
            const why = evidenceOf({ kind: "heuristic", at: entry.resolved.build.at, detail: `deployed as ${deployed.repository}, built as ${displayTemplate(built)}: the same image name` });
            const via = { ...deployed, rewrites: [...deployed.rewrites, why] };
            draftFor(pairs, entry.resolved, deployed.repository).add(workload, container, via, { ...entry, pattern: { text: built, exact: false } });
          }
        }
      }
      if (!paired) unmatched.push({ workload, container, deployed: deployedList });
    }
  }

  // 4. names, for what no build config links
  const firstParty = unmatched.filter((u) => u.deployed.some((d) => isFirstParty(d.repository)));
  const repos = [...new Set(firstParty.flatMap((u) => u.deployed.map((d) => d.repository)).filter((r) => isFirstParty(r)))];
  const guessed = new Set<string>();
  if (candidates.length && repos.length) {
    const matches = byName(repos);
    const byRepo = new Map(matches.map((m) => [m.repository, m]));
    for (const u of firstParty) {
      for (const deployed of u.deployed) {
        const m = byRepo.get(deployed.repository);
        if (!m) continue;
        const dockerfile = byPath.get(m.dockerfile)!;
        const heuristic: ImageBuild = {
          kind: "heuristic",
          at: { file: dockerfile.file, offset: 0 },
          detail: m.detail,
          dockerfile: m.dockerfile,
          images: [],
          tagsKnown: false,
        };
        const r: ResolvedBuild = { build: heuristic, dockerfile, repositories: [] };
        draftFor(pairs, r, deployed.repository).add(u.workload, u.container, deployed, {
          resolved: r,
          pattern: { text: deployed.repository, exact: true },
        }, m.confidence);
        guessed.add(`${u.workload.file.path}\0${u.workload.docIndex}\0${u.workload.name}\0${u.container.kind}\0${u.container.index}`);
      }
    }
  }

  // 5. the result, in a stable order
  const result = [...pairs.values()].map((d) => d.finish(input.config.buildArgs, parsed));
  result.sort((a, b) => cmp(a.dockerfile.file.path, b.dockerfile.file.path) || cmp(a.stage ?? "", b.stage ?? "") || cmp(a.image, b.image));
  const pairedDockerfiles = new Set(result.map((p) => p.dockerfile.file.path));
  const unpairedContainers: UnpairedContainer[] = [];
  const thirdPartyContainers: ThirdPartyContainer[] = [];
  for (const u of unmatched) {
    const key = `${u.workload.file.path}\0${u.workload.docIndex}\0${u.workload.name}\0${u.container.kind}\0${u.container.index}`;
    if (guessed.has(key)) continue;
    const where = {
      file: u.workload.file.path,
      kind: u.workload.kind,
      name: u.workload.name,
      container: u.container.name,
      image: u.container.image!.value,
      ...(u.workload.rendered ? { unit: u.workload.rendered.unit } : {}),
    };
    const publicImage = u.deployed.find((d) => !isFirstParty(d.repository) && isImageName(d.repository));
    if (u.deployed.some((d) => isFirstParty(d.repository))) unpairedContainers.push({ ...where, reason: containerReason(u.deployed, index) });
    else if (publicImage) thirdPartyContainers.push({ ...where, thirdParty: true, reason: `third-party: ${publicImage.repository} is ${thirdPartyReason(publicImage.repository)}, built elsewhere` });
  }
  return {
    pairs: result,
    // a getter: a scan in batches merges the batches' pairs and never asks each batch
    get unpairedDockerfiles() {
      return input.dockerfiles.map((d) => d.file.path).filter((p) => !pairedDockerfiles.has(p)).sort();
    },
    get unpairedReasons() {
      return this.unpairedDockerfiles.map((dockerfile) => ({ dockerfile, reason: dockerfileReason(dockerfile, index) }));
    },
    unpairedContainers,
    thirdPartyContainers,
    builds,
  };
}

/** Why a Dockerfile pairs with nothing: what builds it and under which name, or that nothing does. */
function dockerfileReason(dockerfile: string, index: PairingIndex): string {
  const built = index.resolved.find((r) => r.dockerfile.file.path === dockerfile);
  if (built) {
    const names = [...new Set(built.repositories.map((r) => displayTemplate(r.pattern.text)))].slice(0, 3).join(", ");
    return `built as ${names} (${where(built.build)}), which no workload in the scanned manifests deploys`;
  }
  const nameless = index.nameless.get(dockerfile);
  if (nameless) return `built by ${where(nameless)} without an image name we can read (${nameless.detail})`;
  const vague = index.unresolvedFile.get(dockerfile)?.build;
  if (vague) return `${where(vague)} builds a Dockerfile it names ${displayTemplate(vague.dockerfile)}, which fits several Dockerfiles; nothing says which`;
  const own = heuristicName(dockerfile, index.rootName)?.name.toLowerCase();
  const twins = own === undefined ? 0 : index.candidates.filter((c) => c !== dockerfile && heuristicName(c, index.rootName)?.name.toLowerCase() === own).length;
  if (twins) return `no build config we read builds it, and its name '${own}' is also ${twins === 1 ? "another Dockerfile's" : `${twins} other Dockerfiles'`}, so names alone pair it with nothing`;
  const dockerless = index.dockerless.length ? `; ${index.dockerless.map((d) => d.tool).filter((t, i, a) => a.indexOf(t) === i).join(", ")} builds images here without a Dockerfile` : "";
  return `no build config we read builds it (Makefile, compose, CI, skaffold, Tilt, bake, scripts), and no deployed image is named '${own ?? ""}'${dockerless}`;
}

/** Why a first-party container pairs with no Dockerfile. */
function containerReason(deployed: DeployedImage[], index: PairingIndex): string {
  const repo = deployed[0]?.repository ?? "";
  const last = repo.slice(repo.lastIndexOf("/") + 1);
  const named = index.dockerless.filter((d) => d.image !== "" && !hasUnresolved(d.image));
  // a bare skaffold artifact name (`image: balancereader`) deploys under the default repo skaffold is given
  const tool =
    named.find((d) => normalizeImageRef(d.image)?.repository === repo) ??
    named.find((d) => d.kind === "skaffold" && !d.image.includes("/") && d.image.replace(/[:@].*$/, "") === last);
  if (tool) {
    const { file, line } = evidenceOf({ kind: tool.kind, at: tool.at, detail: "" });
    return `image ${repo} is built without a Dockerfile (${tool.tool}, ${file}:${line})`;
  }
  const vague = [...index.unresolvedFile.values()].find((r) => r.repositories.some((x) => matchesRepository(x.pattern, repo)));
  if (vague) return `image ${repo} is built by ${where(vague.build)} from a Dockerfile it names ${displayTemplate(vague.build.dockerfile)}, which fits several Dockerfiles; nothing says which`;
  return `image ${repo} is built nowhere we can read`;
}

function where(build: ImageBuild): string {
  const { file, line } = evidenceOf(build);
  return `${build.kind} ${file}:${line}`;
}

/** Which manifest files a build's `deploys` list covers: a kustomization's files, a folder's, a file. */
function deployScope(deploys: string[], tree: KustomizeTree): (file: string) => boolean {
  const files = new Set<string>();
  const folders: string[] = [];
  for (const d of deploys) {
    const built = tree.filesBuiltBy(d);
    if (built) for (const f of built) files.add(f);
    else if (/\.(ya?ml|json)$/i.test(d)) files.add(d);
    else folders.push(d === "" ? "" : `${d}/`);
  }
  return (file) => files.has(file) || folders.some((f) => file.startsWith(f));
}

/**
 * When builds of several Dockerfiles tag one repository apart by tag (a CI matrix that
 * pushes `demo:dev-cart` from src/cart and `demo:dev-ad` from src/ad), the deployed tag
 * says which: a built tag it matches, else a tag word only one Dockerfile's tags have
 * (`2.1.3-cart` has `cart`). Nothing telling keeps them all: tags often differ between
 * build and deploy (`:dev` built, `:v1.2` released).
 */
function byTag(entries: IndexEntry[], tag: string | undefined): IndexEntry[] {
  if (entries.length < 2 || tag === undefined) return entries;
  const fileOf = (e: IndexEntry) => e.resolved.dockerfile.file.path;
  if (new Set(entries.map(fileOf)).size < 2) return entries;
  // a build whose tag the deploy tool picks (skaffold, Tilt) can be any tag: it always stays
  const keep = (hits: IndexEntry[]) => entries.filter((e) => !e.tags || hits.includes(e));
  const exact = entries.filter((e) => e.tags?.some((t) => tagMatches(t, tag)));
  if (exact.length) return keep(exact);
  const owners = new Map<string, Set<string>>(); // tag word → the Dockerfiles whose tags have it
  for (const e of entries) for (const t of e.tags ?? []) for (const w of tagWords(t)) owners.set(w, (owners.get(w) ?? new Set()).add(fileOf(e)));
  const telling = new Set(tagWords(tag).flatMap((w) => (owners.get(w)?.size === 1 ? [...owners.get(w)!] : [])));
  return telling.size === 1 ? keep(entries.filter((e) => e.tags && telling.has(fileOf(e)))) : entries;
}

/** A tag's words (`v1.2-cart` → v1, 2, cart), unknown parts left out. */
function tagWords(tag: string): string[] {
  return displayTemplate(tag).replace(/\$\{[^}]*\}/g, " ").split(/[-_.\s]+/).filter((w) => w !== "");
}

/**
 * When builds of several Dockerfiles tag the same image (six scaffolded operators all
 * building `controller:latest`), the manifest belongs to the nearest: the Dockerfiles
 * sharing the most leading folders with it. Builds of one Dockerfile are all kept.
 */
function nearest(entries: IndexEntry[], manifest: string): IndexEntry[] {
  if (entries.length < 2) return entries;
  const depth = entries.map((e) => sharedDepth(e.resolved.dockerfile.file.path, manifest));
  const max = Math.max(...depth);
  return max === 0 ? entries : entries.filter((_, i) => depth[i] === max);
}

/** How many leading folders two root-relative file paths share. */
function sharedDepth(a: string, b: string): number {
  const x = a.split("/").slice(0, -1);
  const y = b.split("/").slice(0, -1);
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return n;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The builds one build config states, each tied to a Dockerfile that exists. */
function resolveBuild(build: ImageBuild, byPath: Map<string, Dockerfile>, all: Dockerfile[], unresolvedFile: Map<string, ResolvedBuild>): ResolvedBuild[] {
  if (!hasUnresolved(build.dockerfile)) {
    const d = [build.dockerfile, ...(build.fallbacks ?? [])].map((p) => byPath.get(p)).find(Boolean);
    return d ? [resolvedWith(build, d, new Map())] : [];
  }
  const { regex, names } = pathMatcher(build.dockerfile);
  const out: ResolvedBuild[] = [];
  for (const d of all) {
    const m = regex.exec(d.file.path);
    if (!m) continue;
    const bindings = new Map<string, string>();
    names.forEach((n, i) => {
      if (!bindings.has(n)) bindings.set(n, m[i + 1]!);
    });
    out.push(resolvedWith(build, d, bindings));
  }
  // a Dockerfile path we cannot read (`-f $(DOCKERFILE)`, `file: ${{ inputs.file }}`) that
  // fits several Dockerfiles while the image name does not depend on which: any one of
  // them, nothing says which, so none is paired on it
  if (out.length > 1 && new Set(out.map((r) => imagesKey(r))).size === 1) {
    for (const r of out) if (!unresolvedFile.has(r.dockerfile.file.path)) unresolvedFile.set(r.dockerfile.file.path, r);
    return [];
  }
  return out;
}

function imagesKey(r: ResolvedBuild): string {
  return r.repositories.map((x) => `${x.pattern.text}:${(x.tags ?? []).join(",")}`).sort().join(" ");
}

function resolvedWith(build: ImageBuild, dockerfile: Dockerfile, bindings: Map<string, string>): ResolvedBuild {
  const byRepo = new Map<string, string[] | undefined>();
  for (const raw of build.images) {
    const ref = normalizeImageRef(bindTemplate(raw, bindings));
    if (!ref) continue;
    if (!byRepo.has(ref.repository)) byRepo.set(ref.repository, build.tagsKnown ? [] : undefined);
    const tags = byRepo.get(ref.repository);
    if (tags && (ref.tag !== undefined || ref.digest === undefined)) tags.push(ref.tag ?? "latest");
  }
  const repositories: ResolvedBuild["repositories"] = [];
  for (const [repo, tags] of byRepo) {
    const pattern = repositoryPattern(repo);
    if (pattern) repositories.push({ pattern, ...(tags?.length ? { tags } : {}) });
  }
  const target = build.target !== undefined ? bindTemplate(build.target, bindings) : undefined;
  const buildArgs = build.buildArgs
    ? Object.fromEntries(Object.entries(build.buildArgs).filter(([, v]) => !hasUnresolved(bindTemplate(v, bindings))).map(([k, v]) => [k, bindTemplate(v, bindings)]))
    : undefined;
  return {
    build,
    dockerfile,
    ...(target !== undefined && !hasUnresolved(target) ? { target } : {}),
    ...(buildArgs && Object.keys(buildArgs).length ? { buildArgs } : {}),
    repositories,
  };
}

/** The references a container deploys: its own, or what kustomize `images:` make of it. */
function deployedImages(tree: KustomizeTree, workload: Workload, container: Container): DeployedImage[] {
  const image = container.image!;
  const out: DeployedImage[] = [];
  // rendered output (src/render/) has every images: rewrite and patch applied already: its image is what deploys
  const rendered = workload.rendered;
  const refs = tree.size && !rendered ? tree.effective(workload.file.path, image.value) : [{ ref: image.value, via: [] }];
  for (const { ref, via } of refs) {
    const n = normalizeImageRef(ref);
    if (!n) continue;
    const last = [...via].reverse().find((v) => v.newTag !== undefined || v.digest !== undefined || v.newName !== undefined);
    out.push({
      ref,
      repository: n.repository,
      ...(n.tag !== undefined ? { tag: n.tag } : {}),
      ...(n.digest !== undefined ? { digest: n.digest } : {}),
      at: last?.at ?? image.node,
      rewrites: rendered
        ? renderedRewrite(rendered, image.node, workload.file.path, ref)
        : via.map((v) => ({ ...evidenceOf({ kind: "kustomize", at: v.at, detail: describeRewrite(v) }) })),
    });
  }
  return out;
}

/** A kustomize render that changed the image (an `images:` entry, a patch): evidence at the line that did. */
function renderedRewrite(rendered: NonNullable<Workload["rendered"]>, at: Pos, origin: string, ref: string): Evidence[] {
  if (rendered.tool !== "kustomize") return [];
  const e = evidenceOf({ kind: "kustomize", at, detail: `${rendered.renderedBy} ${rendered.unit}: ${ref}` });
  return e.file === origin ? [] : [e];
}

const RANK: Record<Confidence, number> = { low: 0, medium: 1, high: 2 };

class PairDraft {
  readonly targets: Pair["targets"] = [];
  private readonly targetIndex = new Map<Container, Pair["targets"][number]>();
  private readonly evidence = new Map<string, Evidence>();
  private readonly builds = new Map<ImageBuild, PairBuild>();
  private confidence: Confidence = "low";

  constructor(
    private readonly resolved: ResolvedBuild,
    private readonly image: string,
  ) {}

  add(workload: Workload, container: Container, deployed: DeployedImage, entry: IndexEntry, heuristic?: Confidence): void {
    let target = this.targetIndex.get(container);
    if (!target) {
      target = { workload, container, deployed: [] };
      this.targetIndex.set(container, target);
      this.targets.push(target);
    }
    if (!target.deployed!.some((d) => d.ref === deployed.ref && d.at.offset === deployed.at.offset && d.at.file === deployed.at.file)) target.deployed!.push(deployed);
    const build = entry.resolved.build;
    const ev = evidenceOf(build);
    this.evidence.set(`${ev.kind}\0${ev.file}\0${ev.line}\0${ev.detail}`, ev);
    for (const r of deployed.rewrites) this.evidence.set(`${r.kind}\0${r.file}\0${r.line}\0${r.detail}`, r);
    if (!this.builds.has(build)) this.builds.set(build, { evidence: ev, at: build.at, ...(entry.tags ? { tags: entry.tags } : {}), ...(build.tagsOverridable ? { overridable: true } : {}) });
    let c: Confidence = build.kind === "heuristic" ? (heuristic ?? "low") : entry.pattern.exact ? "high" : "medium";
    if (build.cap && c === "high") c = build.cap;
    if (RANK[c] > RANK[this.confidence]) this.confidence = c;
  }

  finish(configArgs: Record<string, string>, parsed: Map<string, Dockerfile>): Pair {
    const { dockerfile, target, buildArgs } = this.resolved;
    let model = dockerfile;
    if (target !== undefined || buildArgs) {
      // the stage and build args change what the image is: read the Dockerfile as this build does
      const args = { ...configArgs, ...buildArgs };
      const key = `${dockerfile.file.path}\0${target ?? ""}\0${JSON.stringify(args)}`;
      model = parsed.get(key) ?? parseDockerfile(dockerfile.file, { buildArgs: args, ...(target !== undefined ? { target } : {}) });
      parsed.set(key, model);
    }
    const evidence = [...this.evidence.values()].sort(compareEvidence);
    return {
      dockerfile: model,
      stage: target ?? null,
      image: this.image,
      targets: this.targets,
      evidence,
      confidence: this.confidence,
      builds: [...this.builds.values()],
    };
  }
}

/** Build evidence first, kustomize rewrites after it, heuristics last; then by place. */
export function compareEvidence(a: Evidence, b: Evidence): number {
  return RANK_KIND(a) - RANK_KIND(b) || cmp(a.file, b.file) || a.line - b.line;
}

function RANK_KIND(e: Evidence): number {
  return e.kind === "heuristic" ? 2 : e.kind === "kustomize" ? 1 : 0;
}

function draftFor(pairs: Map<string, PairDraft>, r: ResolvedBuild, repository: string): PairDraft {
  const key = `${r.dockerfile.file.path}\0${r.target ?? ""}\0${repository}`;
  let d = pairs.get(key);
  if (!d) {
    d = new PairDraft(r, repository);
    pairs.set(key, d);
  }
  return d;
}

