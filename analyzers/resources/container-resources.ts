import type { Container, Obj, Workload } from "../../src/manifest/workload.js";
import { isObj } from "../../src/manifest/workload.js";
import type { Pos } from "../../src/source/source-file.js";

export interface ResourceEntry {
  name: string;
  value: unknown;
  node: Pos;
}

/** A container's `resources.requests` and `.limits`, with positions; absent lists are undefined. */
export interface ContainerResources {
  node: Pos | undefined;
  requests?: { node: Pos; entries: Map<string, ResourceEntry> };
  limits?: { node: Pos; entries: Map<string, ResourceEntry> };
}

export function containerResources(workload: Workload, container: Container): ContainerResources {
  const resources = container.spec.resources;
  const node = container.at("resources");
  if (!isObj(resources)) return { node };
  const list = (key: "requests" | "limits") => {
    const v = resources[key];
    if (!isObj(v)) return undefined;
    const listNode = workload.positions.key(resources, key) ?? node ?? container.node;
    return { node: listNode, entries: entriesOf(workload, v, listNode) };
  };
  return { node, requests: list("requests"), limits: list("limits") };
}

function entriesOf(workload: Workload, holder: Obj, fallback: Pos): Map<string, ResourceEntry> {
  const out = new Map<string, ResourceEntry>();
  for (const [name, value] of Object.entries(holder)) {
    if (value === null || value === undefined) continue;
    out.set(name, { name, value, node: workload.positions.key(holder, name) ?? fallback });
  }
  return out;
}
