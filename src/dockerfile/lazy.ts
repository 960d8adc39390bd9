import type { SourceFile } from "../source/source-file.js";
import type { Dockerfile, DockerfileOptions } from "./model.js";
import { parseDockerfile } from "./parse.js";

/**
 * A Dockerfile parsed on first use. A scan shard reads every Dockerfile for pairing but
 * analyzes only those its own manifests deploy; `file` is known without parsing.
 */
export function lazyDockerfile(file: SourceFile, options: DockerfileOptions): Dockerfile {
  let model: Dockerfile | undefined;
  const parsed = () => (model ??= parseDockerfile(file, options));
  return new Proxy({ file } as Dockerfile, {
    get(target, key) {
      return key === "file" ? target.file : Reflect.get(parsed(), key);
    },
    has(_target, key) {
      return key in parsed();
    },
  });
}
