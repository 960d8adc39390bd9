import { describe, expect, it } from "vitest";
import { SourceFile } from "../../src/source/source-file.js";
import { loadManifest } from "../../src/manifest/load.js";

const podSpec = `
      securityContext:
        runAsUser: 1000
        runAsNonRoot: true
        seccompProfile: { type: RuntimeDefault }
        fsGroup: 2000
      initContainers:
        - name: init
          image: busybox
      containers:
        - name: app
          image: ghcr.io/acme/app:1.0
          securityContext:
            runAsUser: 3000
            privileged: false
            capabilities:
              add: [NET_BIND_SERVICE]
              drop: [ALL]
      ephemeralContainers:
        - name: debug
          image: busybox`;

function template(kind: string, apiVersion = "apps/v1"): string {
  return `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: x\nspec:\n  template:\n    spec:${podSpec}\n`;
}

describe("workloads", () => {
  it.each(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"])(
    "finds the pod template of a %s with its three container lists",
    (kind) => {
      const m = loadManifest(new SourceFile("w.yaml", template(kind)));
      expect(m.workloads).toHaveLength(1);
      const w = m.workloads[0]!;
      expect(w.kind).toBe(kind);
      expect(w.namespace).toBe("default");
      expect(w.containers.map((c) => [c.name, c.kind])).toEqual([
        ["app", "container"],
        ["init", "initContainer"],
        ["debug", "ephemeralContainer"],
      ]);
    },
  );

  it("reads a Pod, a PodTemplate, a CronJob's nested template and List items, in file order", () => {
    const text = [
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec:" + podSpec.replace(/^ {4}/gm, ""),
      "apiVersion: v1\nkind: PodTemplate\nmetadata: {name: t}\ntemplate:\n  spec:" + podSpec.replace(/^ {4}/gm, "  "),
      "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:" +
        podSpec.replace(/^ {6}/gm, "          "),
      "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: in-list}\n  spec:\n    containers: [{name: a, image: a}]\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s}",
      "apiVersion: v1\nkind: Service\nmetadata: {name: svc}",
    ].join("\n---\n");
    const m = loadManifest(new SourceFile("all.yaml", text));
    expect(m.error).toBeUndefined();
    expect(m.workloads.map((w) => `${w.kind}/${w.name}`)).toEqual(["Pod/p", "PodTemplate/t", "CronJob/c", "Pod/in-list"]);
    expect(m.workloads[0]!.namespace).toBe("ns");
    expect(m.workloads[2]!.containers.map((c) => c.name)).toEqual(["app", "init", "debug"]);
  });

  it("computes the effective securityContext: container over pod, with where each value came from", () => {
    const file = new SourceFile("w.yaml", template("Deployment"));
    const w = loadManifest(file).workloads[0]!;
    const [app, init] = w.containers;
    const line = (p: { offset: number } | undefined) => (p ? file.position(p.offset).line : undefined);
    expect(app!.securityContext.runAsUser).toMatchObject({ value: 3000, from: "container" });
    expect(line(app!.securityContext.runAsUser!.node)).toBe(20);
    expect(app!.securityContext.runAsNonRoot).toMatchObject({ value: true, from: "pod" });
    expect(line(app!.securityContext.runAsNonRoot!.node)).toBe(10);
    expect(app!.securityContext.seccompProfile?.value).toEqual({ type: "RuntimeDefault" });
    expect(app!.securityContext.fsGroup?.value).toBe(2000);
    expect(app!.securityContext.capabilities?.add?.value).toEqual(["NET_BIND_SERVICE"]);
    expect(line(app!.securityContext.capabilities?.drop?.items[0]!.node)).toBe(24);
    expect(init!.securityContext.runAsUser).toMatchObject({ value: 1000, from: "pod" });
    expect(init!.securityContext.privileged).toBeUndefined();
    expect(init!.securityContext.node).toBeUndefined();
    expect(line(init!.node)).toBe(14);
  });

  it("reads the shipshape.dev/ignore annotation of the object and of its pod template", () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: x
  annotations: { shipshape.dev/ignore: "capabilities/not-dropped, user/may-run-as-root" }
spec:
  template:
    metadata:
      annotations: { shipshape.dev/ignore: privileged/privileged }
    spec:
      containers: [{ name: a, image: a }]
`;
    const w = loadManifest(new SourceFile("w.yaml", text)).workloads[0]!;
    expect(w.ignoredRules.sort()).toEqual(["capabilities/not-dropped", "privileged/privileged", "user/may-run-as-root"]);
  });

  it("skips objects without a pod template and survives odd shapes", () => {
    const text = "kind: Deployment\nspec: 3\n---\n- a\n- b\n---\nkind: Pod\nspec:\n  containers: [1, null, {name: ok}]\n---\n";
    const m = loadManifest(new SourceFile("odd.yaml", text));
    expect(m.workloads.map((w) => w.containers.map((c) => c.name))).toEqual([["ok"]]);
  });
});
