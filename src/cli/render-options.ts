import type { Command } from "commander";
import type { RenderFlags } from "../render/prepare.js";

export interface RenderCliOptions extends RenderFlags {
  root?: string;
}

/** How kustomize overlays and Helm charts are rendered before they are checked (scan, pairs, propose). */
export function addRenderOptions(cmd: Command): Command {
  return cmd
    .option("--no-render", "do not render kustomize overlays or Helm charts: read the plain files only")
    .option("--render-all", "render every kustomization, also those only used as a base of another")
    .option("--kustomize <command>", "the command that renders a kustomization, e.g. 'kubectl kustomize' or 'kustomize build' (default: whichever is on PATH)")
    .option("--helm-values <file...>", "render each chart with these values files (default: its own values, then each values*.yaml and ci/*-values.yaml beside it)")
    .option("--root <dir>", "with '-' alone: the repository that pairs with the manifests read from stdin (default: the current directory)");
}

/** The flags as the scan takes them. */
export function renderFlags(opts: RenderCliOptions): { render: RenderFlags; root?: string } {
  return {
    render: { render: opts.render, renderAll: opts.renderAll, kustomize: opts.kustomize, helmValues: opts.helmValues },
    ...(opts.root !== undefined ? { root: opts.root } : {}),
  };
}
