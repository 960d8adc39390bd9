import type { RenderConfig } from "../config/config.js";
import type { Progress } from "../progress.js";
import type { Workspace } from "../workspace/discover.js";
import { renderUnits, type RenderOptions, type UnitOutcome } from "./render.js";
import { discoverUnits } from "./units.js";

/** What the command line says about rendering (commander's names). */
export interface RenderFlags {
  /** false with --no-render */
  render?: boolean;
  renderAll?: boolean;
  kustomize?: string;
  helmValues?: string[];
}

/** The command line over `.shipshape.yaml` `render:`. */
export function renderOptions(flags: RenderFlags | undefined, config: RenderConfig): RenderOptions {
  return {
    enabled: flags?.render === false ? false : (config.enabled ?? true),
    all: flags?.renderAll ?? config.all ?? false,
    ...((flags?.kustomize ?? config.kustomize) !== undefined ? { kustomize: flags?.kustomize ?? config.kustomize } : {}),
    ...((flags?.helmValues?.length ? flags.helmValues : config.helmValues)?.length ? { helmValues: flags?.helmValues?.length ? flags.helmValues : config.helmValues } : {}),
  };
}

/**
 * Find the deployment units among the discovered files and render them. A file a
 * rendered unit reads is checked through the render only: scanning a base on its own
 * would report what no overlay deploys, and a patch is not a workload.
 */
export async function renderWorkspace(
  root: string,
  workspace: Workspace,
  options: RenderOptions,
  progress?: Progress,
): Promise<{ workspace: Workspace; units: UnitOutcome[] }> {
  const { units, patches } = discoverUnits(root, workspace.files.map((f) => f.rel), { all: options.all });
  if (units.length === 0 && patches.length === 0) return { workspace, units: [] };
  if (units.length) progress?.update(`rendering ${units.length} deployment units`);
  const outcomes = await renderUnits(units, options, root, progress);
  // a patch is never a workload of its own (scanning one reported an image-less Deployment)
  const covered = new Set([...outcomes.filter((o) => o.output !== undefined).flatMap((o) => o.covered), ...patches]);
  if (covered.size === 0) return { workspace, units: outcomes };
  const files = workspace.files.flatMap((f) => {
    if (!covered.has(f.rel) || !f.roles.includes("manifest")) return [f];
    const roles = f.roles.filter((r) => r !== "manifest");
    return roles.length ? [{ ...f, roles }] : [];
  });
  return { workspace: { ...workspace, files }, units: outcomes };
}
