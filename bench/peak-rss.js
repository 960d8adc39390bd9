// The benchmarks' memory figure: a child's peak RSS as the kernel keeps it (VmHWM),
// sampled every 10 ms until the child exits (the last sample before exit holds the peak).
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
