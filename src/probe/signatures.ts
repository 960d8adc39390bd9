import type { Capability } from "./capabilities.js";

/** The kinds of log line that mean "the sandbox refused something". */
export type ErrorKind = "read-only-fs" | "permission-denied" | "not-permitted" | "privilege-drop" | "no-space" | "no-fork";

/**
 * A daemon giving up on switching users says so in its own words, often without an errno:
 * memcached "failed to assume identity of user", "failed to drop supplementary groups";
 * nginx "setgid(33) failed"; lighttpd "setgid(): …"; "initgroups"/"setgroups" failures.
 */
const PRIVILEGE_DROP =
  /failed to (?:assume identity|drop (?:supplementary )?groups|drop privileges|switch (?:to )?user|set ?[ug]id)|\b(?:setr?e?s?[ug]id|initgroups|setgroups)(?:\s*\([^)]*\))?\s*(?:failed|:\s)|can'?t (?:drop privileges|switch user|set (?:u|g)id|set groups)|unable to (?:drop privileges|switch user)/i;

const SIGNATURES: Array<{ kind: ErrorKind; pattern: RegExp }> = [
  { kind: "read-only-fs", pattern: /read-only file system|\bEROFS\b|\[Errno 30\]/i },
  { kind: "permission-denied", pattern: /permission denied|\bEACCES\b|\[Errno 13\]|AccessDeniedException/i },
  { kind: "not-permitted", pattern: /operation not permitted|\bEPERM\b|\[Errno 1\]/i },
  { kind: "privilege-drop", pattern: PRIVILEGE_DROP },
  { kind: "no-space", pattern: /no space left on device|\bENOSPC\b|\[Errno 28\]/i },
  // a fork refused with EAGAIN: the pids limit (a shell that cannot fork exits, and its
  // cgroup's counters go with it, so the message is the only trace)
  { kind: "no-fork", pattern: /can't fork|cannot fork|fork(\(\))?( failed)?: (resource temporarily unavailable|EAGAIN)|\bfork: retry/i },
];

/** The sandbox limit these error lines show, if any: disk full, or no more processes. */
export function limitOfErrors(lines: ErrorLine[]): "pids" | "disk" | undefined {
  if (lines.some((e) => e.kind === "no-fork")) return "pids";
  if (lines.some((e) => e.kind === "no-space")) return "disk";
  return undefined;
}

export interface ErrorLine {
  kind: ErrorKind;
  line: string;
  /** The log file it was read from (absent: the container's output). */
  file?: string;
}

export function errorKind(line: string): ErrorKind | undefined {
  return SIGNATURES.find((s) => s.pattern.test(line))?.kind;
}

/** Timestamps, pids, addresses and hex ids vary between runs; they must not make a line "new". */
export function normalizeLogLine(line: string): string {
  return line
    .replace(/\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?/g, "<time>")
    .replace(/\b\d\d:\d\d:\d\d(\.\d+)?\b/g, "<time>")
    .replace(/\b0x[0-9a-f]+\b|\b[0-9a-f]{12,}\b/gi, "<hex>")
    .replace(/\d+/g, "<n>")
    .trim()
    .toLowerCase();
}

/**
 * Error lines of a trial that the baseline did not print. A signature alone never fails a
 * trial (nginx prints "read-only file system?" as info and carries on); a *new* one does.
 */
export function newErrorLines(baselineLog: string, trialLog: string): ErrorLine[] {
  const seen = new Set(baselineLog.split("\n").map(normalizeLogLine));
  const result: ErrorLine[] = [];
  for (const line of trialLog.split("\n")) {
    const kind = errorKind(line);
    if (kind && !seen.has(normalizeLogLine(line))) result.push({ kind, line: line.trim() });
  }
  return result;
}

/** A capability a failure points to; alternatives are substitutes, narrowest first. */
export interface CapabilityHint {
  alternatives: Capability[];
  line: string;
}

const HINTS: Array<{ when: (l: string, k: ErrorKind) => boolean; alternatives: Capability[] }> = [
  { when: (l, k) => k === "permission-denied" && /\bbind\b|\blisten/i.test(l), alternatives: ["NET_BIND_SERVICE"] },
  { when: (l) => /\bchown|\blchown|\bfchown/i.test(l), alternatives: ["CHOWN"] },
  { when: (l) => /setgroups|initgroups|set ?groups|setr?e?s?gid|can't set gid|\bgid\b|supplementary groups/i.test(l), alternatives: ["SETGID"] },
  { when: (l) => /setr?e?s?uid|can't set uid|failed switching|\buid\b/i.test(l), alternatives: ["SETUID"] },
  // A daemon dropping privileges sets groups, gid and uid in a row and stops at the first
  // refusal: whichever step failed, the others come next. Both, in one trial.
  { when: (l) => PRIVILEGE_DROP.test(l), alternatives: ["SETUID"] },
  { when: (l) => PRIVILEGE_DROP.test(l), alternatives: ["SETGID"] },
  // User-switching tools fail at the first of several calls: both are likely needed.
  { when: (l, k) => k === "not-permitted" && /\bsu\b|su-exec|gosu|setpriv|runuser|chpst/i.test(l), alternatives: ["SETGID"] },
  { when: (l, k) => k === "not-permitted" && /\bsu\b|su-exec|gosu|setpriv|runuser|chpst/i.test(l), alternatives: ["SETUID"] },
  { when: (l, k) => k === "not-permitted" && /chmod|utime|set times|touch/i.test(l), alternatives: ["FOWNER"] },
  { when: (l) => /mknod/i.test(l), alternatives: ["MKNOD"] },
  { when: (l) => /chroot/i.test(l), alternatives: ["SYS_CHROOT"] },
  { when: (l, k) => k === "not-permitted" && /\bkill\b/i.test(l), alternatives: ["KILL"] },
  { when: (l) => /capset|setcap|cap_set/i.test(l), alternatives: ["SETPCAP"] },
  { when: (l) => /raw socket|SOCK_RAW|\bping\b|icmp/i.test(l), alternatives: ["NET_RAW"] },
  // A root process denied by file modes: reading needs DAC_READ_SEARCH, anything else DAC_OVERRIDE.
  {
    when: (l, k) => k === "permission-denied" && !/\bbind\b|\blisten/i.test(l) && /read|open|can't open|\bcat\b|ls|stat|access|change directory|chdir/i.test(l) && !/writ|creat|mkdir/i.test(l),
    alternatives: ["DAC_READ_SEARCH", "DAC_OVERRIDE"],
  },
  {
    when: (l, k) => k === "permission-denied" && !/\bbind\b|\blisten/i.test(l) && /writ|creat|mkdir|remove|unlink|rename/i.test(l),
    alternatives: ["DAC_OVERRIDE"],
  },
];

/** Capabilities a root process's new error lines point to (none for EROFS: that is a mount). */
export function capabilityHints(lines: ErrorLine[]): CapabilityHint[] {
  const hints: CapabilityHint[] = [];
  for (const { kind, line } of lines) {
    if (kind === "read-only-fs" || kind === "no-space" || kind === "no-fork") continue;
    for (const h of HINTS) if (h.when(line, kind)) hints.push({ alternatives: h.alternatives, line });
  }
  return hints;
}

/** Absolute paths named in read-only-filesystem errors: the writes a mount is missing for. */
export function readOnlyPaths(lines: ErrorLine[]): string[] {
  const paths = new Set<string>();
  for (const { kind, line } of lines) {
    if (kind !== "read-only-fs") continue;
    for (const m of line.matchAll(/(?<![\w.])(\/[^\s'"`:,;()]+)/g)) paths.add(m[1]!);
  }
  return [...paths];
}
