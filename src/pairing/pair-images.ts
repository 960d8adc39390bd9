import type { Dockerfile } from "../dockerfile/model.js";
import type { Workload } from "../manifest/workload.js";
import type { Config } from "../config/config.js";
import type { SourceFile } from "../source/source-file.js";
import type { Pair } from "./pair.js";

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
}

export interface PairingResult {
  pairs: Pair[];
  unpairedDockerfiles: string[];
  unpairedContainers: UnpairedContainer[];
}

/** Link each Dockerfile to the workload containers that deploy its image (issue 4). */
export function pairImages(input: PairingInput): PairingResult {
  return { pairs: [], unpairedDockerfiles: input.dockerfiles.map((d) => d.file.path), unpairedContainers: [] };
}
