import type { Container, Obj, Workload } from "../../src/manifest/workload.js";
import { isObj } from "../../src/manifest/yaml-value.js";
import type { Pos } from "../../src/source/source-file.js";

/** A container's `resources.requests` or `.limits` mapping, with the position of its key. */
export interface ResourceList {
  node: Pos;
  values: Obj;
}

/** A container's `resources` as written; lists that are absent are undefined. */
export interface ContainerResources {
  node: Pos | undefined;
  requests?: ResourceList;
  limits?: ResourceList;
}

const NONE: ContainerResources = { node: undefined };

export function containerResources(workload: Workload, container: Container): ContainerResources {
  const resources = container.spec.resources;
  if (!isObj(resources)) return container.spec.resources === undefined ? NONE : { node: container.at("resources") };
  const node = container.at("resources");
  const list = (key: "requests" | "limits"): ResourceList | undefined => {
    const v = resources[key];
    return isObj(v) ? { node: workload.positions.key(resources, key) ?? node ?? container.node, values: v } : undefined;
  };
  return { node, requests: list("requests"), limits: list("limits") };
}

/** Whether a resource list names a resource (a null value counts as absent). */
export function has(list: ResourceList | undefined, name: string): boolean {
  return list !== undefined && list.values[name] !== undefined && list.values[name] !== null;
}

/** Where a resource of a list is written. */
export function entryNode(workload: Workload, list: ResourceList, name: string): Pos {
  return workload.positions.key(list.values, name) ?? list.node;
}
