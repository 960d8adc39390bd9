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
  /** The Pod Security Standards level the workload reaches with the proposal applied, and what keeps it from `restricted`. */
  pss?: { level: "privileged" | "baseline" | "restricted"; blockers: string[] };
}

/** One field of a proposal and why it has that value. */
export interface FieldEvidence {
  /** where it goes, e.g. `containers[web].securityContext.capabilities.add` or `securityContext.runAsUser` (pod) */
  field: string;
  value: unknown;
  evidence: string;
  /** how it was decided */
  source: "static" | "probe" | "manifest";
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
