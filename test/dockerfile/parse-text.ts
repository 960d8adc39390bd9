import { parseDockerfile } from "../../src/dockerfile/parse.js";
import type { Dockerfile, DockerfileOptions } from "../../src/dockerfile/model.js";
import { SourceFile, type Pos } from "../../src/source/source-file.js";

/** Parse Dockerfile text as if read from `Dockerfile`. */
export function parseText(text: string, options?: DockerfileOptions): Dockerfile {
  return parseDockerfile(new SourceFile("Dockerfile", text), options);
}

/** 1-based "line:column" of a position, the way findings report it. */
export function at(pos: Pos): string {
  const { line, column } = pos.file.position(pos.offset);
  return `${line}:${column}`;
}
