import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { FIXTURES } from "./engine-fixture.js";

export const REPO = path.resolve(import.meta.dirname, "../..");

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The built CLI, as a user runs it (npm test builds first). Async so probes can overlap. */
export function shipshape(args: string[], env: Record<string, string> = {}, onSpawn?: (pid: number) => void): Promise<Run> {
  if (!existsSync(path.join(REPO, "dist/cli/main.js"))) throw new Error("dist/ is missing: run `npm run build` (npm test does)");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO, "bin/shipshape.js"), ...args], {
      cwd: REPO,
      env: { ...process.env, ...env },
    });
    onSpawn?.(child.pid!);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Build contexts made from fixtures/images/<name> plus busybox-static (never committed); `removeAll` at the end. */
export class Contexts {
  private readonly dirs: string[] = [];

  make(name: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), `shipshape-cli-${name}-`));
    cpSync(path.join(FIXTURES, name), dir, { recursive: true });
    cpSync("/bin/busybox", path.join(dir, "busybox"));
    this.dirs.push(dir);
    return dir;
  }

  removeAll(): void {
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}
