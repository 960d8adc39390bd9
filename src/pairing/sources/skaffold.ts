import { loadYaml, type YamlPositions } from "../../manifest/yaml-load.js";
import { isObj, type Obj } from "../../manifest/yaml-value.js";
import type { SourceFile } from "../../source/source-file.js";
import { dirOf, dockerfileIn, joinRel, type DockerlessImage, type ImageBuild } from "../build.js";

/**
 * skaffold.yaml: every config document of the file (`---`-separated, any `skaffold/v*`
 * apiVersion), `build.artifacts` and each profile's, with the Docker, kaniko and custom
 * (dockerfile dependency) builders. Configs pulled in by `requires` are files of their
 * own and read the same way; their paths are relative to their own folder. Skaffold
 * chooses the tag at deploy time and rewrites the manifests, so tags are not known.
 * Jib, ko, buildpacks and bazel artifacts go to `dockerless`: the reason their image pairs with no Dockerfile.
 */
export function skaffoldBuilds(file: SourceFile, dockerless?: DockerlessImage[]): ImageBuild[] {
  const { docs } = loadYaml(file);
  const base = dirOf(file.path);
  const out: ImageBuild[] = [];
  for (const doc of docs) {
    const v = doc.value;
    if (!isObj(v) || typeof v.apiVersion !== "string" || !v.apiVersion.startsWith("skaffold/")) continue;
    const configName = isObj(v.metadata) && typeof v.metadata.name === "string" ? v.metadata.name : undefined;
    const where = (profile?: string) =>
      [configName ? `config ${configName}` : "", profile ? `profile ${profile}` : ""].filter(Boolean).join(", ");
    if (isObj(v.build)) out.push(...artifacts(v.build, doc.positions, file, base, where(), dockerless));
    if (Array.isArray(v.profiles)) {
      for (const p of v.profiles) {
        if (!isObj(p)) continue;
        const name = where(typeof p.name === "string" ? p.name : "?");
        if (isObj(p.build)) out.push(...artifacts(p.build, doc.positions, file, base, name, dockerless));
        if (Array.isArray(p.patches) && isObj(v.build)) out.push(...patchedArtifacts(v.build, p.patches, doc.positions, file, base, name));
      }
    }
  }
  return out;
}

/**
 * A profile's JSON patches on an artifact (`replace /build/artifacts/7/docker/dockerfile`
 * with `Dockerfile.debug`, microservices-demo's debug profile): the patched artifact is a
 * build too, pointing at the patch.
 */
function patchedArtifacts(build: Obj, patches: unknown[], positions: YamlPositions, file: SourceFile, base: string, where: string): ImageBuild[] {
  const list = build.artifacts;
  if (!Array.isArray(list)) return [];
  const out: ImageBuild[] = [];
  patches.forEach((op, j) => {
    if (!isObj(op) || (op.op !== "replace" && op.op !== "add") || typeof op.path !== "string") return;
    const m = /^\/build\/artifacts\/(\d+)\/(.+)$/.exec(op.path);
    const original = m ? list[Number(m[1])] : undefined;
    if (!m || !isObj(original)) return;
    const artifact = structuredClone(original) as Obj;
    const keys = m[2]!.split("/").map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
    let at: Obj = artifact;
    for (const k of keys.slice(0, -1)) {
      if (!isObj(at[k])) at[k] = {};
      at = at[k] as Obj;
    }
    at[keys.at(-1)!] = op.value;
    const pos = positions.item(patches, j) ?? { file, offset: 0 };
    for (const b of artifacts({ artifacts: [artifact] }, positions, file, base, `${where}, ${op.op} ${op.path}`)) out.push({ ...b, at: pos });
  });
  return out;
}

function artifacts(build: Obj, positions: YamlPositions, file: SourceFile, base: string, where: string, dockerless?: DockerlessImage[]): ImageBuild[] {
  const list = build.artifacts;
  if (!Array.isArray(list)) return [];
  const out: ImageBuild[] = [];
  list.forEach((a, i) => {
    if (!isObj(a) || typeof a.image !== "string") return;
    const contextText = str(a.context) ?? str(a.workspace) ?? ".";
    const context = joinRel(base, contextText);
    if (context === undefined) return;
    const docker = isObj(a.docker) ? a.docker : isObj(a.kaniko) ? a.kaniko : undefined;
    const custom = isObj(a.custom) && isObj(a.custom.dependencies) && isObj(a.custom.dependencies.dockerfile) ? a.custom.dependencies.dockerfile : undefined;
    // buildpacks, jib, ko and bazel artifacts use no Dockerfile
    if (!docker && !custom && (a.buildpacks || a.jib || a.ko || a.bazel || a.custom)) {
      const tool = (["jib", "ko", "buildpacks", "bazel"] as const).find((t) => a[t]);
      const builder = a[tool ?? "custom"];
      const at = (isObj(builder) ? positions.of(builder) : undefined) ?? positions.item(list, i) ?? { file, offset: 0 };
      if (tool) dockerless?.push({ kind: "skaffold", at, tool, image: a.image });
      return;
    }
    const dockerfileText = str(docker?.dockerfile) ?? str(docker?.dockerfilePath) ?? str(custom?.path);
    const dockerfile = dockerfileIn(context, dockerfileText);
    if (dockerfile === undefined) return;
    const target = str(docker?.target);
    const buildArgs: Record<string, string> = {};
    const args = docker?.buildArgs ?? custom?.buildArgs;
    if (isObj(args)) for (const [k, val] of Object.entries(args)) if (val !== null && val !== undefined) buildArgs[k] = String(val);
    out.push({
      kind: "skaffold",
      at: positions.item(list, i) ?? positions.of(build) ?? { file, offset: 0 },
      detail: `artifact ${a.image}, context ${context || "."}${dockerfileText ? `, dockerfile ${dockerfileText}` : ""}${target ? `, target ${target}` : ""}${where ? ` (${where})` : ""}`,
      dockerfile,
      context,
      ...(target ? { target } : {}),
      images: [a.image],
      tagsKnown: false,
      ...(Object.keys(buildArgs).length ? { buildArgs } : {}),
    });
  });
  return out;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}
