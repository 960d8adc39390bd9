import type { Colors } from "./colors.js";
import { splitImageRef } from "../pairing/image-ref.js";
import type { pairsJson } from "./json.js";

export type PairsReport = ReturnType<typeof pairsJson>;

/** `pairs --format text`: each Dockerfile → image, the workloads that deploy it and why we think so. */
export function pairsText(report: PairsReport, c: Colors): string {
  const out: string[] = [];
  const conf = (s: string) => (s === "high" ? c.green(s) : s === "medium" ? c.yellow(s) : c.red(s));
  for (const p of report.pairs) {
    out.push(`${c.bold(p.dockerfile)}${p.stage ? c.dim(` (stage ${p.stage})`) : ""} → ${c.cyan(p.image)}  [${conf(p.confidence)}]`);
    const items: Array<[string, string[]]> = [
      ["deployed by", p.workloads.map((w) => `${w.kind} ${w.namespace}/${w.name} [${w.container}]  ${c.dim(w.file)}${unitOf(w, c)}`)],
      ["evidence", p.evidence.map((e) => `${e.kind.padEnd(9)} ${c.dim(`${e.file}:${e.line}`)}  ${e.detail}`)],
    ];
    items.forEach(([title, lines], i) => {
      const last = i === items.length - 1;
      out.push(`${last ? "└─" : "├─"} ${title}`);
      lines.forEach((l, j) => out.push(`${last ? "   " : "│  "}${j === lines.length - 1 ? "└─" : "├─"} ${l}`));
    });
    out.push("");
  }
  if (report.unpairedDockerfiles.length) {
    out.push(c.bold("Unpaired Dockerfiles") + c.dim(" (no workload deploys the image they build)"));
    const why = new Map(report.unpairedReasons.map((r) => [r.dockerfile, r.reason]));
    for (const d of report.unpairedDockerfiles) out.push(`  ${d}${why.has(d) ? c.dim(`  ${why.get(d)}`) : ""}`);
    out.push("");
  }
  if (report.unpairedContainers.length) {
    out.push(c.bold("Unpaired first-party containers") + c.dim(" (no Dockerfile here builds their image)"));
    for (const u of report.unpairedContainers) out.push(`  ${u.kind} ${u.name} [${u.container}] ${c.cyan(u.image)}  ${c.dim(u.file)}${unitOf(u, c)}${u.reason ? c.dim(`  ${u.reason}`) : ""}`);
    out.push("");
  }
  const third = report.thirdPartyContainers;
  if (third.length) {
    out.push(c.bold(`Third-party containers: ${third.length}`) + c.dim(" (public images deployed here, built elsewhere: not unpaired)"));
    out.push(`  ${imageCounts(third.map((t) => t.image))}`);
    out.push("");
  }
  const n = report.pairs.length;
  out.push(
    `${n} pair${n === 1 ? "" : "s"}, ${plural(report.unpairedDockerfiles.length, "unpaired Dockerfile")}, ${plural(report.unpairedContainers.length, "unpaired container")}` +
      (third.length ? `, ${plural(third.length, "third-party container")}` : ""),
  );
  if (report.unpairedDockerfiles.length || report.unpairedContainers.length) out.push(c.dim("shipshape pairs --suggest prints the .shipshape.yaml images: entries that would pair them"));
  return out.join("\n") + "\n";
}

/** A rendered workload names its deployment unit (a kustomize overlay, a chart). */
function unitOf(w: { unit?: string }, c: Colors): string {
  return w.unit ? c.dim(` (${w.unit})`) : "";
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

/** `postgres ×2, redis, …`: one line however many containers share them, tags aside; a big repository's list is cut. */
export function imageCounts(images: string[], max = 12): string {
  const counts = new Map<string, number>();
  for (const image of images) {
    const name = splitImageRef(image).name;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const names = [...counts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([i, k]) => (k > 1 ? `${i} ×${k}` : i));
  return names.length > max ? `${names.slice(0, max).join(", ")} … and ${names.length - max} more` : names.join(", ");
}
