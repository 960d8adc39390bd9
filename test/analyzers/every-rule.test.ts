import { describe, expect, it } from "vitest";
import { analyzers } from "../../analyzers/index.js";
import { HARDENED, KINDS, inKind, lineOf, run } from "./harness.js";

/**
 * Every analyzer, in every workload kind (a CronJob's nested template and List items
 * included), on a container in each list: it fires once, on the failing container, at the
 * line of the offending field (marked `# <-`, or the `marker` text).
 */
interface ContainerCase {
  target: string;
  pod?: string;
  annotations?: Record<string, string>;
  marker?: string;
  /** ephemeral containers may not set this (resources): the rule skips them */
  ephemeral?: false;
}

const C = (body: string) => `- name: target\n  image: ghcr.io/acme/t:1.0\n${body}`;

const containerCases: Record<string, ContainerCase> = {
  "user/may-run-as-root": { target: "- name: target # <-\n  image: ghcr.io/acme/t:1.0" },
  "user/non-root-conflict": { target: C("  securityContext:\n    runAsNonRoot: true\n    runAsUser: 0 # <-") },
  "user/group-root": { target: C("  securityContext:\n    runAsUser: 10001 # <-") },
  "privileged/privileged": { target: C("  securityContext:\n    privileged: true # <-") },
  "privileged/escalation-conflict": { target: C("  securityContext:\n    privileged: true\n    allowPrivilegeEscalation: false # <-") },
  "capabilities/not-dropped": { target: C("  securityContext:\n    capabilities:\n      drop: [NET_RAW] # <-") },
  "capabilities/dangerous-add": { target: C("  securityContext:\n    capabilities:\n      drop: [ALL]\n      add:\n        - SYS_ADMIN # <-") },
  "capabilities/add-not-allowed": { target: C("  securityContext:\n    capabilities:\n      drop: [ALL]\n      add:\n        - CHOWN # <-") },
  "filesystem/writable-root": { target: C("  securityContext:\n    readOnlyRootFilesystem: false # <-") },
  "filesystem/known-image-writes": { target: "- name: target\n  image: nginx:1.27\n  securityContext:\n    readOnlyRootFilesystem: true # <-" },
  "capabilities/privileged-port": { target: "- name: target\n  image: ghcr.io/acme/t:1.0\n  ports:\n    - containerPort: 80 # <-\n  securityContext:\n    runAsUser: 10001" },
  "privilege/allow-escalation": { target: C("  securityContext:\n    allowPrivilegeEscalation: true # <-") },
  "seccomp/missing": { target: C("  securityContext: # <-\n    runAsNonRoot: true") },
  "seccomp/annotation": {
    target: C("  securityContext: { runAsNonRoot: true }"),
    annotations: { "container.seccomp.security.alpha.kubernetes.io/target": "runtime/default" },
    marker: "container.seccomp.security.alpha.kubernetes.io/target",
  },
  "seccomp/unconfined": { target: C("  securityContext:\n    seccompProfile: { type: Unconfined } # <-") },
  "seccomp/invalid-profile": { target: C("  securityContext:\n    seccompProfile: { type: Localhost } # <-") },
  "resources/requests-missing": { target: C("  resources: # <-\n    limits: { cpu: 1 }"), ephemeral: false },
  "resources/memory-limit-missing": { target: C("  resources:\n    requests: { memory: 1Gi }\n    limits: # <-\n      cpu: 1"), ephemeral: false },
  "resources/limit-below-request": { target: C("  resources:\n    requests: { memory: 1Gi }\n    limits:\n      memory: 512Mi # <-") },
  "resources/invalid-quantity": { target: C("  resources:\n    requests:\n      memory: 1Gb # <-") },
  "image/mutable-tag": { target: "- name: target\n  image: ghcr.io/acme/t:latest # <-" },
  "image/not-pinned": { target: "- name: target\n  image: ghcr.io/acme/t:1.0 # <-" },
  "image/invalid-digest": { target: "- name: target\n  image: ghcr.io/acme/t@sha256:abc # <-" },
  "apparmor/unconfined": { target: C("  securityContext:\n    appArmorProfile: { type: Unconfined } # <-") },
  "apparmor/annotation": {
    target: C("  securityContext: { runAsNonRoot: true }"),
    annotations: { "container.apparmor.security.beta.kubernetes.io/target": "runtime/default" },
    marker: "container.apparmor.security.beta.kubernetes.io/target",
  },
  "apparmor/annotation-mismatch": {
    target: C("  securityContext:\n    appArmorProfile: { type: RuntimeDefault } # <-"),
    annotations: { "container.apparmor.security.beta.kubernetes.io/target": "unconfined" },
  },
  "selinux/type": { target: C("  securityContext:\n    seLinuxOptions:\n      type: spc_t # <-") },
  "selinux/user-role": { target: C("  securityContext:\n    seLinuxOptions:\n      user: system_u # <-") },
  "host/host-port": { target: C("  ports:\n    - containerPort: 8080\n      hostPort: 80 # <-") },
  "host/windows-host-process": { target: C("  securityContext:\n    windowsOptions: { hostProcess: true } # <-") },
  "procmount/unmasked": { target: C("  securityContext:\n    procMount: Unmasked # <-") },
};

const workloadCases: Record<string, { pod: string; annotations?: Record<string, string>; marker?: string }> = {
  "host/namespaces": { pod: "hostPID: true # <-\ncontainers:\n" + HARDENED },
  "host/host-path": { pod: "containers:\n" + HARDENED + "\nvolumes:\n  - name: etc\n    hostPath: { path: /etc } # <-" },
  "sysctls/unsafe": { pod: "securityContext:\n  sysctls:\n    - name: kernel.msgmax # <-\n      value: '65536'\ncontainers:\n" + HARDENED },
  "volumes/restricted-type": { pod: "containers:\n" + HARDENED + "\nvolumes:\n  - name: shared\n    nfs: { server: nfs, path: / } # <-" },
  "seccomp/annotation-mismatch": {
    pod: "securityContext:\n  seccompProfile: { type: RuntimeDefault } # <-\ncontainers:\n" + HARDENED,
    annotations: { "seccomp.security.alpha.kubernetes.io/pod": "unconfined" },
  },
  "apparmor/unknown-container": {
    pod: "containers:\n" + HARDENED,
    annotations: { "container.apparmor.security.beta.kubernetes.io/nope": "runtime/default" },
    marker: "container.apparmor.security.beta.kubernetes.io/nope",
  },
};

describe("every analyzer has a case here", () => {
  it("covers each registered container- and workload-scope analyzer", () => {
    const ids = analyzers.filter((a) => a.scope === "container" || a.scope === "workload").map((a) => a.id);
    const covered = new Set([...Object.keys(containerCases), ...Object.keys(workloadCases)]);
    expect(ids.filter((id) => !covered.has(id) && !id.startsWith("consistency/"))).toEqual([]);
  });
});

const indentList = (items: string) => items.split("\n").map((l) => `  ${l}`).join("\n");

for (const [id, c] of Object.entries(containerCases)) {
  describe(id, () => {
    const placements = [
      ["containers", `containers:\n${indentList(c.target)}`],
      ["initContainers", `initContainers:\n${indentList(c.target)}\ncontainers:\n${indentList(HARDENED)}`],
      ...(c.ephemeral === false ? [] : [["ephemeralContainers", `containers:\n${indentList(HARDENED)}\nephemeralContainers:\n${indentList(c.target)}`]]),
    ] as const;
    for (const kind of KINDS) {
      for (const [where, spec] of placements) {
        it(`fires once on a ${kind} with the failing container in ${where}, at the offending line`, () => {
          const podSpec = (c.pod ? c.pod + "\n" : "") + spec;
          const text = inKind(kind, podSpec, c.annotations);
          const findings = run(id, text);
          expect(findings.map((f) => f.container)).toEqual(["target"]);
          expect(findings[0]!.line).toBe(lineOf(text, c.marker));
          expect(findings[0]!.workload?.kind).toBe(kind === "List" ? "Pod" : kind);
        });
      }
    }
  });
}

for (const [id, c] of Object.entries(workloadCases)) {
  describe(id, () => {
    for (const kind of KINDS) {
      it(`fires once on a ${kind}, at the offending line`, () => {
        const text = inKind(kind, c.pod, c.annotations);
        const findings = run(id, text);
        expect(findings).toHaveLength(1);
        expect(findings[0]!.line).toBe(lineOf(text, c.marker));
        expect(findings[0]!.container).toBeNull();
      });
    }
  });
}
