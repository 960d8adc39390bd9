/** What a file is to shipshape, decided from its name alone (content is checked later). */
export type FileRole = "dockerfile" | "manifest" | "build-config";

const DOCKERFILE = /^(Dockerfile|Containerfile)$|\.(Dockerfile|Containerfile)$|^(Dockerfile|Containerfile)\.[^/]+$/i;
const YAML_OR_JSON = /\.(ya?ml|json)$/i;
const BUILD_CONFIG_NAMES =
  /^(skaffold([.-][\w-]+)*\.ya?ml|(docker-)?compose(\.[\w-]+)?\.ya?ml|kustomization\.ya?ml|Kustomization|\.gitlab-ci\.ya?ml|cloudbuild([.-][\w-]+)*\.ya?ml|Makefile|GNUmakefile|makefile|[\w.-]+\.mk|Tiltfile|[\w.-]+\.sh|\.shipshape\.ya?ml)$/;

export function rolesOf(relPath: string): FileRole[] {
  const base = relPath.slice(relPath.lastIndexOf("/") + 1);
  const roles: FileRole[] = [];
  // Dockerfile.dev is a Dockerfile, Dockerfile.yaml would be odd but is YAML first
  if (DOCKERFILE.test(base) && !YAML_OR_JSON.test(base) && !/\.(md|txt|dockerignore)$/i.test(base)) roles.push("dockerfile");
  if (YAML_OR_JSON.test(base)) roles.push("manifest");
  if (BUILD_CONFIG_NAMES.test(base) || /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(relPath)) roles.push("build-config");
  return roles;
}
