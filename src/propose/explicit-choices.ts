import type { Container, Workload } from "../manifest/workload.js";
import { isObj } from "../manifest/yaml-value.js";
import { lineColumn, type Pos } from "../source/source-file.js";

/**
 * Settings a manifest writes on purpose that weaken the container: propose never changes
 * them (a DaemonSet is privileged to set a node sysctl, an init container runs as root to
 * chown a volume). Each comes with where it is written and, where one exists, the safer
 * equivalent to consider, as advice.
 */
export interface ExplicitChoices {
  privileged?: string;
  /** runAsUser: 0 */
  rootUser?: string;
  /** runAsNonRoot: false */
  rootAllowed?: string;
  /** readOnlyRootFilesystem: false */
  writableRoot?: string;
  /** allowPrivilegeEscalation: true */
  escalation?: string;
  /** seccomp Unconfined (field or annotation) */
  seccompUnconfined?: string;
  /** AppArmor unconfined (field or annotation) */
  appArmorUnconfined?: string;
  /** capabilities the manifest adds, upper-case without CAP_ */
  added: string[];
  /** hostPath volumes this container mounts */
  hostPaths: string[];
}

const at = (pos: Pos | undefined) => (pos ? `${pos.file.path}:${lineColumn(pos).line}` : "the manifest");

export function explicitChoices(workload: Workload, container: Container): ExplicitChoices {
  const sc = container.securityContext;
  const out: ExplicitChoices = { added: [], hostPaths: [] };
  if (sc.privileged?.value === true) out.privileged = `privileged: true (${at(sc.privileged.node)})`;
  if (sc.runAsUser?.value === 0) out.rootUser = `runAsUser: 0 on the ${sc.runAsUser.from} (${at(sc.runAsUser.node)})`;
  if (sc.runAsNonRoot?.value === false) out.rootAllowed = `runAsNonRoot: false on the ${sc.runAsNonRoot.from} (${at(sc.runAsNonRoot.node)})`;
  if (sc.readOnlyRootFilesystem?.value === false) out.writableRoot = `readOnlyRootFilesystem: false (${at(sc.readOnlyRootFilesystem.node)})`;
  if (sc.allowPrivilegeEscalation?.value === true) out.escalation = `allowPrivilegeEscalation: true (${at(sc.allowPrivilegeEscalation.node)})`;
  if (sc.seccompProfile?.value?.type === "Unconfined") out.seccompUnconfined = `seccompProfile Unconfined on the ${sc.seccompProfile.from} (${at(sc.seccompProfile.node)})`;
  else {
    const ann = workload.podAnnotations[`container.seccomp.security.alpha.kubernetes.io/${container.name}`] ?? workload.podAnnotations["seccomp.security.alpha.kubernetes.io/pod"];
    if (ann === "unconfined") out.seccompUnconfined = "the seccomp annotation 'unconfined'";
  }
  if (sc.appArmorProfile?.value?.type === "Unconfined") out.appArmorUnconfined = `appArmorProfile Unconfined on the ${sc.appArmorProfile.from} (${at(sc.appArmorProfile.node)})`;
  else if (workload.podAnnotations[`container.apparmor.security.beta.kubernetes.io/${container.name}`] === "unconfined") out.appArmorUnconfined = "the AppArmor annotation 'unconfined'";
  out.added = (sc.capabilities?.add?.value ?? []).map((c) => c.toUpperCase().replace(/^CAP_/, ""));
  const hostVolumes = new Set(
    (Array.isArray(workload.podSpec.volumes) ? workload.podSpec.volumes : []).filter((v) => isObj(v) && isObj(v.hostPath)).map((v) => String((v as { name?: unknown }).name)),
  );
  for (const m of Array.isArray(container.spec.volumeMounts) ? container.spec.volumeMounts : []) {
    if (isObj(m) && hostVolumes.has(String(m.name))) out.hostPaths.push(String(m.mountPath));
  }
  return out;
}

/** Advice for each explicit choice: kept as written, and the safer equivalent where one exists. */
export function explicitAdvice(name: string, c: ExplicitChoices, command: string): string[] {
  const out: string[] = [];
  if (c.privileged) {
    const sysctl = /\bsysctl\b|\/proc\/sys\//.test(command);
    out.push(
      `'${name}' is ${c.privileged}: kept. ${
        sysctl
          ? "It sets a kernel parameter: namespaced sysctls (net.*, kernel.shm*) belong in the pod's securityContext.sysctls without privilege; a node-wide one (vm.max_map_count) needs privilege only in a short initContainer, so the main container can run unprivileged"
          : "If it needs one host feature, grant that capability instead (e.g. NET_ADMIN, SYS_ADMIN) and keep privileged for the steps that truly need every device, ideally in an initContainer"
      }`,
    );
  }
  if (c.rootUser) out.push(`'${name}' runs as root by choice (${c.rootUser}): kept. If only a setup step needs root (sysctl, chown of a volume), do it in an initContainer and run this container as a non-root uid`);
  if (c.rootAllowed) out.push(`'${name}' allows root by choice (${c.rootAllowed}): kept`);
  if (c.writableRoot) out.push(`'${name}' keeps a writable root filesystem by choice (${c.writableRoot}): kept. With emptyDirs over the paths it writes it could run read-only (shipshape propose --probe finds them for an image built here)`);
  if (c.escalation) out.push(`'${name}' allows privilege escalation by choice (${c.escalation}): kept`);
  if (c.seccompUnconfined) out.push(`'${name}' runs without seccomp by choice (${c.seccompUnconfined}): kept. RuntimeDefault blocks only syscalls ordinary programs do not make; try it in a test environment`);
  if (c.appArmorUnconfined) out.push(`'${name}' runs without AppArmor by choice (${c.appArmorUnconfined}): kept`);
  if (c.hostPaths.length) out.push(`'${name}' mounts host paths (${c.hostPaths.join(", ")}): kept; mount them readOnly: true where it only reads, and as narrow a path as it needs`);
  return out;
}
