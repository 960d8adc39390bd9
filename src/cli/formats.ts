/** The output formats of each command: the registration shows them in --help, the action checks --format against them. */
export const FORMATS = {
  scan: ["text", "json", "sarif", "compact"],
  pairs: ["text", "json", "dot", "mermaid"],
  probe: ["text", "json"],
  propose: ["text", "json", "patch", "json6902", "kustomize"],
} as const;
