/** What a file is to shipshape, decided from its name alone (content is checked later). */
export type FileRole = "dockerfile" | "manifest" | "build-config";

const DOCKERFILE = /^(Dockerfile|Containerfile)$|\.(Dockerfile|Containerfile)$|^(Dockerfile|Containerfile)\.[^/]+$/i;
const YAML_OR_JSON = /\.(ya?ml|json)$/i;
const BUILD_CONFIG_NAMES =
  /^(skaffold([.-][\w-]+)*\.ya?ml|(docker-)?compose(\.[\w-]+)?\.ya?ml|kustomization\.ya?ml|Kustomization|\.gitlab-ci\.ya?ml|cloudbuild([.-][\w-]+)*\.ya?ml|Makefile|GNUmakefile|makefile|[\w.-]+\.mk|Tiltfile|docker-bake(\.[\w-]+)?\.(hcl|json)|\.env|[\w.-]+\.sh|\.shipshape\.ya?ml)$/;

/**
 * The roles of a file. The arrays are shared by every file with the same roles (a fresh
 * array per file cost ~150 bytes each: 7.7 MB of a 50,000-file workspace), so never change one.
 */
export function rolesOf(relPath: string): readonly FileRole[] {
  const base = relPath.slice(relPath.lastIndexOf("/") + 1);
  // Dockerfile.dev is a Dockerfile, Dockerfile.yaml would be odd but is YAML first
  // dockerfile.go (a generator of Dockerfiles) is source code, not a Dockerfile
  const dockerfile = DOCKERFILE.test(base) && !YAML_OR_JSON.test(base) && !/\.(md|txt|dockerignore|go|py|js|ts|rb|java|rs|kt|cs)$/i.test(base);
  const manifest = YAML_OR_JSON.test(base);
  const buildConfig = BUILD_CONFIG_NAMES.test(base) || /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(relPath);
  return SHARED_ROLES[(dockerfile ? 1 : 0) | (manifest ? 2 : 0) | (buildConfig ? 4 : 0)]!;
}

const SHARED_ROLES: ReadonlyArray<readonly FileRole[]> = Array.from({ length: 8 }, (_, bits) =>
  Object.freeze((["dockerfile", "manifest", "build-config"] as const).filter((_, i) => bits & (1 << i))),
);

/** The roles of a file read only as a manifest (a file named on the command line whose name says nothing). */
export const MANIFEST_ONLY = SHARED_ROLES[2]!;
