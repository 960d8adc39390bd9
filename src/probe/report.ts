import type { Proposal } from "../propose/proposal.js";
import type { Capability } from "./capabilities.js";
import type { SearchMethod } from "./capability-search.js";
import type { Trial } from "./trial.js";
import type { WriteMount } from "./writes.js";

export type PssLevel = "restricted" | "baseline" | "privileged";

/** One trial as reported (docs/schema/probe.schema.json `trials`, plus what it mounted and why it failed). */
export interface ReportedTrial {
  name: string;
  capAdd: string[];
  capDrop: string[];
  readOnlyRootfs: boolean;
  user: string;
  mounts: string[];
  noNewPrivileges: boolean;
  outcome: {
    exitCode: number | null;
    running: boolean;
    listening: number[];
    durationMs: number;
    matchesBaseline: boolean;
    reason: string;
    newErrors: string[];
    limit?: string;
    processes?: string;
    http?: string[];
  };
}

export interface ProbeReport {
  image: string;
  imageId: string;
  /** The user the image (or the manifest) runs as. */
  user: { uid: number; gid: number; name: string | null };
  workloadKind: "job" | "service";
  trials: ReportedTrial[];
  writes: string[];
  mounts: WriteMount[];
  unmountable: Array<{ path: string; reason: string }>;
  capabilities: {
    /** Minimal set for the workload's own user, relative to Docker's default 14. */
    needed: Capability[];
    evidence: Partial<Record<Capability, string>>;
    method: SearchMethod;
    /** The highest Pod Security Standards level these capabilities allow ("unknown" when unresolved). */
    pss: PssLevel | "unknown";
    /** When no set of capabilities made the hardened run behave like the baseline. */
    unresolved?: {
      /** The last failing trial's own reason. */
      lastFailure: string;
      /** The capability sets tried, in order ("none", "CHOWN+SETUID" …). */
      tried: string[];
      /** Everything that was a candidate (all of them were granted at least once). */
      candidates: Capability[];
      /** What to try next, in words. */
      next: string[];
    };
  };
  runsAsNonRoot: boolean;
  nonRoot: { uid: number; gid: number; name: string | null; evidence: string } | null;
  privilegeEscalation: {
    setuidFiles: string[];
    setgidFiles: string[];
    fileCapabilities: Array<{ path: string; capabilities: Capability[] }>;
  };
  proposal: Proposal;
  /** Other verified ways to run it (e.g. as root letting the entrypoint drop privileges). */
  alternatives: Array<{ summary: string; proposal: Proposal }>;
  verified: boolean;
  notes: string[];
  /** The value of the dev.shipshape.probe label on everything this run created (and removed). */
  runId: string;
  /** replans: times the write plan grew after a trial showed a write it lacked. */
  stats: { trials: number; wallMs: number; inspectMs: number; replans?: number; /** the image facts came from the cache (same image id, an earlier run) */ factsCached?: boolean; /** cache, the image layers on this host, or an export through the engine */ factsSource?: "cache" | "layers" | "export" };
}

export function reportTrial(t: Trial): ReportedTrial {
  const caps = t.config.capabilities;
  return {
    name: t.config.name,
    capAdd: caps.kind === "only" ? caps.add : [],
    capDrop: caps.kind === "only" ? ["ALL"] : [],
    readOnlyRootfs: t.config.readOnlyRootfs,
    user: t.config.user,
    mounts: t.config.scratchMounts,
    noNewPrivileges: t.config.noNewPrivileges,
    outcome: {
      exitCode: t.outcome.exitCode,
      running: t.outcome.running,
      listening: t.outcome.listening,
      durationMs: t.outcome.durationMs,
      matchesBaseline: t.outcome.matchesBaseline,
      reason: t.outcome.reason,
      newErrors: t.outcome.newErrors.map((e) => (e.file ? `${e.line} (${e.file})` : e.line)),
      ...(t.outcome.limit ? { limit: t.outcome.limit } : {}),
      ...(t.outcome.processes ? { processes: t.outcome.processes } : {}),
      ...(t.outcome.http ? { http: t.outcome.http } : {}),
    },
  };
}

/** The probe report for people: what it needs, what to set, and how sure we are. */
export function probeText(r: ProbeReport): string {
  const out: string[] = [];
  const user = `${r.user.uid}:${r.user.gid}${r.user.name ? ` (${r.user.name})` : ""}`;
  out.push(`${r.image}  ${r.imageId.slice(0, 19)}`);
  out.push(`  runs as ${user}, a ${r.workloadKind}; ${r.stats.trials} trials in ${(r.stats.wallMs / 1000).toFixed(1)}s`);
  out.push("");
  out.push("writes");
  if (r.mounts.length === 0 && r.unmountable.length === 0) out.push("  none: a read-only root filesystem works");
  for (const m of r.mounts) {
    const why = m.reason === "image-volume" ? "image VOLUME" : m.reason === "read-only-error" ? "failed read-only" : m.reason === "narrowed" ? `written; not ${m.narrowedFrom}, whose image files it would hide` : "written";
    out.push(`  ${m.path}  emptyDir (mode ${m.mode}, ${why})${m.hides.length ? `; hides ${m.hides.length} image file(s), e.g. ${m.hides[0]}` : ""}`);
  }
  for (const u of r.unmountable) out.push(`  ${u.path}  cannot be mounted: ${u.reason}`);
  out.push("");
  out.push(`capabilities (as ${user})`);
  const unresolved = r.capabilities.unresolved;
  if (unresolved) {
    out.push("  unresolved: no set of capabilities made the hardened run behave like the baseline");
    out.push(`  last failure: ${unresolved.lastFailure}`);
    out.push(`  tried: ${unresolved.tried.join(", ")}`);
    for (const n of unresolved.next) out.push(`  next: ${n}`);
  } else {
    if (r.capabilities.needed.length === 0) out.push("  none: drop ALL works");
    for (const c of r.capabilities.needed) out.push(`  ${c}: ${r.capabilities.evidence[c] || "needed"}`);
    out.push(`  Pod Security Standards level these allow: ${r.capabilities.pss}`);
  }
  out.push("");
  out.push("user");
  if (r.user.uid !== 0) out.push(`  already non-root (${user})`);
  else if (r.nonRoot) {
    const nr = `${r.nonRoot.uid}:${r.nonRoot.gid}${r.nonRoot.name ? ` (${r.nonRoot.name})` : ""}`;
    out.push(r.runsAsNonRoot ? `  behaves the same as ${nr}` : `  needs root: as ${nr} ${r.nonRoot.evidence}`);
  }
  const pe = r.privilegeEscalation;
  if (pe.setuidFiles.length || pe.setgidFiles.length || pe.fileCapabilities.length) {
    out.push(
      `  privilege-raising files in the image: ${[...pe.setuidFiles, ...pe.setgidFiles, ...pe.fileCapabilities.map((f) => `${f.path} (${f.capabilities.join(",")})`)].slice(0, 8).join(", ")}`,
    );
  }
  out.push("");
  out.push(`proposal (${r.verified ? "verified by a trial" : "NOT verified"})`);
  out.push(indent(proposalYaml(r.proposal), "  "));
  for (const a of r.alternatives) {
    out.push("");
    out.push(`alternative: ${a.summary} (${a.proposal.verified ? "verified" : "not verified"})`);
    out.push(indent(proposalYaml(a.proposal), "  "));
  }
  if (r.notes.length) {
    out.push("");
    out.push("notes");
    for (const n of r.notes) out.push(`  - ${n}`);
  }
  return out.join("\n") + "\n";
}

function proposalYaml(p: Proposal): string {
  const lines: string[] = [];
  if (p.podAnnotations && Object.keys(p.podAnnotations).length) lines.push(`pod annotations: ${JSON.stringify(p.podAnnotations)}`);
  lines.push(`securityContext: ${JSON.stringify(p.podSecurityContext)}`);
  for (const c of p.containers) {
    lines.push(`container ${c.name}: securityContext: ${JSON.stringify(c.securityContext)}`);
    if (c.volumeMounts.length) lines.push(`  volumeMounts: ${JSON.stringify(c.volumeMounts)}`);
  }
  if (p.volumes.length) lines.push(`volumes: ${JSON.stringify(p.volumes)}`);
  return lines.join("\n");
}

function indent(text: string, by: string): string {
  return text
    .split("\n")
    .map((l) => by + l)
    .join("\n");
}
