// The benchmarks' memory figure: a child's peak RSS as the kernel keeps it (VmHWM),
// sampled every 10 ms until the child exits (the last sample before exit holds the peak).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

/** Start sampling `child`; call the returned function when it exits to get the peak in MB. */
export function samplePeakRss(child) {
  let peakKb = 0;
  const timer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // the child is gone between two samples: the peak read before stands
    }
  }, 10);
  return () => {
    clearInterval(timer);
    return peakKb / 1024;
  };
}

/** Wall time and peak RSS of one `node …args` run, its output discarded; exit 0 or 1 (findings) counts as done. */
export function peakOf(args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const peakMb = samplePeakRss(child);
    child.on("exit", (code) => {
      const mb = peakMb();
      if (code !== 0 && code !== 1) reject(new Error(`exit ${code}: ${stderr.slice(-500)}`));
      else resolve({ mb, ms: performance.now() - t0 });
    });
  });
}
