import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Docker from "dockerode";
import tar from "tar-fs";
import { PROBE_LABEL } from "../../src/probe/engine.js";
import { debianMirror } from "./debian-mirror.js";
import { DEBIAN_GROUPS, DEBIAN_IMAGES, type DebianGroupName, type DebianImageName } from "./debian-recipes.js";

export const DEBIAN_SUITE = "bookworm";

export interface DebianImagesOptions {
  /** Names the images and labels them `dev.shipshape.probe=debian-<runId>`. */
  runId: string;
  /** Where this run keeps root filesystems; removed by `removeAll`. */
  workDir: string;
  /** Keep the bootstrapped base root filesystem here between runs (a developer's cache; CI leaves it unset). */
  baseCache?: string;
  log?: (line: string) => void;
}

export interface DebianImage {
  name: DebianImageName;
  ref: string;
  imageId: string;
}

const READY = ".shipshape-ready";

/**
 * Images of real software, made from Debian's own packages without a registry: a minimal
 * bookworm root filesystem bootstrapped once (`debootstrap --variant=minbase` from the
 * machine's configured mirror, every package the recipes need downloaded into it once),
 * copied per group and completed with `chroot … apt-get install`, imported through the
 * Engine API, then small builds on top. Safe to use from several processes at once (test
 * files run in parallel workers): each step is done under a lock and reused when done.
 */
export class DebianImages {
  readonly labelValue: string;
  private readonly docker = new Docker();
  private readonly base: string;

  constructor(private readonly options: DebianImagesOptions) {
    this.labelValue = `debian-${options.runId}`;
    this.base = options.baseCache ?? path.join(options.workDir, "base");
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  /** Make sure the base root filesystem exists; the reason when it cannot be built on this machine. */
  async prepare(): Promise<string | undefined> {
    if (process.getuid?.() !== 0) return "building a root filesystem needs root (debootstrap, chroot)";
    if (!(await commandExists("debootstrap"))) return "debootstrap is not installed";
    const mirror = debianMirror(DEBIAN_SUITE);
    if (!mirror) return `no Debian mirror for ${DEBIAN_SUITE} in /etc/apt/sources.list or /etc/apt/sources.list.d/*.sources`;
    const packages = [...new Set(Object.values(DEBIAN_GROUPS).flatMap((g) => g.packages))].sort();
    try {
      mkdirSync(this.options.workDir, { recursive: true });
      await withLock(`${this.base}.lock`, async () => {
        const marker = path.join(this.base, READY);
        if (existsSync(marker) && readFileSync(marker, "utf8") === packages.join(" ")) return;
        if (!existsSync(marker)) {
          const partial = `${this.base}.partial`;
          rmSync(partial, { recursive: true, force: true });
          this.log(`debootstrap --variant=minbase ${DEBIAN_SUITE} from ${mirror}`);
          await run("debootstrap", ["--variant=minbase", DEBIAN_SUITE, partial, mirror]);
          // Keep package scripts from starting daemons in the chroot, and docs out of the images.
          writeFileSync(path.join(partial, "usr/sbin/policy-rc.d"), "#!/bin/sh\nexit 101\n", { mode: 0o755 });
          writeFileSync(
            path.join(partial, "etc/dpkg/dpkg.cfg.d/shipshape-excludes"),
            "path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/info/*\n",
          );
          rmSync(this.base, { recursive: true, force: true });
          await run("mv", [partial, this.base]);
        }
        // Download every package once; the group installs then need no network.
        this.log(`apt-get install --download-only ${packages.join(" ")}`);
        await chroot(this.base, "apt-get update -q");
        await chroot(this.base, `apt-get install -y -q --no-install-recommends --download-only ${packages.join(" ")}`);
        writeFileSync(marker, packages.join(" "));
      });
    } catch (err) {
      return `bootstrapping Debian ${DEBIAN_SUITE} failed: ${(err as Error).message}`;
    }
    return undefined;
  }

  /** The image `name` (built on first use, by whichever process asks first). */
  async image(name: DebianImageName): Promise<DebianImage> {
    const recipe = DEBIAN_IMAGES[name];
    const ref = `shipshape-test/${name}:${this.options.runId}`;
    const from = await this.group(recipe.group);
    const imageId = await withLock(path.join(this.options.workDir, `image-${name}.lock`), async () => {
      const existing = await this.existing(ref);
      if (existing) return existing;
      this.log(`building ${ref}`);
      const dir = mkdtempSync(path.join(tmpdir(), `shipshape-debian-${name}-`));
      try {
        const files: Record<string, { content: string; mode?: number }> = "files" in recipe ? recipe.files : {};
        for (const [file, f] of Object.entries(files)) writeFileSync(path.join(dir, file), f.content, { mode: f.mode ?? 0o644 });
        writeFileSync(path.join(dir, "Dockerfile"), [`FROM ${from}`, ...recipe.dockerfile].join("\n") + "\n");
        return await this.build(dir, ref);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
    return { name, ref, imageId };
  }

  /**
   * A helper image holding only the machine's static busybox (`wget`, `nc`): run with
   * `NetworkMode: container:<id>`, it talks to a container over that container's own
   * loopback, so nothing leaves the machine.
   */
  async busybox(): Promise<string> {
    const ref = `shipshape-test/busybox:${this.options.runId}`;
    mkdirSync(this.options.workDir, { recursive: true });
    return withLock(path.join(this.options.workDir, "busybox.lock"), async () => {
      const existing = await this.existing(ref);
      if (existing) return existing;
      const tree = mkdtempSync(path.join(tmpdir(), "shipshape-busybox-"));
      try {
        mkdirSync(path.join(tree, "bin"));
        await run("cp", ["/bin/busybox", path.join(tree, "bin/busybox")]);
        await this.import(tree, ref);
      } finally {
        rmSync(tree, { recursive: true, force: true });
      }
      const id = await this.existing(ref);
      if (!id) throw new Error(`import of ${ref} produced no image`);
      return id;
    });
  }

  /** One group's root filesystem: base + `chroot apt-get install`, imported as an image. */
  private async group(name: DebianGroupName): Promise<string> {
    const ref = `shipshape-test/debian-${name}:${this.options.runId}`;
    await withLock(path.join(this.options.workDir, `group-${name}.lock`), async () => {
      if (await this.existing(ref)) return;
      const reason = await this.prepare();
      if (reason) throw new Error(reason);
      const group = DEBIAN_GROUPS[name];
      const tree = path.join(this.options.workDir, `group-${name}`);
      rmSync(tree, { recursive: true, force: true });
      try {
        await run("cp", ["-a", this.base, tree]);
        rmSync(path.join(tree, READY), { force: true });
        if ("preinstall" in group) await chroot(tree, group.preinstall);
        this.log(`chroot apt-get install ${group.packages.join(" ")}`);
        await chroot(tree, `apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold ${group.packages.join(" ")}`);
        await chroot(tree, "apt-get clean && rm -rf /var/lib/apt/lists/*");
        await this.import(tree, ref);
      } finally {
        rmSync(tree, { recursive: true, force: true });
      }
    });
    return ref;
  }

  private async existing(ref: string): Promise<string | undefined> {
    const info = await this.docker
      .getImage(ref)
      .inspect()
      .catch(() => undefined);
    return info && info.Config.Labels?.[PROBE_LABEL] === this.labelValue ? info.Id : undefined;
  }

  /** `tar` of the tree (owners, modes and device nodes as they are) into POST /images/create?fromSrc=-. */
  private async import(tree: string, ref: string): Promise<void> {
    const [repo, tag] = ref.split(":");
    const tarball = spawn("tar", ["-C", tree, "--numeric-owner", "-cf", "-", "."], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    tarball.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => tarball.on("close", resolve));
    const stream = await this.docker.importImage(tarball.stdout as unknown as string, {
      repo,
      tag,
      changes: [`LABEL ${PROBE_LABEL}=${this.labelValue}`],
    } as object);
    await followProgress(this.docker, stream);
    if ((await exited) !== 0) throw new Error(`tar of ${tree} failed: ${stderr.trim()}`);
  }

  private async build(dir: string, ref: string): Promise<string> {
    const context = tar.pack(dir);
    const stream = await this.docker.buildImage(context as unknown as NodeJS.ReadableStream, {
      t: ref,
      labels: { [PROBE_LABEL]: this.labelValue },
      rm: true,
      forcerm: true,
    });
    await followProgress(this.docker, stream);
    const id = await this.existing(ref);
    if (!id) throw new Error(`build of ${ref} produced no image`);
    return id;
  }

  /** Remove every image this run made (newest first: builds before the groups they start from) and the work directory. */
  async removeAll(): Promise<void> {
    const filters = JSON.stringify({ label: [`${PROBE_LABEL}=${this.labelValue}`] });
    for (let attempt = 0; attempt < 3; attempt++) {
      const images = await this.docker.listImages({ filters }).catch(() => []);
      if (images.length === 0) break;
      for (const image of images.sort((a, b) => b.Created - a.Created)) {
        await this.docker
          .getImage(image.Id)
          .remove({ force: true })
          .catch(() => undefined);
      }
    }
    rmSync(this.options.workDir, { recursive: true, force: true });
  }
}

/** Run a command; reject with the end of its output when it fails. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    let output = "";
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${output.trim().split("\n").slice(-5).join(" | ")}`));
    });
  });
}

function chroot(tree: string, script: string): Promise<void> {
  return run("chroot", [tree, "/bin/sh", "-c", script], { DEBIAN_FRONTEND: "noninteractive", LC_ALL: "C", PATH: "/usr/sbin:/usr/bin:/sbin:/bin" });
}

async function commandExists(name: string): Promise<boolean> {
  return run("sh", ["-c", `command -v ${name}`]).then(
    () => true,
    () => false,
  );
}

function followProgress(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
      const failed = out?.find((o) => o.error);
      if (err || failed) reject(err ?? new Error(failed!.error));
      else resolve();
    }),
  );
}

/**
 * Hold a lock between processes: a directory made atomically, with the holder's pid inside
 * so that a lock left by a killed process is taken over instead of waited on forever.
 */
async function withLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, "pid"), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      let pid: number | undefined;
      try {
        pid = Number(readFileSync(path.join(lock, "pid"), "utf8").trim()) || undefined;
      } catch {
        // just made, pid not written yet: wait
      }
      if (pid !== undefined && pid !== process.pid && !alive(pid)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
