import type { Severity } from "./finding.js";

/** Rules raised while reading input rather than by an analyzer; listed by `shipshape rules`. */
export interface InputRule {
  id: string;
  severity: Severity;
  summary: string;
  scope: "input";
}

export const INPUT_RULES = {
  parseError: {
    id: "input/parse-error",
    severity: "error",
    summary: "A manifest or Dockerfile that does not parse (the rest of the scan goes on)",
    scope: "input",
  },
  invalidWorkload: {
    id: "input/invalid-workload",
    severity: "error",
    summary: "A workload part of the wrong type (containers: 5, spec: hello) is reported, not skipped",
    scope: "input",
  },
  unreadableDirectory: {
    id: "input/unreadable-directory",
    severity: "error",
    summary: "A directory that cannot be read is reported, not skipped (the rest of the scan goes on)",
    scope: "input",
  },
  duplicateKey: {
    id: "input/duplicate-key",
    severity: "error",
    summary: "A key written twice in one YAML mapping: tools disagree on which value counts, so it fails the gate",
    scope: "input",
  },
  templateSkipped: {
    id: "input/template-skipped",
    severity: "note",
    summary: "Helm or other Go-template text is skipped; render it and pipe it in",
    scope: "input",
  },
  notRendered: {
    id: "input/not-rendered",
    severity: "note",
    summary: "A kustomize overlay or Helm chart that could not be rendered: its plain files are scanned instead",
    scope: "input",
  },
  fileTooLarge: {
    id: "input/file-too-large",
    severity: "note",
    summary: "A file over the size limit is skipped",
    scope: "input",
  },
} as const satisfies Record<string, InputRule>;
