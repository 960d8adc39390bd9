/**
 * Image references, normalised the way Docker does (distribution/reference): `nginx` is
 * `docker.io/library/nginx`, `acme/web` is `docker.io/acme/web`, the first path component
 * is a registry only when it holds a '.' or ':' or is `localhost`.
 *
 * Build configs often name images through variables that cannot be resolved from the
 * repository (`$(REGISTRY)/web:$(VERSION)`). Such a part travels inside the text as an
 * *unresolved marker* and becomes a wildcard when matched.
 */

const OPEN = "\u0001";
const CLOSE = "\u0002";
const MARKER = /\u0001([^\u0002]*)\u0002/g;

/** The text of a variable whose value is unknown: matched as a wildcard. */
export function unresolved(name: string): string {
  // a name is kept for messages and path bindings; it must not look like text to expand again
  return `${OPEN}${name.replace(/[^\w.-]+/g, "_")}${CLOSE}`;
}

export function hasUnresolved(text: string): boolean {
  return text.includes(OPEN);
}

/** For messages: unresolved parts as `${NAME}`. */
export function displayTemplate(text: string): string {
  return text.replace(MARKER, (_m, name: string) => "${" + name + "}");
}

/** Replace unresolved markers whose values are now known (a variable bound by a Dockerfile path). */
export function bindTemplate(text: string, bindings: ReadonlyMap<string, string>): string {
  if (!hasUnresolved(text)) return text;
  return text.replace(MARKER, (m, name: string) => bindings.get(name) ?? m);
}

/** A reference split the way the container runtime reads it: name[:tag][@digest], nothing normalised. */
export interface SplitRef {
  /** the name as written: `nginx`, `localhost:5000/app` */
  name: string;
  tag?: string;
  digest?: string;
}

/**
 * The one place a reference is split (the analyzers' `parseImageRef` is this): the digest
 * after the first '@', the tag after a ':' that follows the last '/' (a colon before it is
 * a registry port).
 */
export function splitImageRef(ref: string): SplitRef {
  const at = ref.indexOf("@");
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const rest = at >= 0 ? ref.slice(0, at) : ref;
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  const out: SplitRef = colon > slash ? { name: rest.slice(0, colon), tag: rest.slice(colon + 1) } : { name: rest };
  if (digest !== undefined) out.digest = digest;
  return out;
}

export interface ImageRef {
  /** registry/path, normalised: `docker.io/library/nginx`, `localhost:5000/x` */
  repository: string;
  tag?: string;
  digest?: string;
}

const DOCKER_HUB_ALIASES = new Set(["index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]);

/** Normalise a reference; undefined for text that cannot be one (empty, only a tag). */
export function normalizeImageRef(ref: string): ImageRef | undefined {
  const trimmed = ref.trim();
  if (trimmed === "" || /\s/.test(trimmed)) return undefined;
  const { name: rest, tag, digest } = splitImageRef(trimmed);
  if (rest === "" || rest.endsWith("/") || rest.startsWith("/")) return undefined;
  const out = (repository: string): ImageRef => ({ repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) });
  // a registry we cannot know: keep it as a leading wildcard rather than guess docker.io
  if (rest.startsWith(OPEN)) return out(rest);
  const first = rest.indexOf("/");
  const head = first === -1 ? "" : rest.slice(0, first);
  let registry: string;
  let path: string;
  if (first !== -1 && (head.includes(".") || head.includes(":") || head === "localhost" || head !== head.toLowerCase())) {
    registry = DOCKER_HUB_ALIASES.has(head) ? "docker.io" : head;
    path = rest.slice(first + 1);
  } else {
    registry = "docker.io";
    path = rest;
  }
  if (registry === "docker.io" && !path.includes("/")) path = `library/${path}`;
  return out(`${registry}/${path}`);
}

/** Variables whose value spans several path segments (`owner/name`, `registry/group/project`). */
const MULTI_SEGMENT = /^(github\.repository|CI_REGISTRY_IMAGE|CI_PROJECT_PATH|CI_PROJECT_NAMESPACE|REGISTRY|DOCKER_REGISTRY|IMAGE_REPO|REPO|REGISTRY_PREFIX|IMAGE_PREFIX|PREFIX)$/i;

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A repository with wildcards for unresolved variables, or an exact one. */
export interface RepositoryPattern {
  /** normalised repository, with unresolved markers */
  text: string;
  exact: boolean;
  /** for a pattern: the literal last path segment when it has one (the index key) */
  lastSegment?: string;
  regex?: RegExp;
}

/**
 * A matcher for a normalised repository. Returns undefined when the pattern is too broad
 * to mean anything (its last segment is entirely unknown: `$(REGISTRY)/$(NAME)`).
 */
/**
 * Whether a normalised repository's path (after its registry) is one Docker accepts:
 * lower-case components joined by `.`, `_`, `-`. A placeholder (`<image_url>`, `${IMAGE}` left
 * unrendered) is not an image anyone publishes.
 */
export function isImageName(repository: string): boolean {
  const path = repository.slice(repository.indexOf("/") + 1);
  return /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(path);
}

export function repositoryPattern(repository: string): RepositoryPattern | undefined {
  if (!hasUnresolved(repository)) return { text: repository, exact: true };
  const last = repository.slice(repository.lastIndexOf("/") + 1);
  if (last.replace(MARKER, "") === "") return undefined;
  const leading = repository.startsWith(OPEN);
  let index = 0;
  const source = repository
    .split(MARKER)
    .map((part, i) => {
      if (i % 2 === 0) return escapeRegex(part);
      const first = index++ === 0 && leading;
      return first || MULTI_SEGMENT.test(part) ? ".+" : "[^/]+";
    })
    .join("");
  return { text: repository, exact: false, regex: new RegExp(`^${source}$`), ...(hasUnresolved(last) ? {} : { lastSegment: last }) };
}

export function matchesRepository(pattern: RepositoryPattern, repository: string): boolean {
  return pattern.exact ? pattern.text === repository : pattern.regex!.test(repository);
}

/** Whether a tag as built (possibly with unresolved parts) can be the tag deployed. */
export function tagMatches(built: string, deployed: string): boolean {
  if (!hasUnresolved(built)) return built === deployed;
  const source = built
    .split(MARKER)
    .map((part, i) => (i % 2 === 0 ? escapeRegex(part) : ".*"))
    .join("");
  return new RegExp(`^${source}$`).test(deployed);
}

/**
 * A path with unresolved parts as a regex whose groups capture each variable's value,
 * so `services/$(SVC)/Dockerfile` binds SVC for the image name of the same command.
 */
export function pathMatcher(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path
    .split(MARKER)
    .map((part, i) => {
      if (i % 2 === 0) return escapeRegex(part);
      names.push(part);
      return i === 1 && path.startsWith(OPEN) ? "(.*)" : "([^/]+)";
    })
    .join("");
  return { regex: new RegExp(`^${source}$`), names };
}

/** The repository name of a reference as written (no tag or digest), for kustomize's name matching. */
export function nameOf(ref: string): string {
  return splitImageRef(ref).name;
}
