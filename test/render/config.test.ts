import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { renderOptions } from "../../src/render/prepare.js";

describe(".shipshape.yaml render:", () => {
  it("is read, and the command line wins over it", () => {
    const config = parseConfig("render:\n  kustomize: kustomize build\n  all: true\n  helmValues: [deploy/prod.yaml]\n", "/repo/.shipshape.yaml");
    expect(config.render).toEqual({ kustomize: "kustomize build", all: true, helmValues: ["/repo/deploy/prod.yaml"] });
    expect(renderOptions(undefined, config.render)).toEqual({ enabled: true, all: true, kustomize: "kustomize build", helmValues: ["/repo/deploy/prod.yaml"] });
    expect(renderOptions({ render: false, renderAll: false, kustomize: "kubectl kustomize" }, config.render)).toEqual({
      enabled: false,
      all: false,
      kustomize: "kubectl kustomize",
      helmValues: ["/repo/deploy/prod.yaml"],
    });
    expect(renderOptions(undefined, parseConfig("render: { enabled: false }\n", "c.yaml").render).enabled).toBe(false);
  });

  it("a key it does not know or a wrong type is exit 2 with the key named", () => {
    expect(() => parseConfig("render:\n  kustomise: kubectl kustomize\n", "c.yaml")).toThrow("c.yaml: 'render.kustomise' is not a known key (enabled, all, kustomize, helmValues)");
    expect(() => parseConfig("render:\n  all: yes please\n", "c.yaml")).toThrow("c.yaml: 'render.all' must be true or false");
    expect(() => parseConfig("render: kubectl\n", "c.yaml")).toThrow("c.yaml: 'render' must be a mapping");
  });
});
