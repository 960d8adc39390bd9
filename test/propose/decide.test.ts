import { describe, expect, it } from "vitest";
import { parseKubeVersion } from "../../src/kube/version.js";
import { loadManifest } from "../../src/manifest/load.js";
import { SourceFile } from "../../src/source/source-file.js";
import { decideContainer } from "../../src/propose/decide.js";
import { knownImageFacts, staticImageFacts, type StaticImageFacts } from "../../src/propose/image-facts.js";
import { parseDockerfile } from "../../src/dockerfile/parse.js";
import { knownImage } from "../../src/known-images/lookup.js";

const kube = parseKubeVersion("1.36");
function container(spec: string, name = "c") {
  const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: ${name}\n${spec
    .split("\n")
    .map((l) => `      ${l}`)
    .join("\n")}\n`;
  const workload = loadManifest(new SourceFile("p.yaml", text)).workloads[0]!;
  return { workload, container: workload.containers[0]! };
}

const dockerfileFacts = (over: Partial<StaticImageFacts> = {}): StaticImageFacts => ({
  origin: "dockerfile",
  label: "app/Dockerfile",
  user: { kind: "non-root", uid: 10001, gid: 10001, how: "USER 10001 at app/Dockerfile:3", numeric: true },
  ports: [],
  volumes: [],
  fileCapabilities: [],
  setuid: [],
  baseImage: "scratch",
  escalationUnneeded: true,
  writes: [],
  writesKnown: true,
  ...over,
});

describe("decideContainer: how sure each change is", () => {
  it("a numeric non-root USER with nothing that raises privileges: runAsNonRoot, no_new_privs and drop ALL are safe", () => {
    const d = decideContainer({ ...container("image: ghcr.io/acme/app:1"), image: dockerfileFacts(), kube });
    expect([d.shared.runAsNonRoot?.kind, d.allowPrivilegeEscalation?.kind, d.drop?.kind]).toEqual(["safe", "safe", "safe"]);
    expect(d.shared.runAsUser).toBeUndefined(); // the kubelet checks the image's numeric user itself
    expect(d.readOnlyRootFilesystem?.kind).toBe("unverified");
  });

  it("the same facts from a Dockerfile pairing only guessed are not proof: unverified", () => {
    const d = decideContainer({ ...container("image: ghcr.io/acme/app:1"), image: dockerfileFacts({ certain: false }), kube });
    expect([d.shared.runAsNonRoot?.kind, d.allowPrivilegeEscalation?.kind, d.drop?.kind]).toEqual(["unverified", "unverified", "unverified"]);
    expect(d.allowPrivilegeEscalation?.evidence).toMatch(/pairing only guessed/);
  });

  it("a setuid binary in the image: allowPrivilegeEscalation is not proposed, and says why", () => {
    const d = decideContainer({ ...container("image: ghcr.io/acme/app:1"), image: dockerfileFacts({ setuid: [{ what: "su (setuid-root) in the entrypoint", where: "app/Dockerfile:4" }], escalationUnneeded: false }), kube });
    expect(d.allowPrivilegeEscalation).toBeUndefined();
    expect(d.notes.join()).toMatch(/su \(setuid-root\)/);
  });

  it("a container that runs as root by choice gets no capability proposal (it chowns, sets sysctls …)", () => {
    const d = decideContainer({ ...container("image: busybox:1.36\ncommand: [chown, -R, '1000', /data]\nsecurityContext:\n  runAsUser: 0"), image: knownImageFacts(knownImage("busybox:1.36")!), kube });
    expect(d.drop).toBeUndefined();
    expect(d.shared.runAsNonRoot).toBeUndefined();
    expect(d.advice.join()).toMatch(/runs as root by choice/);
  });

  it("a known image with a named user: the same uid and group as numbers, safe (elasticsearch runs as 1000:0)", () => {
    const c = container("image: docker.elastic.co/elasticsearch/elasticsearch:8.14.1");
    const d = decideContainer({ ...c, image: knownImageFacts(knownImage("docker.elastic.co/elasticsearch/elasticsearch:8.14.1")!), kube });
    expect([d.shared.runAsUser?.value, d.shared.runAsGroup?.value, d.shared.runAsUser?.kind]).toEqual([1000, 0, "safe"]);
    expect(d.shared.runAsUser?.evidence).toMatch(/https:\/\/github.com\/elastic\/elasticsearch/);
  });

  it("postgres: the documented non-root way, its writes and no capabilities, all unverified and sourced", () => {
    const c = container("image: postgres:16\nenv:\n  - name: PGDATA\n    value: /var/lib/postgresql/data/pgdata\nvolumeMounts:\n  - name: data\n    mountPath: /var/lib/postgresql/data");
    const d = decideContainer({ ...c, image: knownImageFacts(knownImage("postgres:16")!), kube });
    expect([d.shared.runAsUser?.value, d.shared.runAsUser?.kind]).toEqual([999, "unverified"]);
    expect(d.shared.runAsUser?.evidence).toMatch(/documented --user way.*docker-library\/postgres/);
    expect(d.mounts.filter((m) => !m.existing).map((m) => m.path)).toEqual(["/tmp", "/var/run/postgresql"]);
    expect(d.add).toBeUndefined();
    expect(d.allowPrivilegeEscalation?.kind).toBe("safe");
  });

  it("postgres whose PGDATA is a volume's root (the voting app's db): no uid proposed, since initdb could not chmod it; root keeps its capabilities, and the advice says how", () => {
    for (const [image, spec] of [
      ["postgres:15-alpine", "volumeMounts:\n  - name: db-data\n    mountPath: /var/lib/postgresql/data"],
      ["postgres:16", "env:\n  - name: PGDATA\n    value: /pgdata\nvolumeMounts:\n  - name: data\n    mountPath: /pgdata/"],
      // no volume: a read-only root would put an emptyDir on the default PGDATA
      ["postgres:16", "ports:\n  - containerPort: 5432"],
    ] as const) {
      const d = decideContainer({ ...container(`image: ${image}\n${spec}`), image: knownImageFacts(knownImage(image)!), kube });
      expect(d.shared.runAsUser, image).toBeUndefined();
      expect(d.shared.runAsNonRoot).toBeUndefined();
      expect(d.blockers.map((b) => b.reason).join()).toMatch(/PGDATA/);
      expect(d.advice.join()).toMatch(/set env PGDATA to a subdirectory of its volume \(e\.g\. PGDATA=\/(var\/lib\/postgresql\/data|pgdata)\/pgdata\)/);
      expect(d.add?.value).toEqual(["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"]);
    }
  });

  it("postgres whose PGDATA is below its volume, or set from elsewhere: the non-root way only when where it points is known", () => {
    const fine = container("image: postgres:18\nvolumeMounts:\n  - name: data\n    mountPath: /var/lib/postgresql");
    expect(decideContainer({ ...fine, image: knownImageFacts(knownImage("postgres:18")!), kube }).shared.runAsUser?.value).toBe(999);
    const unknown = container("image: postgres:16\nenv:\n  - name: PGDATA\n    valueFrom: { configMapKeyRef: { name: pg, key: dir } }");
    const d = decideContainer({ ...unknown, image: knownImageFacts(knownImage("postgres:16")!), kube });
    expect(d.shared.runAsUser).toBeUndefined();
    expect(d.blockers.map((b) => b.reason).join()).toMatch(/valueFrom/);
  });

  it("USER node FROM node: the base image's account gives uid 1000, written as numbers (safe); a name the Dockerfile creates, or an unknown base, stays unresolved", () => {
    const facts = (text: string) => staticImageFacts(parseDockerfile(new SourceFile("Dockerfile", text)), null)!;
    const node = facts("FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nUSER node\nCMD [\"node\", \"server.js\"]\n");
    expect(node.user).toMatchObject({ kind: "non-root", uid: 1000, numeric: false });
    expect(node.user.kind === "non-root" && node.user.gid).toBeUndefined();
    expect(node.user.how).toMatch(/base image node:20-alpine \(per https:\/\/github.com\/nodejs\/docker-node/);
    const d = decideContainer({ ...container("image: web:1"), image: node, kube });
    expect([d.shared.runAsNonRoot?.value, d.shared.runAsUser?.value, d.shared.runAsUser?.kind]).toEqual([true, 1000, "safe"]);
    // runAsGroup would drop the supplementary groups /etc/group gives node (Docker: --user 1000:1000 does, --user 1000 keeps them)
    expect(d.shared.runAsGroup).toBeUndefined();
    expect(facts("FROM gcr.io/distroless/static-debian12\nCOPY app /app\nUSER nonroot:nonroot\n").user).toMatchObject({ kind: "non-root", uid: 65532, gid: 65532 });
    // the build picks the uid of a user it creates; another base has no such account
    expect(facts("FROM node:20\nRUN useradd node2 && useradd -m node || true\nUSER node\n").user.kind).toBe("unresolved");
    expect(facts("FROM python:3.12-slim\nUSER node\n").user.kind).toBe("unresolved");
    expect(facts("FROM node:20\nUSER node:staff\n").user.kind).toBe("unresolved");
  });

  it("an image nothing is known about gets safe changes only", () => {
    const d = decideContainer({ ...container("image: registry.example.com/vendor/thing:3"), kube });
    expect(d.shared.seccompProfile?.kind).toBe("safe");
    expect([d.shared.runAsUser, d.allowPrivilegeEscalation, d.drop, d.readOnlyRootFilesystem, d.mounts.length]).toEqual([undefined, undefined, undefined, undefined, 0]);
  });
});
