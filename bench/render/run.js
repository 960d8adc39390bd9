// Rendering benchmark (issue 14): a repository of one base (10 services) and 20 kustomize
// overlays, each with a namespace, images: rewrites, a strategic-merge patch, a JSON 6902
// patch and a shared component. Measures `shipshape scan --format json` (which renders the
// 20 overlays with the kustomize on PATH), the same with --no-render, and the floor: the 20
// `kustomize build`s alone, one after the other and as many at once as the scan runs them.
// Run: npm run build && node bench/render/run.js   (RUNS=n, OVERLAYS=n, SERVICES=n)
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../..");
const out = path.join(here, "out", "overlays-repo");
const RUNS = Number(process.env.RUNS ?? 5);
const OVERLAYS = Number(process.env.OVERLAYS ?? 20);
const SERVICES = Number(process.env.SERVICES ?? 10);

function write(rel, text) {
  const p = path.join(out, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
}

function generate() {
  rmSync(out, { recursive: true, force: true });
  const services = Array.from({ length: SERVICES }, (_, i) => `svc${i}`);
  for (const s of services) {
    write(`services/${s}/Dockerfile`, `FROM scratch\nCOPY ${s} /${s}\nUSER 10001\nENTRYPOINT ["/${s}"]\n`);
    write(
      `deploy/base/${s}.yaml`,
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${s}\nspec:\n  selector:\n    matchLabels: { app: ${s} }\n  template:\n    metadata:\n      labels: { app: ${s} }\n    spec:\n      containers:\n        - name: ${s}\n          image: ${s}\n          securityContext:\n            runAsNonRoot: true\n            capabilities: { drop: [ALL] }\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ${s}\nspec:\n  selector: { app: ${s} }\n  ports: [{ port: 80, targetPort: 8080 }]\n`,
    );
  }
  write("Makefile", services.map((s) => `build-${s}:\n\tdocker build -t ghcr.io/acme/${s}:1.0 services/${s}\n`).join("\n"));
  write("deploy/base/kustomization.yaml", `resources:\n${services.map((s) => `  - ${s}.yaml\n`).join("")}`);
  write(
    "deploy/components/seccomp/kustomization.yaml",
    `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - target: { kind: Deployment }\n    patch: |-\n      - op: add\n        path: /spec/template/spec/securityContext\n        value: { seccompProfile: { type: RuntimeDefault } }\n`,
  );
  for (let o = 0; o < OVERLAYS; o++) {
    const dir = `deploy/overlays/env${o}`;
    write(
      `${dir}/kustomization.yaml`,
      `namespace: env${o}\nnamePrefix: e${o}-\nresources:\n  - ../../base\ncomponents:\n  - ../../components/seccomp\nimages:\n${services.map((s) => `  - name: ${s}\n    newName: ghcr.io/acme/${s}\n    newTag: "1.${o}"\n`).join("")}patches:\n  - path: replicas.yaml\n  - target: { kind: Deployment, name: svc0 }\n    patch: |-\n      - op: add\n        path: /spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem\n        value: ${o % 2 === 0}\n`,
    );
    write(`${dir}/replicas.yaml`, `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc1\nspec:\n  replicas: ${o + 1}\n  template:\n    spec:\n      containers:\n        - name: svc1\n          securityContext:\n            privileged: ${o === 3}\n`);
  }
}

function run(argv, cwd) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(argv[0], argv.slice(1), { cwd, stdio: ["ignore", "pipe", "pipe"] });
    const chunks = [];
    child.stdout.on("data", (d) => chunks.push(d));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ ms: performance.now() - t0, code, stdout: Buffer.concat(chunks).toString() }));
  });
}

async function inParallel(tasks, limit) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) await tasks[next++]();
  }));
}

generate();
const bin = path.join(repoRoot, "bin/shipshape.js");
const scanArgs = [process.execPath, bin, "scan", out, "--format", "json", "--fail-on", "none"];
const kustomize = process.env.KUSTOMIZE ?? "kubectl kustomize";
const overlayDirs = Array.from({ length: OVERLAYS }, (_, o) => path.join(out, `deploy/overlays/env${o}`));
const limit = Math.max(2, availableParallelism());
const rows = { scan: [], noRender: [], sequential: [], concurrent: [] };
let report;
// interleaved, so a slow spell of the shared machine hits all four alike
for (let i = 0; i < RUNS; i++) {
  const s = await run(scanArgs);
  rows.scan.push(s.ms);
  report ??= JSON.parse(s.stdout);
  rows.noRender.push((await run([...scanArgs, "--no-render"])).ms);
  let t0 = performance.now();
  for (const d of overlayDirs) await run([...kustomize.split(" "), d]);
  rows.sequential.push(performance.now() - t0);
  t0 = performance.now();
  await inParallel(overlayDirs.map((d) => () => run([...kustomize.split(" "), d])), limit);
  rows.concurrent.push(performance.now() - t0);
}
const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `best ${s[0].toFixed(0)} ms, median ${s[s.length >> 1].toFixed(0)} ms`;
};
const rendered = report.units.filter((u) => u.renderedBy).length;
console.log(`repository: ${SERVICES} services, ${OVERLAYS} overlays; rendered ${rendered}/${report.units.length} units with ${report.units[0]?.renderedBy}; ${report.workloads.length} workloads, ${report.findings.length} findings, ${report.pairs.length} pairs`);
console.log(`shipshape scan (renders every overlay):   ${stat(rows.scan)}`);
console.log(`shipshape scan --no-render (plain files): ${stat(rows.noRender)}`);
console.log(`floor: ${OVERLAYS} × ${kustomize}, one after the other: ${stat(rows.sequential)}`);
console.log(`floor: the same, ${limit} at once (as the scan runs them): ${stat(rows.concurrent)}`);
console.log(`${RUNS} runs each, interleaved; all runs (ms): scan ${rows.scan.map((x) => x.toFixed(0)).join(" ")} | no-render ${rows.noRender.map((x) => x.toFixed(0)).join(" ")} | sequential ${rows.sequential.map((x) => x.toFixed(0)).join(" ")} | concurrent ${rows.concurrent.map((x) => x.toFixed(0)).join(" ")}`);
