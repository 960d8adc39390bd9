import { describe, expect, it } from "vitest";
import { looksLikeTemplate } from "../../src/manifest/template-detect.js";

const none = new Set<string>();

describe("looksLikeTemplate: Go template actions, not every `{{`", () => {
  it("finds an action in a plain value and in a list item", () => {
    expect(looksLikeTemplate("k8s/web.yaml", "spec:\n  replicas: {{ .Values.replicas }}\n", none)).toBe(true);
    expect(looksLikeTemplate("k8s/web.yaml", "items:\n{{- range .Values.items }}\n  - {{ . }}\n{{- end }}\n", none)).toBe(true);
  });

  it("reads `{{` inside a block scalar as text (a script, a config file in a ConfigMap)", () => {
    // as in microservices-demo's otel-collector.yaml: its Deployment was skipped, unchecked
    const text = [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "spec:",
      "  template:",
      "    spec:",
      "      initContainers:",
      "      - command:",
      "        - '/bin/sh'",
      "        - |",
      '           sed "s/{{PROJECT_ID}}/x/" /template/a.yaml > /conf/a.yaml',
      "---",
      "kind: ConfigMap",
      "data:",
      "  config.yaml: |-",
      "    exporters:",
      "",
      "      googlecloud:",
      "        project: {{PROJECT_ID}}",
      "  other: plain",
    ].join("\n");
    expect(looksLikeTemplate("kustomize/otel-collector.yaml", text, none)).toBe(false);
    // the block ends where the indentation does
    expect(looksLikeTemplate("x.yaml", `${text}\n  broken: {{ .Values.x }}\n`, none)).toBe(true);
  });

  it("reads GitHub Actions' `${{ … }}` as text", () => {
    const workflow = "jobs:\n  build:\n    steps:\n      - uses: actions/cache@v4\n        with:\n          key: skaffold-${{ runner.os }}-${{ github.workflow }}\n";
    expect(looksLikeTemplate(".github/workflows/ci.yaml", workflow, none)).toBe(false);
  });

  it("reads an action in the middle of a plain or quoted value as text (Prometheus alert templates)", () => {
    const rule = "spec:\n  groups:\n    - rules:\n        - annotations:\n            description: Alertmanager {{ $labels.namespace }}/{{ $labels.pod}} failed to send {{ $value | humanizePercentage }}.\n";
    expect(looksLikeTemplate("manifests/alertmanager-prometheusRule.yaml", rule, none)).toBe(false);
    expect(looksLikeTemplate("x.yaml", 'image: "{{ .Values.image }}"\n', none)).toBe(false);
    expect(looksLikeTemplate("x.yaml", "- name: {{ .Values.name }}\n", none)).toBe(true);
    expect(looksLikeTemplate("x.yaml", "{{- if .Values.enabled }}\nkind: Pod\n{{- end }}\n", none)).toBe(true);
  });

  it("still counts every file in a chart's templates/ folder", () => {
    expect(looksLikeTemplate("charts/web/templates/cm.yaml", "data:\n  a: |\n    {{ .Values.a }}\n", new Set(["charts/web/"]))).toBe(true);
  });
});
