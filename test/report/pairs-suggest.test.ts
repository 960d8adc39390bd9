import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { suggestionYaml } from "../../src/report/pairs-suggest.js";

describe("suggestionYaml", () => {
  it("quotes what YAML would read as something else, so an uncommented entry reads back as written", () => {
    const odd = [
      { dockerfile: "my app/Dockerfile", image: "ghcr.io/acme/app" },
      { dockerfile: "yes/Dockerfile", image: "1.0" },
      { dockerfile: "#x/Dockerfile", image: "registry:5000/a: b" },
    ];
    const text = suggestionYaml([], odd, "", ".shipshape.yaml");
    expect(parse(text)).toEqual({ images: odd });
    const commented = suggestionYaml(odd.map((m) => ({ kind: "candidate" as const, ...m, reasons: ["r"], check: "c" })), [], "", ".shipshape.yaml");
    expect(parse(commented)).toEqual({ images: null });
    expect(parse(commented.replace(/^ {2}# ([- ] )/gm, "  $1"))).toEqual({ images: odd });
  });
});
