import { describe, expect, it } from "vitest";
import { findInTemplate } from "../../src/render/helm-origin.js";

const template = `{{- if .Values.enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
spec:
  template:
    spec:
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
      containers:
        - name: sidecar
          image: "busybox:1.36"
        - name: {{ .Chart.Name }}
          securityContext:
            privileged: {{ .Values.privileged }}
            runAsUser: 0
      initContainers:
        {{- range .Values.init }}
        - name: {{ .name }}
          image: {{ .image }}
        {{- end }}
{{- end }}
`.split("\n");

const rendered = {
  spec: {
    template: {
      spec: {
        securityContext: { runAsNonRoot: true },
        containers: [
          { name: "sidecar", image: "busybox:1.36" },
          { name: "web", securityContext: { privileged: true, runAsUser: 0 } },
        ],
        initContainers: [{ name: "migrate", image: "m:1" }],
      },
    },
  },
};
const at = (...path: Array<string | number>) => findInTemplate(template, path, rendered);

describe("findInTemplate: the line of a chart template that writes a rendered value", () => {
  it("a literal value on its own line, under the right list item", () => {
    expect(at("spec", "template", "spec", "containers", 1, "securityContext", "runAsUser")).toEqual({ line: 17, column: 13 });
    expect(at("spec", "template", "spec", "containers", 0, "image")).toEqual({ line: 13, column: 11 });
  });

  it("a value from .Values: the line that writes it", () => {
    expect(at("spec", "template", "spec", "containers", 1, "securityContext", "privileged")).toEqual({ line: 16, column: 13 });
  });

  it("a key written by toYaml: the line of its parent", () => {
    expect(at("spec", "template", "spec", "securityContext", "runAsNonRoot")).toEqual({ line: 9, column: 7 });
  });

  it("an item of a range loop: the line of the loop that writes the value for every item", () => {
    expect(at("spec", "template", "spec", "initContainers", 0, "image")).toEqual({ line: 21, column: 11 });
    expect(template[20]).toBe("          image: {{ .image }}");
  });

  it("the document itself: its first line of YAML", () => {
    expect(at()).toEqual({ line: 2, column: 1 });
  });
});
