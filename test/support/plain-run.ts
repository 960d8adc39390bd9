import Docker from "dockerode";

/**
 * The test's own, independent way to run an image the way a pod with a given securityContext
 * would — plain Engine API calls, none of the probe's code — and to look at the result: its
 * process tree, and whether it answers on its port (asked from a busybox helper sharing the
 * container's network namespace, so nothing leaves the machine).
 */

export interface PlainSettings {
  /** `uid:gid`, or undefined for the image's USER. */
  user?: string;
  /** undefined: Docker's default set. */
  capAdd?: string[];
  capDropAll?: boolean;
  readOnlyRootfs?: boolean;
  /** emptyDir mount points (empty, 0777, executable, like the kubelet's). */
  emptyDirs?: string[];
  noNewPrivileges?: boolean;
}

/** What `propose`/`probe` proposes, read as a pod would apply it. */
export interface ProposalLike {
  podSecurityContext: { runAsUser?: number; runAsGroup?: number };
  containers: Array<{
    securityContext: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[]; add?: string[] } };
    volumeMounts: Array<{ mountPath: string }>;
  }>;
}

export function settingsOf(proposal: ProposalLike): PlainSettings {
  const pod = proposal.podSecurityContext;
  const c = proposal.containers[0]!;
  const sc = c.securityContext;
  return {
    user: pod.runAsUser !== undefined ? `${pod.runAsUser}:${pod.runAsGroup ?? pod.runAsUser}` : undefined,
    capDropAll: sc.capabilities?.drop?.includes("ALL") ?? false,
    capAdd: sc.capabilities?.add ?? [],
    readOnlyRootfs: sc.readOnlyRootFilesystem === true,
    emptyDirs: c.volumeMounts.map((m) => m.mountPath),
    noNewPrivileges: sc.allowPrivilegeEscalation === false,
  };
}

export async function startPlain(docker: Docker, image: string, labels: Record<string, string>, s: PlainSettings): Promise<Docker.Container> {
  const container = await docker.createContainer({
    Image: image,
    Labels: labels,
    ...(s.user ? { User: s.user } : {}),
    HostConfig: {
      NetworkMode: "none",
      Memory: 512 * 1024 * 1024,
      PidsLimit: 512,
      // like most clusters (and the probe): ports below 1024 need NET_BIND_SERVICE
      Sysctls: { "net.ipv4.ip_unprivileged_port_start": "1024" },
      CapDrop: s.capDropAll ? ["ALL"] : [],
      CapAdd: s.capAdd ?? [],
      ReadonlyRootfs: s.readOnlyRootfs ?? false,
      SecurityOpt: s.noNewPrivileges ? ["no-new-privileges:true"] : [],
      Mounts: (s.emptyDirs ?? []).map((target) => ({
        Type: "volume" as const,
        Source: "",
        Target: target,
        VolumeOptions: { NoCopy: true, Labels: labels, DriverConfig: { Name: "local", Options: { type: "tmpfs", device: "tmpfs", o: "mode=0777" } } },
      })),
    },
  });
  await container.start();
  return container;
}

export async function removePlain(container: Docker.Container): Promise<void> {
  await container.remove({ force: true, v: true }).catch(() => undefined);
}

/** The processes as `ps` on the engine's host sees them: count and users, e.g. "0 nginx, 33 nginx, 33 nginx". */
export async function processTree(container: Docker.Container): Promise<string[]> {
  const top = await container.top({ ps_args: "-o pid,uid,comm" });
  const uid = top.Titles.indexOf("UID");
  const comm = top.Titles.indexOf("COMMAND");
  return top.Processes.map((p: string[]) => `${p[uid]} ${p[comm]}`).sort();
}

export type Protocol = "http" | "redis" | "memcached" | "postgres";

const REQUEST: Record<Protocol, (port: number) => string> = {
  // not wget -T: busybox 1.35's static build crashes with it
  http: (port) => `/bin/busybox timeout 5 /bin/busybox wget -q -O - http://127.0.0.1:${port}/`,
  redis: (port) => `printf 'PING\\r\\n' | /bin/busybox nc -w 3 127.0.0.1 ${port}`,
  memcached: (port) => `printf 'version\\r\\n' | /bin/busybox nc -w 3 127.0.0.1 ${port}`,
  // the SSLRequest packet: a server answers one byte, 'S' or 'N'
  postgres: (port) => `printf '\\000\\000\\000\\010\\004\\322\\026\\057' | /bin/busybox nc -w 3 127.0.0.1 ${port}`,
};

/** What the container answers on `port`, asked over its own loopback from a busybox helper. */
export async function ask(docker: Docker, helperImage: string, labels: Record<string, string>, containerId: string, port: number, protocol: Protocol): Promise<{ exitCode: number; output: string }> {
  const helper = await docker.createContainer({
    Image: helperImage,
    Labels: labels,
    User: "65534:65534",
    Entrypoint: ["/bin/busybox", "sh", "-c", REQUEST[protocol](port)],
    HostConfig: { NetworkMode: `container:${containerId}`, CapDrop: ["ALL"], ReadonlyRootfs: true, SecurityOpt: ["no-new-privileges:true"], Memory: 64 * 1024 * 1024, PidsLimit: 16 },
  });
  try {
    await helper.start();
    const result = (await helper.wait()) as { StatusCode: number };
    const raw = (await helper.logs({ stdout: true, stderr: true })) as unknown as Buffer;
    return { exitCode: result.StatusCode, output: demux(Buffer.from(raw)) };
  } finally {
    await helper.remove({ force: true }).catch(() => undefined);
  }
}

/** Wait until the container answers on the port (or the time is up); the last answer. */
export async function waitForAnswer(
  docker: Docker,
  helperImage: string,
  labels: Record<string, string>,
  container: Docker.Container,
  port: number,
  protocol: Protocol,
  ms: number,
): Promise<{ exitCode: number; output: string }> {
  const deadline = Date.now() + ms;
  for (;;) {
    const info = await container.inspect();
    if (!info.State.Running) return { exitCode: -1, output: `container exited ${info.State.ExitCode}` };
    const answer = await ask(docker, helperImage, labels, container.id, port, protocol);
    if ((answer.exitCode === 0 && answer.output.length > 0) || Date.now() > deadline) return answer;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function logsOf(container: Docker.Container): Promise<string> {
  const raw = (await container.logs({ stdout: true, stderr: true })) as unknown as Buffer;
  return demux(Buffer.from(raw));
}

function demux(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(i + 4);
    parts.push(buffer.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return Buffer.concat(parts).toString("utf8");
}
