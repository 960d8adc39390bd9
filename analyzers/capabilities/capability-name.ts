/**
 * Capability names as people write them: `SYS_ADMIN`, `CAP_SYS_ADMIN`, `sys_admin`.
 * The canonical form (upper case, no CAP_ prefix) is for classifying; findings quote
 * the name as written, because Pod Security admission and API validation compare the
 * written text.
 */
export function canonicalCapability(written: string): string {
  const upper = written.trim().toUpperCase();
  return upper.startsWith("CAP_") ? upper.slice(4) : upper;
}

/** Capabilities that give a container a way to the node or to other workloads. */
export const DANGEROUS_CAPABILITIES: ReadonlyMap<string, string> = new Map([
  ["ALL", "every capability, the same as privileged minus devices"],
  ["SYS_ADMIN", "mount, namespaces, BPF, and most of what root can do: escaping the container is routine"],
  ["NET_ADMIN", "reconfiguring interfaces, routes and iptables of the pod network, sniffing and redirecting traffic"],
  ["SYS_PTRACE", "reading and injecting into other processes' memory, and with hostPID the node's"],
  ["SYS_MODULE", "loading kernel modules: arbitrary code in the host kernel"],
  ["DAC_READ_SEARCH", "open_by_handle_at, the 'shocker' escape that reads any file of the host filesystem"],
  ["SYS_RAWIO", "raw I/O ports and /dev/mem access"],
  ["SYS_BOOT", "rebooting the node"],
  ["SYS_TIME", "setting the node's clock, which is not namespaced"],
  ["MAC_ADMIN", "changing the AppArmor/SELinux policy that confines every container"],
  ["MAC_OVERRIDE", "bypassing the AppArmor/SELinux policy"],
  ["BPF", "loading BPF programs into the host kernel"],
  ["PERFMON", "tracing and profiling the whole node"],
  ["SYSLOG", "reading kernel addresses from the kernel log, which defeats KASLR"],
  ["SYS_RESOURCE", "overriding kernel resource limits and quotas shared with other pods"],
]);
