/** Linux capability names without the CAP_ prefix, in kernel bit order. */
export const ALL_CAPABILITIES = [
  "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
  "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
  "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
  "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
  "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
  "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
] as const; // prettier-ignore

export type Capability = (typeof ALL_CAPABILITIES)[number];

/**
 * Docker's (and containerd's) default set, exactly 14. Ordered broadest first: when two
 * capabilities can stand in for each other (DAC_OVERRIDE ⊃ DAC_READ_SEARCH for reads), the
 * search removes the broad one first and keeps the narrow one.
 */
export const DOCKER_DEFAULT_CAPABILITIES: readonly Capability[] = [
  "DAC_OVERRIDE", "FOWNER", "CHOWN", "FSETID", "SETUID", "SETGID", "SETPCAP", "SETFCAP",
  "MKNOD", "NET_RAW", "SYS_CHROOT", "KILL", "AUDIT_WRITE", "NET_BIND_SERVICE",
] as const; // prettier-ignore

/** Pod Security Standards: what `restricted` lets a container add. */
export const PSS_RESTRICTED_ADD: readonly Capability[] = ["NET_BIND_SERVICE"];
/** Pod Security Standards: what `baseline` lets a container add (the 14 minus NET_RAW). */
export const PSS_BASELINE_ADD: readonly Capability[] = DOCKER_DEFAULT_CAPABILITIES.filter((c) => c !== "NET_RAW");

export function isCapability(name: string): name is Capability {
  return (ALL_CAPABILITIES as readonly string[]).includes(name);
}

/** Accepts `NET_ADMIN`, `CAP_NET_ADMIN`, `net_admin`. */
export function parseCapability(name: string): Capability | undefined {
  const n = name.toUpperCase().replace(/^CAP_/, "");
  return isCapability(n) ? n : undefined;
}

/** Decode a `security.capability` xattr (struct vfs_cap_data) into the permitted capabilities it grants. */
export function decodeFileCapabilities(raw: Buffer): Capability[] {
  if (raw.length < 12) return [];
  const lo = raw.readUInt32LE(4);
  const hi = raw.length >= 20 ? raw.readUInt32LE(12) : 0;
  return ALL_CAPABILITIES.filter((_, bit) => (bit < 32 ? (lo >>> bit) & 1 : (hi >>> (bit - 32)) & 1));
}

export function sortCapabilities(caps: Iterable<Capability>): Capability[] {
  return [...new Set(caps)].sort();
}
