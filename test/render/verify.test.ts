import { describe, expect, it } from "vitest";
import { differences } from "../../src/render/verify-render.js";

const pod = (volumes: unknown[], containers: unknown[]) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { volumes, containers } });

describe("checking an edit by rendering: what counts as the same resource", () => {
  it("volumes and mounts in another order (a strategic merge puts new items first) are the same", () => {
    const want = pod([{ name: "data", emptyDir: {} }, { name: "tmp", emptyDir: {} }], [{ name: "app", volumeMounts: [{ name: "data", mountPath: "/d" }, { name: "tmp", mountPath: "/tmp" }] }]);
    const got = pod([{ emptyDir: {}, name: "tmp" }, { emptyDir: {}, name: "data" }], [{ name: "app", volumeMounts: [{ mountPath: "/tmp", name: "tmp" }, { mountPath: "/d", name: "data" }] }]);
    expect(differences([want], [got])).toEqual([]);
  });

  it("containers in another order, a changed value, a resource more or less are differences", () => {
    const a = pod([], [{ name: "init" }, { name: "app" }]);
    expect(differences([a], [pod([], [{ name: "app" }, { name: "init" }])])).toEqual(["Pod//p"]);
    expect(differences([a], [pod([], [{ name: "init" }, { name: "app", securityContext: { privileged: true } }])])).toEqual(["Pod//p"]);
    expect(differences([a], [a, { kind: "Service", metadata: { name: "s" } }])).toEqual(["Service//s"]);
    expect(differences([a], [])).toEqual(["Pod//p"]);
  });
});
