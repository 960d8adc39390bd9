/**
 * The minimal securityContext for one workload, exactly the `propose --format json` shape of
 * docs/schema/propose.schema.json. The probe fills one from its trials; `propose` fills them from static evidence
 * (and the probe). Optional fields are omitted, not null, so the object can be applied as a patch.
 */
export interface Proposal {
  /** The workload the proposal is for; null when probing a bare image with no manifest. */
  workload: ProposalWorkload | null;
  podSecurityContext: PodSecurityContextProposal;
  containers: ContainerProposal[];
  volumes: VolumeProposal[];
  /** One human-readable line per decision ("NET_BIND_SERVICE: without it: exit 1, 'bind: permission denied'"). */
  evidence: string[];
  /** True only when a trial with exactly this proposal behaved like the baseline. */
  verified: boolean;
  /** Pod template annotations to set: seccomp before Kubernetes 1.19, AppArmor before 1.30. */
  podAnnotations?: Record<string, string>;
  /** Each decision with the field it sets (propose fills it; the probe may leave it out). */
  fields?: FieldEvidence[];
  /** Each edit of the manifest the proposal makes, with its kind: `--write` writes safe and verified ones (propose fills it). */
  changes?: ProposedChange[];
  /** What to consider by hand; propose never writes it (explicit choices kept as written, node agents). */
  advice?: string[];
  /** Why the workload is treated as a node agent (then it gets advice only), when it is one. */
  nodeAgent?: string;
  /**
   * The Pod Security Standards level the workload reaches with every proposed change applied,
   * and what keeps it from `restricted`; `afterWrite`: the level after a default `--write`
   * (safe and verified changes only); `imageNeeds`: what blocks restricted is a need of the
   * image the evidence shows (root, a capability, privilege escalation).
   */
  pss?: { level: PssLevel; blockers: string[]; afterWrite?: PssLevel; imageNeeds?: boolean };
}

export type PssLevel = "privileged" | "baseline" | "restricted";

/** One edit of the manifest, in the `propose --format json` output. */
export interface ProposedChange {
  /** where, e.g. `spec.template.spec.containers[web].securityContext.allowPrivilegeEscalation` */
  path: string;
  op: "set" | "append";
  value: unknown;
  /** safe: cannot stop what runs today; verified: a probe trial ran it; unverified: written only with --include-unverified */
  kind: "safe" | "verified" | "unverified";
  /** whether a default `--write` writes it */
  written: boolean;
  evidence: string;
}

/** One field of a proposal and why it has that value. */
export interface FieldEvidence {
  /** where it goes, e.g. `containers[web].securityContext.capabilities.add` or `securityContext.runAsUser` (pod) */
  field: string;
  value: unknown;
  evidence: string;
  /** how it was decided */
  source: "static" | "probe" | "manifest";
  /** how sure the value is: safe, verified by a probe trial, or unverified */
  kind?: "safe" | "verified" | "unverified";
}

export interface ProposalWorkload {
  file: string;
  kind: string;
  name: string;
  namespace: string;
  /** the kustomize overlay or chart a rendered workload comes from (docs/rendering.md) */
  unit?: string;
}

export interface PodSecurityContextProposal {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  fsGroup?: number;
  seccompProfile?: { type: "RuntimeDefault" | "Localhost" | "Unconfined"; localhostProfile?: string };
  /** The AppArmor field (Kubernetes 1.30+); earlier versions get `podAnnotations`. */
  appArmorProfile?: { type: "RuntimeDefault" | "Localhost" | "Unconfined"; localhostProfile?: string };
}

export interface ContainerProposal {
  name: string;
  /** Which list of the pod spec it is in (absent means `containers`). */
  list?: "containers" | "initContainers";
  /** The image pinned by digest, when the digest is known and the manifest uses a tag. */
  image?: string;
  securityContext: ContainerSecurityContextProposal;
  volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}

export interface ContainerSecurityContextProposal {
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  readOnlyRootFilesystem?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: "RuntimeDefault" | "Localhost" | "Unconfined"; localhostProfile?: string };
  appArmorProfile?: { type: "RuntimeDefault" | "Localhost" | "Unconfined"; localhostProfile?: string };
}

export interface VolumeProposal {
  name: string;
  emptyDir: { medium?: "Memory"; sizeLimit?: string };
}
