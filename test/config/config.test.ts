import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { UsageError } from "../../src/errors.js";

const known = new Set(["capabilities/not-dropped", "user/may-run-as-root"]);

describe(".shipshape.yaml", () => {
  it("reads every key", () => {
    const c = parseConfig(
      `kubeVersion: "1.29"
ignore: [legacy/**]
rules:
  capabilities/not-dropped: off
  user/may-run-as-root: { severity: warning }
buildArgs: { APP_UID: 10001 }
images:
  - { dockerfile: api/Dockerfile, image: ghcr.io/acme/api, target: runtime }
`,
      ".shipshape.yaml",
      known,
    );
    expect(c.kubeVersion).toBe("1.29");
    expect(c.ignore).toEqual(["legacy/**"]);
    expect(c.rules.get("capabilities/not-dropped")).toEqual({ enabled: false });
    expect(c.rules.get("user/may-run-as-root")).toEqual({ enabled: true, severity: "warning" });
    expect(c.buildArgs).toEqual({ APP_UID: "10001" });
    expect(c.images).toEqual([{ dockerfile: "api/Dockerfile", image: "ghcr.io/acme/api", target: "runtime", context: undefined }]);
  });

  it.each([
    ["unknown: 1", "'unknown'"],
    ["rules: { nope/nope: off }", "'rules.nope/nope'"],
    ["rules: { capabilities/not-dropped: loud }", "'rules.capabilities/not-dropped'"],
    ["rules: { capabilities/not-dropped: { severity: fatal } }", "'rules.capabilities/not-dropped.severity'"],
    ["kubeVersion: two", "'kubeVersion'"],
    ["images: [ { image: x } ]", "'images[0].dockerfile'"],
    ["ignore: legacy", "'ignore'"],
    ["a: [", "invalid YAML"],
  ])("rejects %s naming the key", (text, expected) => {
    expect(() => parseConfig(text, "cfg.yaml", known)).toThrowError(UsageError);
    expect(() => parseConfig(text, "cfg.yaml", known)).toThrowError(expected);
  });
});
