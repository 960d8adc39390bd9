import type { Located, Pos, SourceFile } from "../source/source-file.js";
import type { YamlPositions } from "./yaml-load.js";
import { effectiveSecurityContext, type EffectiveSecurityContext } from "./security-context.js";
import { isObj, type Obj } from "./yaml-value.js";

export type { Obj };

/** Kinds that carry a pod template (docs/schema/scan.schema.json). */
export const WORKLOAD_KINDS = [
  "Pod",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "ReplicationController",
  "Job",
  "CronJob",
  "PodTemplate",
] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export type ContainerKind = "container" | "initContainer" | "ephemeralContainer";


export interface Container {
  name: string;
  kind: ContainerKind;
  index: number;
  spec: Obj;
  node: Pos;
  image?: Located<string>;
  securityContext: EffectiveSecurityContext;
  /** position of a field of this container's own spec, if written */
  at(key: string): Pos | undefined;
}

export interface Workload {
  file: SourceFile;
  /** index of the YAML document in its file */
  docIndex: number;
  node: Pos;
  apiVersion: string;
  kind: WorkloadKind;
  name: string;
  namespace: string;
  /** the object itself (List items are their own workloads) */
  object: Obj;
  /** metadata.annotations of the object */
  annotations: Record<string, string>;
  /** annotations of the pod template (the object's own for a Pod) */
  podAnnotations: Record<string, string>;
  podAnnotationsNode?: Pos;
  /** the pod template's metadata mapping (the object's for a Pod) */
  podMetadata: Obj;
  podSpec: Obj;
  podSpecNode: Pos;
  /** containers, then initContainers, then ephemeralContainers */
  containers: Container[];
  positions: YamlPositions;
  /** rule ids from `shipshape.dev/ignore` on the object or its pod template */
  ignoredRules: string[];
  /** set when the workload is a tool's rendered output (src/render/): the deployment unit and the command */
  rendered?: { unit: string; renderedBy: string; tool: "kustomize" | "helm" };
}

export const IGNORE_ANNOTATION = "shipshape.dev/ignore";

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObj(v)) return out;
  for (const [k, val] of Object.entries(v)) {
    const s = str(val) ?? (typeof val === "boolean" ? String(val) : undefined);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

/**
 * A workload part of the wrong type (`containers: 5`, `spec: hello`, a List's `items: 5`):
 * Kubernetes would refuse the object, and the scan cannot check what it cannot read, so
 * it says so (input/invalid-workload) rather than dropping it. A part left out or null is
 * not a problem: patches and partial manifests leave parts out.
 */
export interface ShapeProblem {
  message: string;
  at: Pos;
}

/** Reads the parts of one object, reporting those of the wrong type. */
class ShapeReader {
  constructor(
    private readonly positions: YamlPositions,
    /** `Deployment 'web'`: who the messages are about */
    private readonly who: string,
    private readonly problems: ShapeProblem[] | undefined,
  ) {}

  /** `holder[key]` if it is a mapping; reports a present value of another type. */
  mapping(holder: Obj, key: string, path: string): Obj | undefined {
    const v = holder[key];
    if (isObj(v)) return v;
    if (v !== undefined && v !== null) this.report(holder, key, `${path} must be a mapping, not ${describe(v)}`);
    return undefined;
  }

  /** `holder[key]` if it is a list; reports a present value of another type. */
  list(holder: Obj, key: string, path: string): unknown[] | undefined {
    const v = holder[key];
    if (Array.isArray(v)) return v;
    if (v !== undefined && v !== null) this.report(holder, key, `${path} must be a list, not ${describe(v)}`);
    return undefined;
  }

  /** Whether `list[index]` is a mapping; reports it if not. */
  item(list: unknown[], index: number, path: string): boolean {
    const v = list[index];
    if (isObj(v)) return true;
    this.reportAt(this.positions.item(list, index) ?? this.positions.of(list), `${path}[${index}] must be a mapping, not ${describe(v)}`);
    return false;
  }

  private report(holder: Obj, key: string, what: string): void {
    this.reportAt(this.positions.key(holder, key) ?? this.positions.of(holder), what);
  }

  private reportAt(at: Pos | undefined, what: string): void {
    this.problems?.push({ message: `${this.who}: ${what}; Kubernetes would refuse it, and it was not checked`, at: at ?? { file: this.positions.file, offset: 0 } });
  }
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return "empty";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `the string '${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
  return `${typeof v === "number" ? "the number " : ""}${String(v)}`;
}

/** Where the pod template of each workload kind lives. */
function podTemplateOf(kind: WorkloadKind, obj: Obj, read: ShapeReader): { metadata: Obj; spec: Obj; holder: Obj } | undefined {
  if (kind === "PodTemplate") return templateIn(obj, "template", read);
  const spec = read.mapping(obj, "spec", "spec");
  if (!spec) return undefined;
  switch (kind) {
    case "Pod":
      return { metadata: isObj(obj.metadata) ? obj.metadata : {}, spec, holder: obj };
    case "CronJob": {
      const jobTemplate = read.mapping(spec, "jobTemplate", "spec.jobTemplate");
      const jobSpec = jobTemplate && read.mapping(jobTemplate, "spec", "spec.jobTemplate.spec");
      return jobSpec ? templateIn(jobSpec, "template", read, "spec.jobTemplate.spec.") : undefined;
    }
    default:
      return templateIn(spec, "template", read, "spec.");
  }
}

function templateIn(holder: Obj, key: string, read: ShapeReader, prefix = ""): { metadata: Obj; spec: Obj; holder: Obj } | undefined {
  const t = read.mapping(holder, key, `${prefix}${key}`);
  const spec = t && read.mapping(t, "spec", `${prefix}${key}.spec`);
  if (!t || !spec) return undefined;
  return { metadata: isObj(t.metadata) ? t.metadata : {}, spec, holder: t };
}

export function isWorkloadKind(kind: unknown): kind is WorkloadKind {
  return typeof kind === "string" && (WORKLOAD_KINDS as readonly string[]).includes(kind);
}

function parseIgnoreList(...values: Array<string | undefined>): string[] {
  const ids: string[] = [];
  for (const v of values) {
    if (!v) continue;
    for (const id of v.split(/[\s,]+/)) if (id) ids.push(id);
  }
  return ids;
}

/**
 * Build the workloads of one YAML document: the object itself, or each item of a `List`.
 * Anything without a pod template is not a workload and is skipped; a workload part of the
 * wrong type is added to `problems` (see ShapeProblem).
 */
export function workloadsOf(value: unknown, docIndex: number, positions: YamlPositions, problems?: ShapeProblem[]): Workload[] {
  if (!isObj(value)) return [];
  const kind = value.kind;
  const metadata = isObj(value.metadata) ? value.metadata : {};
  const who = `${typeof kind === "string" ? kind : "object"}${typeof metadata.name === "string" ? ` '${metadata.name}'` : ""}`;
  const read = new ShapeReader(positions, who, problems);
  if (kind === "List" || (typeof kind === "string" && kind.endsWith("List"))) {
    const items = read.list(value, "items", "items") ?? [];
    return items.flatMap((item, i) => (read.item(items, i, "items") ? workloadsOf(item, docIndex, positions, problems) : []));
  }
  if (!isWorkloadKind(kind)) return [];
  const template = podTemplateOf(kind, value, read);
  if (!template) return [];
  const file = positions.file;
  const annotations = stringMap(metadata.annotations);
  const podAnnotations = template.metadata === metadata ? annotations : stringMap(template.metadata.annotations);
  const nodeOf = (o: object, fallback: Pos): Pos => positions.of(o) ?? fallback;
  const objNode = nodeOf(value, { file, offset: 0 });
  const podSpecNode = positions.key(template.holder, "spec") ?? nodeOf(template.spec, objNode);
  const workload: Workload = {
    file,
    docIndex,
    node: objNode,
    apiVersion: str(value.apiVersion) ?? "",
    kind,
    name: str(metadata.name) ?? "",
    namespace: str(metadata.namespace) ?? "default",
    object: value,
    annotations,
    podAnnotations,
    podAnnotationsNode: isObj(template.metadata.annotations) ? positions.key(template.metadata, "annotations") : undefined,
    podMetadata: template.metadata,
    podSpec: template.spec,
    podSpecNode,
    containers: [],
    positions,
    ignoredRules: parseIgnoreList(
      annotations[IGNORE_ANNOTATION],
      template.metadata === metadata ? undefined : podAnnotations[IGNORE_ANNOTATION],
    ),
  };
  const lists: Array<[string, ContainerKind]> = [
    ["containers", "container"],
    ["initContainers", "initContainer"],
    ["ephemeralContainers", "ephemeralContainer"],
  ];
  const specPath = kind === "Pod" ? "spec" : kind === "PodTemplate" ? "template.spec" : kind === "CronJob" ? "spec.jobTemplate.spec.template.spec" : "spec.template.spec";
  for (const [key, ckind] of lists) {
    const list = read.list(template.spec, key, `${specPath}.${key}`);
    if (!list) continue;
    list.forEach((spec, index) => {
      if (!read.item(list, index, `${specPath}.${key}`) || !isObj(spec)) return;
      const node = positions.item(list, index) ?? positions.key(template.spec, key) ?? podSpecNode;
      const imageNode = positions.key(spec, "image");
      const image = str(spec.image);
      workload.containers.push({
        name: str(spec.name) ?? `${key}[${index}]`,
        kind: ckind,
        index,
        spec,
        node,
        image: image !== undefined ? { value: image, node: imageNode ?? node } : undefined,
        securityContext: effectiveSecurityContext(template.spec, spec, positions, node),
        at: (k) => positions.key(spec, k),
      });
    });
  }
  return [workload];
}
