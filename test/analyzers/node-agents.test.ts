import { describe, expect, it } from "vitest";
import { inKind, run } from "./harness.js";

/** A pod spec with one container mounting one hostPath volume. */
const pod = (hostPath: string, mount: string) =>
  [
    "containers:",
    "  - name: agent",
    "    image: ghcr.io/acme/agent:1.0",
    "    volumeMounts:",
    `      - ${mount}`,
    "volumes:",
    "  - name: host",
    `    hostPath: { path: ${hostPath} }`,
  ].join("\n");

const messages = (kind: "Deployment" | "DaemonSet" | "Pod", hostPath: string, mount: string) =>
  run("host/host-path", inKind(kind, pod(hostPath, mount))).map((f) => f.message);

describe("host/host-path: the advice fits the workload", () => {
  it("tells an application to use an emptyDir, a configMap/secret or a claim", () => {
    const [m] = messages("Deployment", "/data/app", "{ name: host, mountPath: /data }");
    expect(m).toContain("use an emptyDir");
  });

  it("tells a node agent (DaemonSet) to mount read-only, naming the writable mount, not to use an emptyDir", () => {
    const [m, ...rest] = messages("DaemonSet", "/var/log", "{ name: host, mountPath: /var/log }");
    expect(rest).toEqual([]);
    expect(m).toBe(
      "volume 'host' mounts the node's '/var/log' in a node agent (DaemonSet): mount it read-only unless the agent writes there: add 'readOnly: true' to the mount at /var/log of container 'agent'",
    );
  });

  it("still reports a read-only mount, asking for the narrowest path", () => {
    const [m] = messages("DaemonSet", "/var/lib/docker/containers", "{ name: host, mountPath: /var/lib/docker/containers, readOnly: true }");
    expect(m).toContain("it is read-only: keep it to the narrowest path the agent reads");
    expect(m).not.toContain("emptyDir");
  });

  it("says a runtime socket is root on the node even read-only", () => {
    const [m] = messages("DaemonSet", "/run/containerd/containerd.sock", "{ name: host, mountPath: /run/containerd/containerd.sock, readOnly: true }");
    expect(m).toContain("a runtime socket is root on the node even when mounted read-only");
  });

  it("asks for a narrower path than the node's whole root or /var", () => {
    const [m] = messages("DaemonSet", "/", "{ name: host, mountPath: /host, readOnly: true }");
    expect(m).toContain("mount the narrowest path it reads, not all of '/'");
  });

  it("treats a pod that reads the node's logs as an agent too, whatever its kind", () => {
    const [m] = messages("Deployment", "/var/log/pods", "{ name: host, mountPath: /logs, readOnly: true }");
    expect(m).toContain("in a pod that reads the node");
    expect(m).not.toContain("emptyDir");
  });
});

describe("host/namespaces: a node agent is not told to turn off what it needs", () => {
  const spec = "hostNetwork: true\nhostPID: true\ncontainers:\n  - name: node-exporter\n    image: quay.io/prometheus/node-exporter:v1.8.2\n";

  it("asks a DaemonSet to keep the namespace only if the agent needs it, without a fix to write false", () => {
    const findings = run("host/namespaces", inKind("DaemonSet", spec));
    expect(findings.map((f) => f.message)).toEqual([
      "DaemonSet 'w' sets hostNetwork: true: keep it only if the agent must see the node's own interfaces and ports, and run it in a namespace of its own, apart from applications",
      "DaemonSet 'w' sets hostPID: true: keep it only if the agent must see the node's processes, and run it in a namespace of its own, apart from applications",
    ]);
    expect(findings.every((f) => f.fix === undefined)).toBe(true);
  });

  it("still tells a Deployment to write false", () => {
    const [f] = run("host/namespaces", inKind("Deployment", spec));
    expect(f!.message).toBe("Deployment 'w' sets hostNetwork: true: write 'hostNetwork: false' (or remove it)");
    expect(f!.fix).toEqual({ set: ["hostNetwork"], value: false, on: "pod" });
  });
});
