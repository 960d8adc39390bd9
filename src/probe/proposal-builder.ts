import type { Proposal, ProposalWorkload } from "../propose/proposal.js";
import type { Capability } from "./capabilities.js";
import type { WritePlan } from "./writes.js";
import { volumeName } from "../propose/volume-name.js";

/** The securityContext, mounts and volumes that a verified (or failed) trial configuration stands for. */
export function buildProposal(input: {
  workload: ProposalWorkload | null;
  containerName: string;
  user: { uid: number; gid: number };
  capabilities: Capability[];
  plan: WritePlan;
  verified: boolean;
  evidence: string[];
}): Proposal {
  const { user, plan } = input;
  const nonRoot = user.uid > 0;
  const volumes = plan.mounts.map((m) => ({ name: volumeName(m.path), mountPath: m.path }));
  const evidence = [...input.evidence];
  for (const m of plan.mounts) {
    evidence.push(
      `emptyDir at ${m.path}: ${m.reason === "image-volume" ? "image VOLUME (a pod gives it no writable storage by itself)" : m.reason === "read-only-error" ? "a hardened trial failed writing there" : m.reason === "narrowed" ? `the baseline wrote there (not at ${m.narrowedFrom}: an emptyDir there would hide the image's files)` : "the baseline wrote there"}`,
    );
  }
  for (const u of plan.unmountable) evidence.push(`root filesystem stays writable: ${u.reason}`);
  return {
    workload: input.workload,
    podSecurityContext: {
      ...(nonRoot ? { runAsNonRoot: true, runAsUser: user.uid, runAsGroup: user.gid } : {}),
      // fsGroup makes mounted volumes group-writable for the runtime user.
      ...(nonRoot && volumes.length ? { fsGroup: user.gid } : {}),
      seccompProfile: { type: "RuntimeDefault" },
    },
    containers: [
      {
        name: input.containerName,
        securityContext: {
          allowPrivilegeEscalation: false,
          privileged: false,
          readOnlyRootFilesystem: plan.unmountable.length === 0,
          capabilities: { drop: ["ALL"], ...(input.capabilities.length ? { add: [...input.capabilities] } : {}) },
        },
        volumeMounts: volumes,
      },
    ],
    volumes: volumes.map((v) => ({ name: v.name, emptyDir: {} })),
    evidence,
    verified: input.verified,
  };
}
