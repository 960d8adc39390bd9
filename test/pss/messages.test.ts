import { describe, expect, it } from "vitest";
import { evaluatePss } from "../../src/pss/evaluate.js";

const latest = { major: 1 as const, minor: 35 };
const messagesOf = (podSpec: Record<string, unknown>, podAnnotations: Record<string, string> = {}, kube = latest) =>
  Object.fromEntries(evaluatePss({ podSpec, podAnnotations }, kube).violations.map((v) => [v.check, v.message]));

describe("violation messages read like admission's", () => {
  it("allowPrivilegeEscalation, runAsNonRoot, seccomp and capabilities on a bare container", () => {
    expect(messagesOf({ containers: [{ name: "x" }] })).toEqual({
      allowPrivilegeEscalation: 'allowPrivilegeEscalation != false (container "x" must set securityContext.allowPrivilegeEscalation=false)',
      runAsNonRoot: 'runAsNonRoot != true (pod or container "x" must set securityContext.runAsNonRoot=true)',
      seccompProfile_restricted: 'seccompProfile (pod or container "x" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
      capabilities_restricted: 'unrestricted capabilities (container "x" must set securityContext.capabilities.drop=["ALL"])',
    });
  });

  it("says that drop: [all] is not ALL", () => {
    const m = messagesOf({ containers: [{ name: "x", securityContext: { capabilities: { drop: ["all"], add: ["SYS_ADMIN"] } } }] });
    expect(m.capabilities_restricted).toBe(
      'unrestricted capabilities (container "x" must set securityContext.capabilities.drop=["ALL"]; container "x" must not include "SYS_ADMIN" in securityContext.capabilities.add): container "x" drops "all": capability names are compared exactly as written, so only "ALL" drops all capabilities',
    );
    expect(m.capabilities_baseline).toBe('non-default capabilities (container "x" must not include "SYS_ADMIN" in securityContext.capabilities.add)');
  });

  it("pod and container setters, plural forms, sorted values", () => {
    const m = messagesOf({
      hostNetwork: true,
      hostPID: true,
      securityContext: { runAsUser: 0, seLinuxOptions: { type: "foo", user: "u" }, sysctls: [{ name: "b" }, { name: "a" }] },
      containers: [
        { name: "a", ports: [{ hostPort: 20 }], securityContext: { runAsUser: 0 } },
        { name: "b", ports: [{ hostPort: 10 }], securityContext: { seLinuxOptions: { type: "bar" } } },
      ],
    });
    expect(m.hostNamespaces).toBe("host namespaces (hostNetwork=true, hostPID=true)");
    expect(m.hostPorts).toBe('hostPort (containers "a", "b" use hostPorts 10, 20)');
    expect(m.runAsUser).toBe('runAsUser=0 (pod and container "a" must not set runAsUser=0)');
    expect(m.seLinuxOptions).toBe('seLinuxOptions (pod and container "b" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set)');
    expect(m.sysctls).toBe("forbidden sysctls (b, a)");
  });

  it("annotations before the fields existed", () => {
    const annotations = {
      "seccomp.security.alpha.kubernetes.io/pod": "unconfined",
      "container.apparmor.security.beta.kubernetes.io/x": "unconfined",
    };
    const m = messagesOf({ containers: [{ name: "x" }] }, annotations, { major: 1, minor: 18 });
    expect(m.seccompProfile_baseline).toBe('seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined")');
    expect(m.appArmorProfile).toBe('forbidden AppArmor profile (container.apparmor.security.beta.kubernetes.io/x="unconfined")');
    // from 1.19 the seccomp annotation is no longer what admission reads
    expect(messagesOf({ containers: [{ name: "x" }] }, annotations, { major: 1, minor: 19 }).seccompProfile_baseline).toBeUndefined();
    expect(messagesOf({ containers: [{ name: "x", securityContext: { appArmorProfile: { type: "Unconfined" } } }] }, annotations).appArmorProfile).toBe(
      'forbidden AppArmor profiles (container "x" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/x=\"unconfined\"")',
    );
  });

  it("every violation carries the level of its check", () => {
    const r = evaluatePss({ podSpec: { hostIPC: true, containers: [{ name: "x" }] }, podAnnotations: {} }, latest);
    expect(r.level).toBe("privileged");
    expect(r.violations.find((v) => v.check === "hostNamespaces")?.level).toBe("baseline");
    expect(r.violations.find((v) => v.check === "runAsNonRoot")?.level).toBe("restricted");
  });
});
