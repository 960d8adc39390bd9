import { readFileSync } from "node:fs";
import { UsageError } from "../errors.js";
import { loadManifest } from "../manifest/load.js";
import { isObj, type Obj } from "../manifest/yaml-value.js";
import { SourceFile } from "../source/source-file.js";
import { parseCapability, type Capability } from "./capabilities.js";
import type { WorkloadInput } from "./search.js";
import type { ExecProbe } from "./trial.js";
import type { HttpTarget } from "./http-check.js";

/** The workload input when probing a bare image: the image's own command and user. */
export function imageOnlyInput(): WorkloadInput {
  return { containerName: "main", workload: null, env: [], ports: [], execProbes: [], capabilitiesAdd: [], notes: [] };
}

/**
 * What to run, from one container of a Kubernetes manifest: command, args, env (literal
 * values; configMap/secret references become empty placeholders), workingDir, ports, exec
 * probes, and the user and added capabilities of its current securityContext.
 */
export function workloadFromManifest(file: string, containerName: string | undefined): WorkloadInput {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read manifest ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const manifest = loadManifest(new SourceFile(file, text));
  if (manifest.error && manifest.workloads.length === 0) {
    throw new UsageError(`${file}:${manifest.error.line}:${manifest.error.column}: ${manifest.error.message}`);
  }
  const candidates = manifest.workloads.flatMap((w) =>
    w.containers.filter((c) => c.kind === "container").map((c) => ({ workload: w, container: c })),
  );
  if (candidates.length === 0) throw new UsageError(`${file} holds no workload with containers`);
  const chosen = containerName ? candidates.filter((c) => c.container.name === containerName) : candidates;
  if (chosen.length === 0) {
    throw new UsageError(`no container '${containerName}' in ${file} (containers: ${candidates.map((c) => c.container.name).join(", ")})`);
  }
  if (chosen.length > 1) {
    throw new UsageError(`${file} has several containers (${chosen.map((c) => c.container.name).join(", ")}); choose one with --container`);
  }
  const { workload, container } = chosen[0]!;
  const spec = container.spec;
  const notes: string[] = [];
  const env: string[] = [];
  for (const e of asArray(spec.env)) {
    if (!isObj(e) || typeof e.name !== "string") continue;
    if (e.value !== undefined) env.push(`${e.name}=${String(e.value)}`);
    else {
      env.push(`${e.name}=`);
      notes.push(`env ${e.name} comes from a reference (valueFrom); the trials used an empty value`);
    }
  }
  if (asArray(spec.envFrom).length) notes.push("envFrom (configMap/secret) is not resolved: those variables were absent in the trials");
  const sc = container.securityContext;
  const num = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? v : undefined);
  const capabilitiesAdd = (sc.capabilities?.add?.value ?? [])
    .map((c) => parseCapability(String(c)))
    .filter((c): c is Capability => c !== undefined);
  return {
    containerName: container.name,
    workload: { file, kind: workload.kind, name: workload.name, namespace: workload.namespace },
    entrypoint: stringArray(spec.command),
    cmd: stringArray(spec.args) ?? (spec.command !== undefined ? [] : undefined),
    env,
    workingDir: typeof spec.workingDir === "string" ? spec.workingDir : undefined,
    ports: asArray(spec.ports)
      .map((p) => (isObj(p) && (p.protocol === undefined || p.protocol === "TCP") ? num(p.containerPort) : undefined))
      .filter((p): p is number => p !== undefined),
    execProbes: execProbes(spec),
    httpGets: httpGetTargets(spec),
    runAsUser: num(sc.runAsUser?.value),
    runAsGroup: num(sc.runAsGroup?.value),
    capabilitiesAdd,
    notes,
  };
}

/**
 * The ports the container's httpGet probes ask, with their paths: the manifest's own word
 * that they speak HTTP. A named port is looked up in the container's ports; HTTPS and
 * probes aimed at another host are left out (the probe asks over plain loopback only).
 */
export function httpGetTargets(spec: Obj): HttpTarget[] {
  const targets: HttpTarget[] = [];
  const ports = asArray(spec.ports).filter(isObj);
  for (const key of ["startupProbe", "readinessProbe", "livenessProbe"]) {
    const probe = spec[key];
    if (!isObj(probe) || !isObj(probe.httpGet)) continue;
    const get = probe.httpGet;
    if ((get.scheme !== undefined && String(get.scheme).toUpperCase() !== "HTTP") || get.host !== undefined) continue;
    const port = typeof get.port === "number" ? get.port : ports.find((p) => p.name === get.port)?.containerPort;
    if (typeof port !== "number" || !Number.isInteger(port)) continue;
    targets.push({ port, path: typeof get.path === "string" && get.path ? get.path : "/", source: `${key} httpGet` });
  }
  return targets;
}

function execProbes(spec: Obj): ExecProbe[] {
  const probes: ExecProbe[] = [];
  for (const [key, kind] of [
    ["startupProbe", "startup"],
    ["readinessProbe", "readiness"],
    ["livenessProbe", "liveness"],
  ] as const) {
    const p = spec[key];
    if (!isObj(p) || !isObj(p.exec)) continue;
    const command = stringArray(p.exec.command);
    if (command?.length) probes.push({ kind, command });
  }
  return probes;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function stringArray(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.map((x) => String(x)) : undefined;
}
