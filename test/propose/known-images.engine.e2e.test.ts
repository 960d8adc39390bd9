import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type Docker from "dockerode";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { resolveTarget } from "../../src/probe/build.js";
import { EngineSession } from "../../src/probe/engine.js";
import { fixture, runCli } from "../cli/run-cli.js";
import { describeWithEngine, engineReachable } from "../probe/engine-fixture.js";

/**
 * "A proposal that --write applies must never stop a workload that runs today", on the real
 * engine: each known image of fixtures/propose/known-images is replaced by a busybox image
 * that behaves like it (mimic/: its user, its root entrypoint that chowns and steps down, the
 * paths it writes, its port), run first as the manifest ran it, then as a default `propose
 * --write` left it — with the kubelet's runAsNonRoot check and Kubernetes' unprivileged port
 * start (1024) — and must start and listen both times.
 */
const MIMICS: Record<string, string> = {
  "postgres:16": "postgres",
  "redis:7.2": "redis",
  "memcached:1.6": "memcached",
  "nginx:1.27": "nginx",
  "quay.io/prometheus/prometheus:v2.53.0": "prometheus",
  "docker.elastic.co/elasticsearch/elasticsearch:8.14.1": "elasticsearch",
};

type Obj = Record<string, any>;
interface Target {
  workload: string;
  container: string;
  image: string;
  port: number;
  before: { podSpec: Obj; container: Obj };
  after: { podSpec: Obj; container: Obj; claims: string[] };
}

const reachable = await engineReachable();
const temps: string[] = [];
let session: EngineSession | undefined;
const built = new Map<string, { id: string; user: string }>();

describeWithEngine("a default propose --write keeps every known image starting (busybox mimics, real engine)", reachable, () => {
  beforeAll(async () => {
    session = await EngineSession.open();
    for (const name of new Set(Object.values(MIMICS))) {
      const dir = mkdtempSync(path.join(os.tmpdir(), `shipshape-mimic-${name}-`));
      temps.push(dir);
      cpSync(fixture("propose", "known-images", "mimic", name), dir, { recursive: true });
      for (const f of ["passwd", "group"]) cpSync(fixture("propose", "known-images", "mimic", f), path.join(dir, f));
      cpSync("/bin/busybox", path.join(dir, "busybox"));
      const image = await resolveTarget(session, dir, {});
      const info = await session.docker.getImage(image.imageId).inspect();
      built.set(name, { id: image.imageId, user: info.Config.User ?? "" });
    }
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    temps.forEach((t) => rmSync(t, { recursive: true, force: true }));
  });

  // the default --write is the promise; --include-unverified (the known images' non-root ways,
  // read-only roots and capabilities) is checked too, against images that behave as documented
  for (const flags of [[], ["--include-unverified"]]) {
    it(`writes changes${flags.length ? " (--include-unverified)" : ""}, and each container starts and listens as before`, async () => {
      const repo = mkdtempSync(path.join(os.tmpdir(), "shipshape-known-images-"));
      temps.push(repo);
      cpSync(fixture("propose", "known-images", "repo"), repo, { recursive: true });
      const before = workloads(repo);
      const write = runCli(["propose", repo, "--write", "--kube-version", "1.36", ...flags]);
      expect(write.code, write.stderr).toBe(0);
      const after = workloads(repo);
      const targets = pairUp(before, after);
      expect([...new Set(targets.map((t) => t.image))].sort()).toEqual(Object.keys(MIMICS).sort());
      // something was written to every container: the test is about real edits
      for (const t of targets) expect(JSON.stringify(t.after), t.container).not.toBe(JSON.stringify({ ...t.before, claims: t.after.claims }));
      const outcomes: string[] = [];
      for (const t of targets) {
        const image = built.get(MIMICS[t.image]!)!;
        for (const [when, spec] of [["as deployed", t.before], ["after --write", t.after]] as const) {
          const outcome = await runAs(session!, image, spec.podSpec, spec.container, t.port, "claims" in spec ? spec.claims : t.after.claims);
          outcomes.push(`${t.container} ${when}: ${outcome}`);
        }
      }
      expect(outcomes).toEqual(targets.flatMap((t) => [`${t.container} as deployed: listening on ${t.port}`, `${t.container} after --write: listening on ${t.port}`]));
    }, 300_000);
  }

  it("tells a proposal that breaks the image: what propose wrote before (uid 10001, drop ALL, read-only root with /tmp) stops nginx and postgres", async () => {
    const template = (name: string, image: string, port: number) => ({
      podSpec: { securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 }, volumes: [{ name: "tmp", emptyDir: {} }] },
      container: {
        name,
        image,
        ports: [{ containerPort: port }],
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
      },
    });
    const nginx = template("nginx", "nginx:1.27", 80);
    const postgres = template("postgres", "postgres:16", 5432);
    expect(await runAs(session!, built.get("nginx")!, nginx.podSpec, nginx.container, 80, [])).not.toMatch(/^listening/);
    expect(await runAs(session!, built.get("postgres")!, postgres.podSpec, postgres.container, 5432, [])).not.toMatch(/^listening/);
  }, 120_000);
});

/** Every workload container of the repo's manifests, by workload and container name. */
function workloads(repo: string): Map<string, { podSpec: Obj; container: Obj; claims: string[] }> {
  const out = new Map<string, { podSpec: Obj; container: Obj; claims: string[] }>();
  const dir = path.join(repo, "k8s");
  for (const f of readdirSync(dir)) {
    for (const doc of parseAllDocuments(readFileSync(path.join(dir, f), "utf8"))) {
      const o = doc.toJS() as Obj;
      const podSpec = o.spec.template.spec as Obj;
      const claims = (o.spec.volumeClaimTemplates ?? []).map((c: Obj) => c.metadata.name as string);
      for (const c of podSpec.containers as Obj[]) out.set(`${o.metadata.name}/${c.name}`, { podSpec, container: c, claims });
    }
  }
  return out;
}

function pairUp(before: ReturnType<typeof workloads>, after: ReturnType<typeof workloads>): Target[] {
  return [...before].map(([key, b]) => {
    const a = after.get(key)!;
    const port = (b.container.ports as Obj[])[0]!.containerPort as number;
    return { workload: key.split("/")[0]!, container: b.container.name, image: b.container.image, port, before: b, after: a };
  });
}

/**
 * Run the image as the kubelet would run this container: its user (and the runAsNonRoot
 * check), capabilities, no_new_privs, seccomp, read-only root, emptyDirs and claims as
 * fresh volumes (a claim group-owned by fsGroup), Kubernetes' port floor; then say whether it
 * listens on its port after a few seconds.
 */
async function runAs(session: EngineSession, image: { id: string; user: string }, podSpec: Obj, container: Obj, port: number, claims: string[]): Promise<string> {
  const pod = (podSpec.securityContext ?? {}) as Obj;
  const own = (container.securityContext ?? {}) as Obj;
  const pick = (k: string) => own[k] ?? pod[k];
  const uid = pick("runAsUser");
  const gid = pick("runAsGroup");
  if (pick("runAsNonRoot") === true && uid === undefined) {
    const user = image.user.split(":")[0]!;
    if (!/^\d+$/.test(user)) return `refused by the kubelet: image has non-numeric user (${user}), cannot verify user is non-root`;
    if (user === "0") return "refused by the kubelet: image will run as root";
  }
  if (pick("runAsNonRoot") === true && uid === 0) return "refused by the kubelet: runAsUser 0 with runAsNonRoot";
  const caps = (own.capabilities ?? {}) as Obj;
  const seccomp = pick("seccompProfile") as Obj | undefined;
  // An emptyDir is a fresh world-writable directory; a fresh claim is root's, group-owned by fsGroup when set.
  // Each is a new tmpfs-backed volume with no copy of the image's directory (a plain --tmpfs over an
  // image directory takes that directory's owner and mode), removed with the container.
  const volumes = new Map(((podSpec.volumes ?? []) as Obj[]).map((v) => [v.name as string, v]));
  const mounts: Docker.MountSettings[] = [];
  const fresh = (target: string, o: string): Docker.MountSettings => ({
    Type: "volume",
    Source: "",
    Target: target,
    VolumeOptions: { NoCopy: true, Labels: session.labels, DriverConfig: { Name: "local", Options: { type: "tmpfs", device: "tmpfs", o } } },
  });
  for (const m of (container.volumeMounts ?? []) as Obj[]) {
    const fsGroup = pod.fsGroup as number | undefined;
    if (claims.includes(m.name)) mounts.push(fresh(m.mountPath, fsGroup !== undefined ? `mode=2775,gid=${fsGroup}` : "mode=0755"));
    else if (volumes.get(m.name)?.emptyDir) mounts.push(fresh(m.mountPath, "mode=1777"));
  }
  const hostConfig: Docker.HostConfig = {
    NetworkMode: "none",
    Memory: 128 * 1024 * 1024,
    PidsLimit: 64,
    Sysctls: { "net.ipv4.ip_unprivileged_port_start": "1024" },
    CapDrop: ((caps.drop ?? []) as string[]).map(String),
    CapAdd: ((caps.add ?? []) as string[]).map(String),
    ReadonlyRootfs: own.readOnlyRootFilesystem === true,
    Mounts: mounts,
    SecurityOpt: [...(own.allowPrivilegeEscalation === false ? ["no-new-privileges"] : []), ...(seccomp?.type === "Unconfined" ? ["seccomp=unconfined"] : [])],
  };
  const created = await session.docker.createContainer({
    Image: image.id,
    name: session.name(`mimic-${container.name}-${Date.now()}`),
    User: uid !== undefined ? `${uid}${gid !== undefined ? `:${gid}` : ""}` : undefined,
    Env: ((container.env ?? []) as Obj[]).map((e) => `${e.name}=${e.value ?? ""}`),
    Labels: session.labels,
    HostConfig: hostConfig,
  });
  session.track("container", created.id);
  try {
    await created.start();
    const hex = port.toString(16).toUpperCase().padStart(4, "0");
    for (let i = 0; i < 40; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const state = (await created.inspect()).State;
      if (!state.Running) return `exited ${state.ExitCode}: ${(await created.logs({ stdout: true, stderr: true })).toString("utf8").trim().slice(-300)}`;
      const exec = await created.exec({ Cmd: ["cat", "/proc/net/tcp", "/proc/net/tcp6"], AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack: true, stdin: false });
      const text = await new Promise<string>((resolve) => {
        let buf = "";
        stream.on("data", (d: Buffer) => (buf += d.toString("latin1")));
        stream.on("end", () => resolve(buf));
      });
      if (new RegExp(`:${hex} [0-9A-F:]+ 0A `).test(text)) return `listening on ${port}`;
    }
    return `not listening on ${port} after 10s`;
  } finally {
    await session.removeContainer(created.id);
  }
}
