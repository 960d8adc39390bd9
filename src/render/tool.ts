import { spawn } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

/** A command line that renders, e.g. `kubectl kustomize` or `kustomize build`; the folder is appended. */
export interface RenderCommand {
  argv: string[];
  /** how the report names it */
  label: string;
}

/** Is `name` an executable on PATH (or a path to one)? Looked up without starting a process. */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const executable = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (name.includes("/") || name.includes(path.sep)) return executable(name) ? name : undefined;
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    if (executable(p)) return p;
  }
  return undefined;
}

/** `"kubectl kustomize"` → argv; quotes group words with spaces. */
export function parseCommand(text: string): RenderCommand {
  const argv = [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  return { argv, label: argv.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ") };
}

/** The kustomize the user has: `kustomize build`, else `kubectl kustomize`. */
export function defaultKustomize(): RenderCommand | undefined {
  if (onPath("kustomize")) return { argv: ["kustomize", "build"], label: "kustomize build" };
  if (onPath("kubectl")) return { argv: ["kubectl", "kustomize"], label: "kubectl kustomize" };
  return undefined;
}

export function defaultHelm(): RenderCommand | undefined {
  return onPath("helm") ? { argv: ["helm", "template"], label: "helm template" } : undefined;
}

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** it did not start, ran too long or wrote too much */
  failure?: string;
}

/** Rendered output beyond this is refused: no repository deploys 64 MiB of YAML from one overlay. */
const MAX_OUTPUT = 64 * 1024 * 1024;

/**
 * Run one render. The environment keeps the tool off the network: git may only read
 * local repositories and HTTP goes to a proxy on a closed loopback port (shipshape
 * also refuses remote bases before it gets here).
 */
export function runTool(argv: string[], options: { cwd: string; timeoutMs: number }): Promise<ToolRun> {
  return new Promise((resolve) => {
    const [cmd, ...args] = argv;
    const env: NodeJS.ProcessEnv = { ...process.env, GIT_ALLOW_PROTOCOL: "file", HTTP_PROXY: "http://127.0.0.1:9", HTTPS_PROXY: "http://127.0.0.1:9", NO_PROXY: "" };
    for (const k of ["http_proxy", "https_proxy", "no_proxy", "ALL_PROXY", "all_proxy"]) delete env[k];
    const child = spawn(cmd!, args, { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let failure: string | undefined;
    const stop = (why: string) => {
      failure ??= why;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(() => stop(`did not finish within ${Math.round(options.timeoutMs / 1000)} s`), options.timeoutMs);
    child.stdout.on("data", (b: Buffer) => {
      outBytes += b.length;
      if (outBytes > MAX_OUTPUT) return stop(`wrote more than ${MAX_OUTPUT / 1048576} MiB`);
      out.push(b);
    });
    child.stderr.on("data", (b: Buffer) => {
      if (err.reduce((n, x) => n + x.length, 0) < 65536) err.push(b);
    });
    child.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: null, stdout: "", stderr: "", failure: `cannot run ${cmd}: ${e.code ?? e.message}` });
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), ...(failure ? { failure } : {}) });
    });
  });
}

/** Run `tasks` at most `limit` at a time, results in the tasks' order. */
export async function inParallel<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** A tool's error output as one line for a note (kubectl wraps kustomize's error in a klog line). */
export function errorLine(stderr: string): string {
  let text: string;
  const block = /err=<\n([\s\S]*?)\n\s*>\s*$/m.exec(stderr);
  const quoted = /err="((?:[^"\\]|\\.)*)"/.exec(stderr);
  if (block) text = block[1]!.split("\n").map((l) => l.trim()).join(" ");
  else if (quoted) text = quoted[1]!.replace(/\\(.)/g, "$1");
  else {
    const lines = stderr.split("\n").map((l) => l.trim()).filter(Boolean);
    text = lines[lines.length - 1] ?? "";
  }
  text = text.replace(/^error:\s*/i, "").replace(/\s+/g, " ").trim();
  // the error of a unit rendered through shipshape's wrapper comes wrapped once more: keep the unit's own
  text = text.replace(/^accumulating resources: accumulation err='accumulating resources from '[^']*': '[^']*' must resolve to a file': recursed accumulation of path '[^']*': /, "");
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
