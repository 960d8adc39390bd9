import { describe, expect, it } from "vitest";
import { LATEST_KUBE_MINOR } from "../../src/kube/version.js";
import { evaluatePss, type PssLevel } from "../../src/pss/evaluate.js";
import { resolveChecks } from "../../src/pss/registry.js";
import { FIXTURES, minimalValidPod, type Pod } from "./admission-fixtures.js";

const RANK: Record<PssLevel, number> = { privileged: 0, baseline: 1, restricted: 2 };

function evaluate(pod: Pod, minor: number) {
  return evaluatePss({ podSpec: pod.spec, podAnnotations: pod.metadata.annotations ?? {} }, { major: 1, minor });
}

interface Row {
  minor: number;
  level: "baseline" | "restricted";
  check: string;
  expect: "pass" | "fail";
  index: number;
  pod: Pod;
}

/** Upstream's generators, expanded per version and level as fixtures_test.go does. */
function rows(): Row[] {
  const out: Row[] = [];
  for (let minor = 0; minor <= LATEST_KUBE_MINOR; minor++) {
    const overridden = new Set(resolveChecks(minor).filter((c) => c.overriddenBy).map((c) => c.id));
    for (const f of FIXTURES) {
      if (minor < f.since || (f.until !== undefined && minor >= f.until)) continue;
      const levels: Array<"baseline" | "restricted"> = [f.level];
      // baseline generators are registered for restricted too, unless a restricted check replaces them there
      if (f.level === "baseline" && !overridden.has(f.check)) levels.push("restricted");
      for (const level of levels) {
        for (const [expectation, gens] of [["pass", f.pass], ["fail", f.fail]] as const) {
          gens.forEach((tweak, index) => {
            const pod = minimalValidPod(level, minor);
            tweak(pod);
            out.push({ minor, level, check: f.check, expect: expectation, index, pod });
          });
        }
      }
    }
  }
  return out;
}

const ROWS = rows();

describe("admission fixtures, every version 1.0 … latest", () => {
  it("covers every check and every version", () => {
    const checks = new Set(ROWS.map((r) => r.check));
    expect([...checks].sort()).toEqual(
      [
        "allowPrivilegeEscalation", "appArmorProfile", "capabilities_baseline", "capabilities_restricted", "hostNamespaces",
        "hostPathVolumes", "hostPorts", "hostProbesAndHostLifecycle", "privileged", "procMount", "procMount_restricted",
        "restrictedVolumes", "runAsNonRoot", "runAsUser", "seLinuxOptions", "seccompProfile_baseline",
        "seccompProfile_restricted", "sysctls", "windowsHostProcess",
      ].sort(),
    );
    expect(new Set(ROWS.map((r) => r.minor)).size).toBe(LATEST_KUBE_MINOR + 1);
    expect(ROWS.length).toBeGreaterThan(2000);
  });

  it.each([["baseline" as const], ["restricted" as const]])("the minimal valid %s pod satisfies its level at every version", (level) => {
    for (let minor = 0; minor <= LATEST_KUBE_MINOR; minor++) {
      const r = evaluate(minimalValidPod(level, minor), minor);
      const atOrBelow = r.violations.filter((v) => RANK[v.level] <= RANK[level]);
      expect({ minor, level: r.level, violations: atOrBelow }).toEqual({ minor, level, violations: [] });
    }
  });

  it("agrees with admission on every pass and fail pod", () => {
    const mismatches: string[] = [];
    for (const row of ROWS) {
      const r = evaluate(row.pod, row.minor);
      const ids = r.violations.map((v) => v.check);
      const where = `1.${row.minor} ${row.level} ${row.check} ${row.expect}[${row.index}]`;
      if (row.expect === "pass") {
        if (RANK[r.level] < RANK[row.level] || ids.includes(row.check)) mismatches.push(`${where}: got ${r.level} ${ids.join(",")}`);
      } else if (RANK[r.level] >= RANK[row.level] || !ids.includes(row.check)) {
        mismatches.push(`${where}: got ${r.level} ${ids.join(",")}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
