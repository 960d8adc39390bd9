import { readFileSync } from "node:fs";
import path from "node:path";
import { loadYaml, type YamlDoc } from "../manifest/yaml-load.js";
import { SourceFile } from "../source/source-file.js";
import { readKustomization, type Kustomization } from "./kustomization.js";

/**
 * The source files rendered findings are mapped back to (base resources, patches,
 * kustomizations), each read and parsed once per scan however many units share it.
 */
export class SourceCache {
  private readonly files = new Map<string, { file: SourceFile; docs: YamlDoc[] } | null>();
  private readonly kustomizations = new Map<string, Kustomization>();

  /** @param realRoot the scanned root with symlinks resolved, as the tools see paths */
  constructor(readonly realRoot: string) {}

  /** A path for the user: relative to the scanned root, '/' separators. */
  relOf(abs: string): string {
    const rel = path.relative(this.realRoot, abs).split(path.sep).join("/");
    return rel === "" ? path.basename(abs) : rel;
  }

  /** A YAML file's documents, or undefined when it cannot be read or parsed. */
  yaml(abs: string): { file: SourceFile; docs: YamlDoc[] } | undefined {
    let known = this.files.get(abs);
    if (known === undefined) {
      try {
        const file = new SourceFile(this.relOf(abs), readFileSync(abs, "utf8"));
        known = { file, docs: loadYaml(file).docs };
      } catch {
        known = null;
      }
      this.files.set(abs, known);
    }
    return known ?? undefined;
  }

  kustomization(abs: string): Kustomization {
    let k = this.kustomizations.get(abs);
    if (!k) this.kustomizations.set(abs, (k = readKustomization(abs, (a) => this.relOf(a))));
    return k;
  }
}
