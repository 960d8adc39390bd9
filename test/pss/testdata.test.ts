import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadManifest } from "../../src/manifest/load.js";
import { evaluatePss } from "../../src/pss/evaluate.js";
import { SourceFile } from "../../src/source/source-file.js";

const file = "fixtures/pss/testdata-pods.yaml";
const manifest = loadManifest(new SourceFile(file, readFileSync(file, "utf8")));

/** `1.35=baseline:checkA,checkB` → at 1.35 the level is baseline and (at least) those checks fail */
function expectations(spec: string): Array<{ minor: number; level: string; checks: string[] }> {
  return spec.split(/\s+/).map((item) => {
    const [version, rest] = item.split("=") as [string, string];
    const [level, checks] = rest.split(":") as [string, string | undefined];
    return { minor: Number(version.split(".")[1]), level, checks: checks ? checks.split(",") : [] };
  });
}

describe("transcribed admission test pods, through the manifest loader", () => {
  it("finds every pod of the file", () => {
    expect(manifest.workloads.map((w) => w.name)).toEqual([
      "hostprobesandhostlifecycle1",
      "procmount_baseline1",
      "procmount-userns",
      "Not_A DNS.name!",
      "restricted-base",
    ]);
  });
  for (const w of manifest.workloads) {
    for (const e of expectations(w.annotations["shipshape.test/expect"]!)) {
      it(`${w.kind} ${w.name} at 1.${e.minor} is ${e.level}`, () => {
        const r = evaluatePss(w, { major: 1, minor: e.minor });
        expect(r.level).toBe(e.level);
        const ids = r.violations.map((v) => v.check);
        expect(ids).toEqual(expect.arrayContaining(e.checks));
        if (e.level === "restricted") expect(ids).toEqual([]);
        // checks of the level the pod reaches never fail
        const reached = r.violations.filter((v) => v.level === e.level);
        expect(reached).toEqual([]);
      });
    }
  }
});
