import type { Located, Pos } from "../source/source-file.js";
import type { YamlPositions } from "./yaml-load.js";
import { isObj, type Obj } from "./yaml-value.js";


/** A value of the effective security context, and whether the pod or the container set it. */
export interface ScValue<T> extends Located<T> {
  from: "pod" | "container";
}

export interface Capabilities {
  /** the `capabilities` mapping itself */
  node: Pos;
  add?: Located<string[]> & { items: Located<string>[] };
  drop?: Located<string[]> & { items: Located<string>[] };
}

export interface SeccompProfile {
  type?: string;
  localhostProfile?: string;
}
export type AppArmorProfile = SeccompProfile;
export interface SELinuxOptions {
  user?: string;
  role?: string;
  type?: string;
  level?: string;
}
export interface WindowsOptions {
  hostProcess?: boolean;
  runAsUserName?: string;
  gmsaCredentialSpecName?: string;
  gmsaCredentialSpec?: string;
}

/**
 * What the kubelet will apply to a container: container fields over pod fields for the
 * ones both can set, with the position each value came from.
 */
export interface EffectiveSecurityContext {
  /** the container's `securityContext` mapping, when written */
  node?: Pos;
  /** the pod's `securityContext` mapping, when written */
  podNode?: Pos;
  runAsUser?: ScValue<unknown>;
  runAsGroup?: ScValue<unknown>;
  runAsNonRoot?: ScValue<unknown>;
  seLinuxOptions?: ScValue<SELinuxOptions>;
  seccompProfile?: ScValue<SeccompProfile>;
  appArmorProfile?: ScValue<AppArmorProfile>;
  /** merged field by field, like the kubelet does */
  windowsOptions?: ScValue<WindowsOptions>;
  // container only
  privileged?: Located<unknown>;
  allowPrivilegeEscalation?: Located<unknown>;
  readOnlyRootFilesystem?: Located<unknown>;
  procMount?: Located<unknown>;
  capabilities?: Capabilities;
  // pod only
  fsGroup?: Located<unknown>;
  fsGroupChangePolicy?: Located<unknown>;
  supplementalGroups?: Located<unknown>;
  sysctls?: Located<unknown>;
}

const SHARED = ["runAsUser", "runAsGroup", "runAsNonRoot", "seLinuxOptions", "seccompProfile", "appArmorProfile"] as const;
const CONTAINER_ONLY = ["privileged", "allowPrivilegeEscalation", "readOnlyRootFilesystem", "procMount"] as const;
const POD_ONLY = ["fsGroup", "fsGroupChangePolicy", "supplementalGroups", "sysctls"] as const;

export function effectiveSecurityContext(
  podSpec: Obj,
  container: Obj,
  positions: YamlPositions,
  containerNode: Pos,
): EffectiveSecurityContext {
  const pod = isObj(podSpec.securityContext) ? podSpec.securityContext : undefined;
  const own = isObj(container.securityContext) ? container.securityContext : undefined;
  const podNode = pod ? positions.key(podSpec, "securityContext") : undefined;
  const node = own ? positions.key(container, "securityContext") : undefined;
  const sc: EffectiveSecurityContext = { node, podNode };
  const located = (holder: Obj, key: string, fallback: Pos): Located<unknown> => ({
    value: holder[key],
    node: positions.key(holder, key) ?? fallback,
  });
  const mut = sc as Record<string, unknown>;
  for (const key of SHARED) {
    if (own && own[key] !== undefined && own[key] !== null)
      mut[key] = { ...located(own, key, node ?? containerNode), from: "container" };
    else if (pod && pod[key] !== undefined && pod[key] !== null)
      mut[key] = { ...located(pod, key, podNode ?? containerNode), from: "pod" };
  }
  const win = mergeWindowsOptions(pod, own, positions, podNode, node ?? containerNode);
  if (win) sc.windowsOptions = win;
  if (own) {
    for (const key of CONTAINER_ONLY)
      if (own[key] !== undefined && own[key] !== null) mut[key] = located(own, key, node ?? containerNode);
    if (isObj(own.capabilities)) sc.capabilities = capabilitiesOf(own, own.capabilities, positions, node ?? containerNode);
  }
  if (pod) {
    for (const key of POD_ONLY)
      if (pod[key] !== undefined && pod[key] !== null) mut[key] = located(pod, key, podNode ?? containerNode);
  }
  return sc;
}

function capabilitiesOf(owner: Obj, caps: Obj, positions: YamlPositions, fallback: Pos): Capabilities {
  const node = positions.key(owner, "capabilities") ?? fallback;
  const list = (key: "add" | "drop") => {
    const v = caps[key];
    if (!Array.isArray(v)) return undefined;
    const listNode = positions.key(caps, key) ?? node;
    const items = v.map((item, i) => ({ value: String(item), node: positions.item(v, i) ?? listNode }));
    return { value: items.map((i) => i.value), node: listNode, items };
  };
  return { node, add: list("add"), drop: list("drop") };
}

function mergeWindowsOptions(
  pod: Obj | undefined,
  own: Obj | undefined,
  positions: YamlPositions,
  podNode: Pos | undefined,
  containerNode: Pos,
): ScValue<WindowsOptions> | undefined {
  const p = pod && isObj(pod.windowsOptions) ? pod.windowsOptions : undefined;
  const c = own && isObj(own.windowsOptions) ? own.windowsOptions : undefined;
  if (!p && !c) return undefined;
  const value = { ...(p ?? {}), ...(c ?? {}) } as WindowsOptions;
  if (c && own) return { value, node: positions.key(own, "windowsOptions") ?? containerNode, from: "container" };
  return { value, node: (pod && positions.key(pod, "windowsOptions")) ?? podNode ?? containerNode, from: "pod" };
}
