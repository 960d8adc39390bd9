import { splitCommands, type ShellWord } from "../dockerfile/run-commands.js";
import type { Lookup } from "../dockerfile/variables.js";
import { unresolved } from "./image-ref.js";

/** A `docker build`-like command line found in a script, with what it says about the image. */
export interface BuildCommand {
  /** `docker build`, `podman build`, `buildah bud`, `kaniko` … for details */
  tool: string;
  tags: string[];
  /** `-f` as written (relative to the working directory), `-` when read from stdin */
  file?: string;
  target?: string;
  /** the context argument as written; undefined when none (or stdin) */
  context?: string;
  buildArgs: Record<string, string>;
  /** offset of the command's first word in the text given */
  at: number;
  /** the folder an earlier `cd` in the same script moved to, as written */
  cd?: string;
}

/**
 * `kustomize edit set image NAME=NEWNAME[:TAG]`: the kustomization in the working folder
 * rewrites the image NAME to the one given, at deploy time (kubebuilder's `make deploy`).
 */
export interface RetagCommand {
  name: string;
  to: string;
  at: number;
  cd?: string;
}

/** An image built without a Dockerfile (ko, jib, buildpacks): said so, rather than left silent. */
export interface DockerlessBuild {
  tool: string;
  image: string;
  at: number;
}

/**
 * `cp [-r] SRC… DEST`: files a later build may read from DEST (argo-cd copies
 * Dockerfile.dev into dist/ and builds there; the guestbook copies its folder to a temp dir).
 */
export interface CopyCommand {
  sources: string[];
  dest: string;
  at: number;
  cd?: string;
}

/** `docker tag SRC DST`: another name for an image built earlier in the same script. */
export interface TagCommand {
  source: string;
  target: string;
  at: number;
}

/** Options of docker/podman/buildah build that take a value as the next word. */
const VALUE_OPTIONS = new Set([
  "-t", "--tag", "-f", "--file", "--target", "--build-arg", "--platform", "--label", "--cache-from", "--cache-to",
  "--secret", "--ssh", "-o", "--output", "--progress", "--network", "--iidfile", "--build-context", "--add-host",
  "-m", "--memory", "--memory-swap", "--shm-size", "--ulimit", "--cgroup-parent", "--cpu-period", "--cpu-quota",
  "--cpu-shares", "--cpuset-cpus", "--cpuset-mems", "--isolation", "--metadata-file", "--attest", "--allow",
  "--builder", "--annotation", "--format", "--jobs", "--authfile", "--cert-dir", "--creds", "--runtime",
  "--security-opt", "--volume", "-v", "--arch", "--os", "--variant", "--manifest", "--timestamp", "--userns",
  "--layers", "--logfile", "--sign-by", "--squash-all", "--env", "--unsetenv", "--cap-add", "--cap-drop",
  "--ignorefile", "--from", "--hooks-dir", "--retry", "--retry-delay", "--call",
]);
/** Options written `--layers=false` mostly; bare they are flags. */
const FLAG_LIKE_VALUE = new Set(["--layers", "--squash-all"]);

/** kaniko's executor: `--destination`, `--dockerfile`, `--context`, `--target`. */
const KANIKO_VALUE_OPTIONS = new Set([
  "-d", "--destination", "-f", "--dockerfile", "-c", "--context", "--target", "--build-arg", "--cache-repo",
  "--label", "--digest-file", "--image-name-with-digest-file", "--image-name-tag-with-digest-file", "--tar-path",
  "--registry-mirror", "--verbosity", "--snapshot-mode", "--custom-platform", "--context-sub-path",
  "--oci-layout-path", "--registry-certificate", "--ignore-path", "--kaniko-dir", "--compression",
]);

/**
 * Every image build command in a shell script (a workflow `run:`, a GitLab `script:`, a
 * Makefile recipe, a .sh file). `lookup` resolves variables known from the same file;
 * what stays unknown becomes an unresolved marker (a wildcard when matched).
 */
export function buildCommandsIn(
  text: string,
  lookup: Lookup,
): { builds: BuildCommand[]; tags: TagCommand[]; retags: RetagCommand[]; dockerless: DockerlessBuild[]; copies: CopyCommand[] } {
  const builds: BuildCommand[] = [];
  const copies: CopyCommand[] = [];
  const tags: TagCommand[] = [];
  const retags: RetagCommand[] = [];
  const dockerless: DockerlessBuild[] = [];
  if (!/build|bud|kaniko|executor|\btag\b|set image|\bko\b|jib/.test(text)) return { builds, tags, retags, dockerless, copies };
  let cd: string | undefined;
  for (const cmd of splitCommands(text, lookup)) {
    const words = cmd.words.map((w) => ({ value: markUnknown(w.value), at: w.at }));
    const name = baseName(words[0]?.value ?? "");
    const sub = words[1]?.value;
    let rest: ShellWord[] | undefined;
    let tool = name;
    if (name === "cd" && words.length === 2) {
      const to = words[1]!.value;
      cd = to.startsWith("/") || to === "-" ? undefined : cd && !to.startsWith("\u0001") ? `${cd}/${to}` : to;
      continue;
    }
    if (name === "cp") {
      const args = words.slice(1).map((w) => w.value).filter((v) => !v.startsWith("-"));
      if (args.length >= 2) copies.push({ sources: args.slice(0, -1), dest: args.at(-1)!, at: words[0]!.at, ...(cd ? { cd } : {}) });
      continue;
    }
    if (/(^|\u0001)kustomize(\u0002)?$/i.test(name) && sub === "edit" && words[2]?.value === "set" && words[3]?.value === "image") {
      for (const w of words.slice(4)) {
        const eq = w.value.indexOf("=");
        if (eq > 0) retags.push({ name: w.value.slice(0, eq), to: w.value.slice(eq + 1), at: words[0]!.at, ...(cd ? { cd } : {}) });
      }
      continue;
    }
    if (name === "ko" && (sub === "build" || sub === "publish" || sub === "resolve" || sub === "apply")) {
      dockerless.push({ tool: "ko", image: words.slice(2).find((w) => !w.value.startsWith("-"))?.value ?? "", at: words[0]!.at });
      continue;
    }
    if (/^(mvn|mvnw|gradle|gradlew)$/.test(name.replace(/^\.\//, "")) && words.some((w) => /jib/.test(w.value))) {
      const image = words.map((w) => /^-Dimage=(.+)$/.exec(w.value)?.[1] ?? /^--image=(.+)$/.exec(w.value)?.[1]).find(Boolean) ?? "";
      dockerless.push({ tool: "jib", image, at: words[0]!.at });
      continue;
    }
    if (name === "az" && sub === "acr" && words[2]?.value === "build") {
      // `--image` is its tag; `--registry NAME`, `-g NAME` … take values that are no context
      const args: ShellWord[] = [];
      const rest3 = words.slice(3);
      for (let i = 0; i < rest3.length; i++) {
        const w = rest3[i]!;
        if (/^(-r|--registry|-g|--resource-group|--subscription|--agent-pool|--timeout|--source-acr-auth-id|--auth-mode)$/.test(w.value)) i++;
        else if (w.value === "--image") args.push({ ...w, value: "-t" });
        else if (w.value.startsWith("--image=")) args.push({ ...w, value: `-t${w.value.slice(8)}` });
        else args.push(w);
      }
      builds.push(withCd(readBuild("az acr build", args, words[0]!.at), cd));
      continue;
    }
    if (name === "gcloud" && sub === "builds" && words[2]?.value === "submit") {
      const b = readBuild("gcloud builds submit", words.slice(3), words[0]!.at);
      if (b.tags.length) builds.push(withCd(b, cd));
      continue;
    }
    if ((name === "docker" || name === "podman" || name === "nerdctl") && sub === "build") rest = words.slice(2);
    else if ((name === "docker" || name === "podman" || name === "nerdctl") && sub === "image" && words[2]?.value === "build") rest = words.slice(3);
    else if (name === "docker" && sub === "buildx" && (words[2]?.value === "build" || words[2]?.value === "b")) {
      rest = words.slice(3);
      tool = "docker buildx build";
    } else if (name === "buildah" && (sub === "bud" || sub === "build" || sub === "build-using-dockerfile")) rest = words.slice(2);
    else if (name === "executor" || name === "kaniko") {
      const b = readKaniko(words.slice(1), words[0]!.at);
      if (b) builds.push(withCd(b, cd));
      continue;
    } else if ((name === "docker" || name === "podman") && sub === "tag" && words.length >= 4) {
      tags.push({ source: words[2]!.value, target: words[3]!.value, at: words[0]!.at });
      continue;
    }
    if (!rest) continue;
    if (tool === name) tool = `${name} ${sub === "image" ? "image build" : sub}`;
    builds.push(withCd(readBuild(tool, rest, words[0]!.at), cd));
  }
  return { builds, tags, retags, dockerless, copies };
}

function withCd(b: BuildCommand, cd: string | undefined): BuildCommand {
  return cd ? { ...b, cd } : b;
}

function readBuild(tool: string, args: ShellWord[], at: number): BuildCommand {
  const out: BuildCommand = { tool, tags: [], buildArgs: {}, at };
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!.value;
    if (!word.startsWith("-") || word === "-") {
      positional.push(word);
      continue;
    }
    const eq = word.indexOf("=");
    const opt = word.startsWith("--") && eq !== -1 ? word.slice(0, eq) : word;
    let value: string | undefined;
    if (word.startsWith("--") && eq !== -1) value = word.slice(eq + 1);
    else if (/^-[tfom]./.test(word)) value = word.slice(2); // -tname, -fDockerfile
    else if (VALUE_OPTIONS.has(opt) && !FLAG_LIKE_VALUE.has(opt)) value = args[++i]?.value;
    const flag = /^-[tfom]./.test(word) ? word.slice(0, 2) : opt;
    if (value === undefined) continue;
    if (flag === "-t" || flag === "--tag") out.tags.push(...value.split(",").filter(Boolean));
    else if (flag === "-f" || flag === "--file") out.file = value;
    else if (flag === "--target") out.target = value;
    else if (flag === "--build-arg") addBuildArg(out.buildArgs, value);
  }
  // a word that is only an unknown variable (`$(PUSH)`, `$(EXTRA_OPTS)`) is more likely options than the context
  const known = positional.filter((p) => !/^\u0001[^\u0002]*\u0002$/.test(p));
  const context = known.length ? known[known.length - 1] : positional[0];
  if (context !== undefined && context !== "-") out.context = context;
  return out;
}

function readKaniko(args: ShellWord[], at: number): BuildCommand | undefined {
  const out: BuildCommand = { tool: "kaniko", tags: [], buildArgs: {}, at };
  let seen = false;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!.value;
    if (!word.startsWith("-")) continue;
    const eq = word.indexOf("=");
    const opt = eq !== -1 ? word.slice(0, eq) : word;
    const value = eq !== -1 ? word.slice(eq + 1) : KANIKO_VALUE_OPTIONS.has(opt) ? args[++i]?.value : undefined;
    if (value === undefined) continue;
    if (opt === "-d" || opt === "--destination") {
      out.tags.push(value);
      seen = true;
    } else if (opt === "-f" || opt === "--dockerfile") out.file = value;
    else if (opt === "-c" || opt === "--context") out.context = value.replace(/^dir:\/\//, "");
    else if (opt === "--target") out.target = value;
    else if (opt === "--build-arg") addBuildArg(out.buildArgs, value);
  }
  return seen || out.file ? out : undefined;
}

function addBuildArg(into: Record<string, string>, spec: string): void {
  const eq = spec.indexOf("=");
  if (eq > 0) into[spec.slice(0, eq)] = spec.slice(eq + 1);
}

function baseName(word: string): string {
  return word.slice(word.lastIndexOf("/") + 1);
}

/**
 * What the shell reader left unexpanded (`$X`, `${X}`, `$(cmd)`, `` `cmd` ``): unknown at
 * analysis time, so an unresolved marker.
 */
export function markUnknown(word: string): string {
  if (!word.includes("$") && !word.includes("`")) return word;
  return word
    .replace(/\$\((?:[^()]|\([^()]*\))*\)/g, (m) => unresolved(m.slice(2, -1).trim().split(/\s+/)[0] ?? "cmd"))
    .replace(/`[^`]*`/g, () => unresolved("cmd"))
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}/g, (_m, n: string) => unresolved(n))
    .replace(/\$([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/g, (_m, n: string) => unresolved(n));
}
