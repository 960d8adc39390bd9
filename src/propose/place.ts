import type { KubeVersion } from "../kube/version.js";
import type { Workload, WorkloadKind } from "../manifest/workload.js";
import { isObj, type Obj } from "../manifest/yaml-value.js";
import { evaluatePss } from "../pss/evaluate.js";
import { applyChanges, type Change, formatPath, isWritable, type ObjectPath, sameValue, valueAt } from "./changes.js";
import type { ContainerDecision, Decided } from "./decide.js";
import type { ContainerProposal, FieldEvidence, Proposal, VolumeProposal } from "./proposal.js";
import { volumeName } from "./volume-name.js";

/** A workload's proposal, and the edits of its object that apply it. */
export interface PlacedProposal {
  workload: Workload;
  proposal: Proposal;
  /** edits relative to the workload's object (a List item's own root), each with its kind */
  changes: Change[];
  /** one line per change, in the same order */
  changeEvidence: string[];
}

/** The changes `--write` makes: safe and verified ones, and unverified ones only when asked. */
export function writableChanges(p: PlacedProposal, includeUnverified: boolean): Change[] {
  return p.changes.filter((c) => isWritable(c, includeUnverified));
}


export function podSpecPath(kind: WorkloadKind): string[] {
  switch (kind) {
    case "Pod":
      return ["spec"];
    case "PodTemplate":
      return ["template", "spec"];
    case "CronJob":
      return ["spec", "jobTemplate", "spec", "template", "spec"];
    default:
      return ["spec", "template", "spec"];
  }
}

export function podMetadataPath(kind: WorkloadKind): string[] {
  return kind === "Pod" ? ["metadata"] : [...podSpecPath(kind).slice(0, -1), "metadata"];
}

const SHARED = ["runAsNonRoot", "runAsUser", "runAsGroup", "seccompProfile", "appArmorProfile"] as const;

/**
 * Put each decided value where it belongs: shared fields on the pod when every container
 * wants the same value, else on each container; then keep only the edits that change the
 * manifest. The proposal itself lists the full desired settings (kept ones too).
 */
export function placeWorkload(workload: Workload, decisions: ContainerDecision[], kube: KubeVersion, verified: boolean, extraEvidence: string[], nodeAgent?: string): PlacedProposal {
  const obj = workload.object;
  const specPath = podSpecPath(workload.kind);
  const metaPath = podMetadataPath(workload.kind);
  const podSc = isObj(workload.podSpec.securityContext) ? workload.podSpec.securityContext : {};
  const changes: Change[] = [];
  const changeEvidence: string[] = [];
  const fields: FieldEvidence[] = [];
  const evidence: string[] = [];
  const podSecurityContext: Obj = {};
  const containers = new Map<ContainerDecision, ContainerProposal>();
  for (const d of decisions) {
    containers.set(d, {
      name: d.container.name,
      ...(d.list === "initContainers" ? { list: "initContainers" as const } : {}),
      securityContext: {},
      volumeMounts: [],
    });
  }
  const containerPath = (d: ContainerDecision): ObjectPath => [...specPath, d.list, { index: d.container.index, key: "name", value: d.container.name }];
  const label = (d: ContainerDecision, field: string) => `containers[${d.container.name}].${field}`;

  const set = (path: ObjectPath, value: unknown, why: Decided<unknown>, field: string) => {
    const current = valueAt(obj, path);
    fields.push({ field, value, evidence: why.evidence, source: why.source, kind: why.kind });
    evidence.push(`${field}: ${show(value)}: ${why.evidence}`);
    if (sameValue(current, value)) return;
    changes.push({ op: "set", path, value, kind: why.kind });
    changeEvidence.push(`${formatPath(path)}: ${why.evidence}`);
  };

  // shared fields: pod level when all containers agree
  for (const key of SHARED) {
    const wanted = decisions.map((d) => d.shared[key] as Decided<unknown> | undefined);
    const first = wanted[0];
    const agree = first !== undefined && wanted.every((w) => w !== undefined && sameValue(w.value, first.value));
    const ownValue = (d: ContainerDecision) => {
      const sc = d.container.spec.securityContext;
      return isObj(sc) ? sc[key] : undefined;
    };
    if (agree && decisions.length > 0) {
      const allOwnSame = decisions.every((d) => sameValue(ownValue(d), first.value));
      if (allOwnSame && !sameValue(podSc[key], first.value)) {
        for (const d of decisions) {
          (containers.get(d)!.securityContext as Obj)[key] = first.value;
          set([...containerPath(d), "securityContext", key], first.value, first, label(d, `securityContext.${key}`));
        }
        continue;
      }
      podSecurityContext[key] = first.value;
      set([...specPath, "securityContext", key], first.value, first, `securityContext.${key}`);
      for (const d of decisions) {
        const own = ownValue(d);
        if (own !== undefined && own !== null && !sameValue(own, first.value)) {
          (containers.get(d)!.securityContext as Obj)[key] = first.value;
          set([...containerPath(d), "securityContext", key], first.value, first, label(d, `securityContext.${key}`));
        }
      }
      continue;
    }
    decisions.forEach((d, i) => {
      const w = wanted[i];
      if (!w) return;
      (containers.get(d)!.securityContext as Obj)[key] = w.value;
      const own = ownValue(d);
      const effective = own !== undefined && own !== null ? own : podSc[key];
      if (sameValue(effective, w.value)) {
        fields.push({ field: label(d, `securityContext.${key}`), value: w.value, evidence: w.evidence, source: w.source, kind: w.kind });
        evidence.push(`${label(d, `securityContext.${key}`)}: ${show(w.value)}: ${w.evidence}`);
        return;
      }
      set([...containerPath(d), "securityContext", key], w.value, w, label(d, `securityContext.${key}`));
    });
  }

  // container-only fields
  for (const d of decisions) {
    const cp = containers.get(d)!;
    const base = [...containerPath(d), "securityContext"];
    for (const key of ["allowPrivilegeEscalation", "privileged", "readOnlyRootFilesystem"] as const) {
      const w = d[key];
      if (!w) continue;
      cp.securityContext[key] = w.value;
      set([...base, key], w.value, w, label(d, `securityContext.${key}`));
    }
    if (d.drop || d.add) cp.securityContext.capabilities = {};
    if (d.drop) {
      cp.securityContext.capabilities!.drop = d.drop.value;
      set([...base, "capabilities", "drop"], d.drop.value, d.drop, label(d, "securityContext.capabilities.drop"));
    }
    if (d.add) {
      cp.securityContext.capabilities!.add = d.add.value;
      const current = valueAt(obj, [...base, "capabilities", "add"]);
      const same = Array.isArray(current) && sameValue([...current].map(String).sort(), [...d.add.value].sort());
      if (!same && !(d.add.value.length === 0 && current === undefined)) set([...base, "capabilities", "add"], d.add.value, d.add, label(d, "securityContext.capabilities.add"));
      else {
        fields.push({ field: label(d, "securityContext.capabilities.add"), value: d.add.value, evidence: d.add.evidence, source: d.add.source, kind: d.add.kind });
        evidence.push(`${label(d, "securityContext.capabilities.add")}: ${show(d.add.value)}: ${d.add.evidence}`);
      }
    }
    if (d.image) {
      cp.image = d.image.value;
      set([...containerPath(d), "image"], d.image.value, d.image, label(d, "image"));
    }
  }

  // volumes and mounts: one emptyDir per path, shared by the containers that need it
  const podVolumes = Array.isArray(workload.podSpec.volumes) ? workload.podSpec.volumes.filter(isObj) : [];
  const names = new Set(podVolumes.map((v) => String(v.name)));
  const byPath = new Map<string, string>();
  const volumes: VolumeProposal[] = [];
  for (const d of decisions) {
    for (const m of d.mounts) {
      if (m.existing !== undefined) {
        const vol = podVolumes.find((v) => v.name === m.existing);
        containers.get(d)!.volumeMounts.push({ name: m.existing, mountPath: m.path });
        if (vol && isObj(vol.emptyDir) && !volumes.some((v) => v.name === m.existing)) volumes.push({ name: m.existing, emptyDir: vol.emptyDir as VolumeProposal["emptyDir"] });
        fields.push({ field: label(d, `volumeMounts[${m.path}]`), value: m.existing, evidence: m.evidence, source: "manifest", kind: "safe" });
        continue;
      }
      let name = byPath.get(m.path);
      if (!name) {
        const base = volumeName(m.path);
        const reusable = podVolumes.find((v) => v.name === base && isObj(v.emptyDir));
        name = base;
        for (let n = 2; !reusable && names.has(name); n++) name = `${base}-${n}`;
        names.add(name);
        byPath.set(m.path, name);
        volumes.push({ name, emptyDir: {} });
        if (!reusable) {
          changes.push({ op: "append", path: [...specPath, "volumes"], value: { name, emptyDir: {} }, kind: m.kind });
          changeEvidence.push(`${formatPath([...specPath, "volumes"])} + ${name}: emptyDir for ${m.path}`);
        }
        fields.push({ field: `volumes[${name}]`, value: { emptyDir: {} }, evidence: m.evidence, source: m.source, kind: m.kind });
      }
      containers.get(d)!.volumeMounts.push({ name, mountPath: m.path });
      changes.push({ op: "append", path: [...containerPath(d), "volumeMounts"], value: { name, mountPath: m.path }, kind: m.kind });
      changeEvidence.push(`${label(d, "volumeMounts")} + ${m.path}: ${m.evidence}`);
      fields.push({ field: label(d, `volumeMounts[${m.path}]`), value: name, evidence: m.evidence, source: m.source, kind: m.kind });
      evidence.push(`emptyDir at ${m.path} (${d.container.name}): ${m.evidence}`);
    }
  }

  // fsGroup, when a new uid must write the pod's storage
  const fsGroup = decisions.find((d) => d.list === "containers" && d.fsGroup)?.fsGroup ?? decisions.find((d) => d.fsGroup)?.fsGroup;
  if (fsGroup) {
    const current = podSc.fsGroup;
    if (typeof current === "number" && current > 0) {
      podSecurityContext.fsGroup = current;
      fields.push({ field: "securityContext.fsGroup", value: current, evidence: "kept: set in the manifest", source: "manifest", kind: "safe" });
    } else {
      podSecurityContext.fsGroup = fsGroup.value;
      set([...specPath, "securityContext", "fsGroup"], fsGroup.value, fsGroup, "securityContext.fsGroup");
    }
  }

  // annotations (seccomp before 1.19, AppArmor before 1.30)
  const podAnnotations: Record<string, string> = {};
  for (const d of decisions) {
    for (const [key, w] of Object.entries(d.annotations)) {
      if (podAnnotations[key] !== undefined) continue;
      podAnnotations[key] = w.value;
      set([...metaPath, "annotations", key], w.value, w, `metadata.annotations.${key}`);
    }
  }
  for (const d of decisions) for (const n of d.notes) evidence.push(`${d.container.name}: ${n}`);
  evidence.push(...extraEvidence);
  const advice = [...new Set(decisions.flatMap((d) => d.advice))];

  const proposal: Proposal = {
    workload: {
      file: workload.file.path,
      kind: workload.kind,
      name: workload.name,
      namespace: workload.namespace,
      ...(workload.rendered ? { unit: workload.rendered.unit } : {}),
    },
    podSecurityContext: podSecurityContext as Proposal["podSecurityContext"],
    containers: [...containers.values()],
    volumes,
    evidence,
    verified,
    ...(Object.keys(podAnnotations).length ? { podAnnotations } : {}),
    fields,
    advice,
  };
  if (nodeAgent !== undefined) return adviceOnly(workload, proposal, changes, changeEvidence, decisions, kube, nodeAgent);
  proposal.pss = pssAfter(workload, changes, decisions, kube);
  proposal.pss.afterWrite = pssAfter(workload, changes.filter((c) => isWritable(c, false)), decisions, kube).level;
  return { workload, proposal, changes, changeEvidence };
}

/**
 * A node agent reads or changes the host on purpose: nothing is written, and what would
 * have been proposed becomes advice to try by hand.
 */
function adviceOnly(workload: Workload, proposal: Proposal, changes: Change[], changeEvidence: string[], decisions: ContainerDecision[], kube: KubeVersion, reason: string): PlacedProposal {
  const advice = changes.length
    ? [`consider, after testing the agent with it: ${changes.map((c, i) => `${shortChange(workload, c, changeEvidence[i]!)}`).join("; ")}`]
    : [];
  const pss = pssAfter(workload, [], decisions, kube);
  delete proposal.podAnnotations;
  return {
    workload,
    proposal: {
      ...proposal,
      podSecurityContext: {},
      containers: proposal.containers.map((c) => ({ ...c, securityContext: {}, volumeMounts: [] })),
      volumes: [],
      fields: [],
      advice: [...advice, ...(proposal.advice ?? [])],
      nodeAgent: reason,
      pss: { ...pss, afterWrite: pss.level },
    },
    changes: [],
    changeEvidence: [],
  };
}

/** Apply the edits to a copy and ask the PSS evaluation what level that reaches, and what stops it. */
function pssAfter(workload: Workload, changes: Change[], decisions: ContainerDecision[], kube: KubeVersion): NonNullable<Proposal["pss"]> {
  const copy = structuredClone(workload.object) as Obj;
  applyChanges(copy, changes);
  const podSpec = valueAt(copy, podSpecPath(workload.kind));
  const meta = valueAt(copy, podMetadataPath(workload.kind));
  const annotations: Record<string, string> = {};
  if (isObj(meta) && isObj(meta.annotations)) for (const [k, v] of Object.entries(meta.annotations)) annotations[k] = String(v);
  const result = evaluatePss({ podSpec: isObj(podSpec) ? podSpec : {}, podAnnotations: annotations }, kube);
  const blockers: string[] = [];
  let evidenced = false;
  const ours = decisions.flatMap((d) => d.blockers);
  // what the manifest violates as written, so a violation the proposal brings is not blamed on it
  const before = new Set(evaluatePss(workload, kube).violations.map((v) => v.check));
  for (const v of result.violations) {
    const explained = ours.filter((b) => b.check === v.check || (v.check === "runAsUser" && b.check === "runAsNonRoot") || (v.check.startsWith("seccomp") && b.check.startsWith("seccomp")));
    if (explained.length) for (const b of explained) blockers.push(`${v.check}: ${b.reason}`);
    else if (before.has(v.check)) blockers.push(`${v.check}: ${v.message} (as the manifest is written; propose does not change it)`);
    else blockers.push(`${v.check}: ${v.message} (what the proposal adds)`);
    if (explained.some((b) => b.evidenced)) evidenced = true;
  }
  return { level: result.level, blockers: [...new Set(blockers)], ...(evidenced ? { imageNeeds: true } : {}) };
}


/** A change as `path = value` below the pod spec, for advice. */
function shortChange(workload: Workload, c: Change, evidence: string): string {
  const spec = podSpecPath(workload.kind);
  const full = evidence.slice(0, evidence.indexOf(": "));
  const path = spec.every((seg, i) => c.path[i] === seg) ? formatPath(c.path.slice(spec.length)) : full;
  return c.op === "append" ? `add ${show(c.value)} to ${path}` : `${path}: ${show(c.value)}`;
}

function show(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}
