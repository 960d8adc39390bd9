/**
 * The minimal securityContext for one workload, exactly the `propose --format json` shape of
 * contract.md. The probe fills one from its trials; `propose` fills them from static evidence
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
}

export interface ProposalWorkload {
  file: string;
  kind: string;
  name: string;
  namespace: string;
}

export interface PodSecurityContextProposal {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  fsGroup?: number;
  seccompProfile?: { type: "RuntimeDefault" | "Localhost" | "Unconfined"; localhostProfile?: string };
}

export interface ContainerProposal {
  name: string;
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
}

export interface VolumeProposal {
  name: string;
  emptyDir: { medium?: "Memory"; sizeLimit?: string };
}
