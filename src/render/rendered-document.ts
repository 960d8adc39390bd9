import { YamlPositions } from "../manifest/yaml-load.js";
import { SourceFile, type Location, type Pos } from "../source/source-file.js";

/** Where a value sits in an object: keys of mappings, indexes of sequences. */
export type ValuePath = ReadonlyArray<string | number>;

/** Maps a value of one rendered document back to the file and line that set it. */
export interface OriginLocator {
  locate(doc: RenderedDocument, path: ValuePath | undefined, pos: Pos): Location;
}

/**
 * Positions in rendered output that also know which value each one is: a finding points
 * at a position, and the path of the value there is what can be found again in the base
 * resource or the patch that set it. Every collection's path is recorded once, after the
 * parse; a Pos handed out for a key or item is remembered with its path.
 */
export class PathedPositions extends YamlPositions {
  private readonly paths = new Map<object, ValuePath>();
  private readonly posPaths = new WeakMap<Pos, ValuePath>();

  /** Record the path of every collection of a parsed document. */
  index(value: unknown, at: ValuePath = []): void {
    if (value === null || typeof value !== "object" || this.paths.has(value)) return;
    this.paths.set(value, at);
    if (Array.isArray(value)) value.forEach((v, i) => this.index(v, [...at, i]));
    else for (const [k, v] of Object.entries(value)) this.index(v, [...at, k]);
  }

  pathOf(pos: Pos): ValuePath | undefined {
    return this.posPaths.get(pos);
  }

  override of(obj: object): Pos | undefined {
    return this.tag(super.of(obj), this.paths.get(obj));
  }

  override key(obj: object, key: string): Pos | undefined {
    const base = this.paths.get(obj);
    return this.tag(super.key(obj, key), base && [...base, key]);
  }

  override item(arr: readonly unknown[], index: number): Pos | undefined {
    const base = this.paths.get(arr);
    return this.tag(super.item(arr, index), base && [...base, index]);
  }

  private tag(pos: Pos | undefined, path: ValuePath | undefined): Pos | undefined {
    if (pos && path) this.posPaths.set(pos, path);
    return pos;
  }
}

/** What the report says about a rendered workload's origin. */
export interface RenderedFrom {
  /** the deployment unit, relative to the scanned root (`overlays/prod`, `charts/web (values-prod.yaml)`, `<stdin>`) */
  unit: string;
  /** the command that rendered it (`kubectl kustomize`, `helm template`) */
  renderedBy: string;
  tool: "kustomize" | "helm";
}

/**
 * One document of a tool's rendered output. Its path is the source file the resource
 * came from (the base resource, the chart template); a finding at one of its positions
 * is reported at the file and line that set that value.
 */
export class RenderedDocument extends SourceFile {
  /** the positions of this document's parse, which know each value's path */
  readonly positions = new PathedPositions(this);

  constructor(
    path: string,
    text: string,
    readonly from: RenderedFrom,
    readonly locator: OriginLocator,
    /** the rendered object (annotations shipshape asked for removed) */
    public value: unknown = undefined,
  ) {
    super(path, text);
  }

  override locate(pos: Pos): Location {
    return this.locator.locate(this, this.positions.pathOf(pos), pos);
  }
}

/** The rendered value at a path. */
export function valueAtPath(root: unknown, path: ValuePath): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}
