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

/** Where the pod template of each workload kind lives. */
function podTemplateOf(kind: WorkloadKind, obj: Obj): { metadata: Obj; spec: Obj; holder: Obj } | undefined {
  const spec = isObj(obj.spec) ? obj.spec : undefined;
  switch (kind) {
    case "Pod":
      return spec ? { metadata: isObj(obj.metadata) ? obj.metadata : {}, spec, holder: obj } : undefined;
    case "PodTemplate":
      return templateIn(obj.template);
    case "CronJob": {
      const jobTemplate = spec && isObj(spec.jobTemplate) ? spec.jobTemplate : undefined;
      const jobSpec = jobTemplate && isObj(jobTemplate.spec) ? jobTemplate.spec : undefined;
      return jobSpec ? templateIn(jobSpec.template) : undefined;
    }
    default:
      return spec ? templateIn(spec.template) : undefined;
  }
}

function templateIn(t: unknown): { metadata: Obj; spec: Obj; holder: Obj } | undefined {
  if (!isObj(t) || !isObj(t.spec)) return undefined;
  return { metadata: isObj(t.metadata) ? t.metadata : {}, spec: t.spec, holder: t };
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
 * Anything without a pod template is not a workload and is skipped.
 */
export function workloadsOf(value: unknown, docIndex: number, positions: YamlPositions): Workload[] {
  if (!isObj(value)) return [];
  if (value.kind === "List" || (typeof value.kind === "string" && value.kind.endsWith("List"))) {
    const items = Array.isArray(value.items) ? value.items : [];
    return items.flatMap((item) => workloadsOf(item, docIndex, positions));
  }
  const kind = value.kind;
  if (!isWorkloadKind(kind)) return [];
  const template = podTemplateOf(kind, value);
  if (!template) return [];
  const file = positions.file;
  const metadata = isObj(value.metadata) ? value.metadata : {};
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
  for (const [key, ckind] of lists) {
    const list = template.spec[key];
    if (!Array.isArray(list)) continue;
    list.forEach((spec, index) => {
      if (!isObj(spec)) return;
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
