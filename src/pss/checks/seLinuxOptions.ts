import { isObj, joinQuote, nameOf, pluralize, securityContextOf, sortedList, stringField, type PodView } from "../pod-view.js";
import type { CheckFailure, CheckPodFn, PssCheck } from "./types.js";

export const SELINUX_TYPES_1_0: ReadonlySet<string> = new Set(["", "container_t", "container_init_t", "container_kvm_t"]);
export const SELINUX_TYPES_1_31: ReadonlySet<string> = new Set([...SELINUX_TYPES_1_0, "container_engine_t"]);

function seLinuxCheck(allowedTypes: ReadonlySet<string>): CheckPodFn {
  return (pod: PodView): CheckFailure | undefined => {
    const podOpts = pod.securityContext?.seLinuxOptions;
    let any = isObj(podOpts);
    for (let i = 0; !any && i < pod.containers.length; i++) any = isObj(securityContextOf(pod.containers[i]!)?.seLinuxOptions);
    if (!any) return undefined;
    const setters: string[] = [];
    const badTypes = new Set<string>();
    let setUser = false;
    let setRole = false;
    const valid = (opts: Record<string, unknown>): boolean => {
      let ok = true;
      const type = stringField(opts, "type");
      if (!allowedTypes.has(type)) {
        ok = false;
        badTypes.add(type);
      }
      if (stringField(opts, "user").length > 0) {
        ok = false;
        setUser = true;
      }
      if (stringField(opts, "role").length > 0) {
        ok = false;
        setRole = true;
      }
      return ok;
    };
    if (isObj(podOpts) && !valid(podOpts)) setters.push("pod");
    let badContainers: string[] | undefined;
    for (const c of pod.containers) {
      const opts = securityContextOf(c)?.seLinuxOptions;
      if (isObj(opts) && !valid(opts)) (badContainers ??= []).push(nameOf(c));
    }
    if (badContainers) setters.push(`${pluralize("container", "containers", badContainers.length)} ${joinQuote(badContainers)}`);
    if (setters.length === 0) return undefined;
    // As in admission: user/role are only spelled out next to a bad type.
    const data: string[] = [];
    if (badTypes.size > 0) {
      data.push(`${pluralize("type", "types", badTypes.size)} ${joinQuote(sortedList(badTypes))}`);
      if (setUser) data.push("user may not be set");
      if (setRole) data.push("role may not be set");
    }
    const hint = badTypes.size === 0 ? [setUser && "user may not be set", setRole && "role may not be set"].filter(Boolean).join("; ") : undefined;
    return {
      reason: "seLinuxOptions",
      detail: `${setters.join(" and ")} set forbidden securityContext.seLinuxOptions: ${data.join("; ")}`,
      ...(hint ? { hint } : {}),
    };
  };
}

/** SELinux type limited to the container types; user and role may not be set (baseline). */
export const seLinuxOptions: PssCheck = {
  id: "seLinuxOptions",
  level: "baseline",
  versions: [
    { minimumVersion: 0, checkPod: seLinuxCheck(SELINUX_TYPES_1_0) },
    { minimumVersion: 31, checkPod: seLinuxCheck(SELINUX_TYPES_1_31) },
  ],
};
