import { statSync } from "node:fs";
import path from "node:path";
import type { Config } from "../../config/config.js";
import { UsageError } from "../../errors.js";
import { loadYaml } from "../../manifest/yaml-load.js";
import { isObj } from "../../manifest/yaml-value.js";
import { SourceFile, type Pos } from "../../source/source-file.js";
import { joinRel, type ImageBuild } from "../build.js";

/**
 * `.shipshape.yaml` `images:` mappings: the escape hatch, stated by the user, so the
 * highest confidence. Paths are relative to the scanned root.
 * @param file the configuration file when the scan read it (for line numbers)
 */
export function configBuilds(config: Config, file: SourceFile | undefined, root: string): ImageBuild[] {
  if (config.images.length === 0) return [];
  const source = file ?? new SourceFile(relativeSource(config.source, root), "");
  const items = file ? itemPositions(file) : [];
  return config.images.flatMap((m, i) => {
    const at: Pos = items[i] ?? { file: source, offset: 0 };
    const dockerfile = joinRel("", m.dockerfile);
    // a mapping to nothing would pair nothing, silently: the user meant a file that is not there
    if (dockerfile === undefined || !isFile(path.join(root, dockerfile))) {
      const line = file ? `:${file.position(at.offset).line}` : "";
      throw new UsageError(`${config.source ?? ".shipshape.yaml"}${line}: 'images[${i}].dockerfile' names ${m.dockerfile}, which is not a file under ${root}`);
    }
    return [
      {
        kind: "config" as const,
        at,
        detail: `images[${i}]: ${m.dockerfile} → ${m.image}${m.target ? ` (target ${m.target})` : ""}`,
        dockerfile,
        ...(m.context !== undefined ? { context: joinRel("", m.context) ?? m.context } : {}),
        ...(m.target !== undefined ? { target: m.target } : {}),
        images: [m.image],
        tagsKnown: /:[^/]*$/.test(m.image.replace(/@.*$/, "")),
      },
    ];
  });
}

function isFile(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}

function itemPositions(file: SourceFile): Pos[] {
  const { docs } = loadYaml(file);
  const top = docs[0]?.value;
  if (!isObj(top) || !Array.isArray(top.images)) return [];
  const list = top.images;
  return list.map((_, i) => docs[0]!.positions.item(list, i) ?? { file, offset: 0 });
}

function relativeSource(source: string | undefined, root: string): string {
  if (!source) return ".shipshape.yaml";
  const norm = source.split("\\").join("/");
  const r = root.split("\\").join("/").replace(/\/$/, "") + "/";
  return norm.startsWith(r) ? norm.slice(r.length) : norm;
}
