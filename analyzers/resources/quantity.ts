/**
 * Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity): a decimal
 * number with an optional binary (Ki … Ei), decimal (m, k, M … E, n, u) or exponent suffix.
 */
const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+|[KMGTPE]i|[numkMGTPE])?$/;
const LOOSE = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*([a-zA-Z]*)\s*$/;

const MULTIPLIER: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, "": 1,
  k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The numeric value of a quantity, or undefined when Kubernetes would reject it. */
export function parseQuantity(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v !== "string" || !QUANTITY.test(v)) return undefined;
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(.*)$/.exec(v)!;
  const num = Number(m[1]);
  const suffix = m[2]!;
  if ((suffix[0] === "e" || suffix[0] === "E") && suffix.length > 1) return num * 10 ** Number(suffix.slice(1));
  return num * MULTIPLIER[suffix]!;
}

/** How people mistype units, mapped to the suffix they meant. */
const SUFFIX_FIX: Record<string, { suffix: string; alt?: string }> = {
  ki: { suffix: "Ki" }, mi: { suffix: "Mi" }, gi: { suffix: "Gi" }, ti: { suffix: "Ti" }, pi: { suffix: "Pi" }, ei: { suffix: "Ei" },
  kib: { suffix: "Ki" }, mib: { suffix: "Mi" }, gib: { suffix: "Gi" }, tib: { suffix: "Ti" },
  kb: { suffix: "k", alt: "Ki" }, mb: { suffix: "M", alt: "Mi" }, gb: { suffix: "G", alt: "Gi" }, tb: { suffix: "T", alt: "Ti" }, pb: { suffix: "P", alt: "Pi" },
  K: { suffix: "k", alt: "Ki" }, g: { suffix: "G", alt: "Gi" }, t: { suffix: "T", alt: "Ti" }, p: { suffix: "P", alt: "Pi" },
  b: { suffix: "" }, bytes: { suffix: "" }, byte: { suffix: "" },
  core: { suffix: "" }, cores: { suffix: "" }, cpu: { suffix: "" }, cpus: { suffix: "" }, vcpu: { suffix: "" },
  millicores: { suffix: "m" }, millicore: { suffix: "m" }, millicpu: { suffix: "m" },
};

/** The spelling Kubernetes accepts for a mistyped quantity ('1Gb' → '1G', or '1Gi'), if we can tell. */
export function suggestQuantity(text: string): { quantity: string; alt?: string } | undefined {
  const m = LOOSE.exec(text);
  if (!m) return undefined;
  const num = m[1]!;
  const unit = m[2]!;
  const fix = SUFFIX_FIX[unit] ?? SUFFIX_FIX[unit.toLowerCase()];
  if (!fix) return undefined;
  const quantity = num + fix.suffix;
  if (!QUANTITY.test(quantity)) return undefined;
  return { quantity, alt: fix.alt ? num + fix.alt : undefined };
}
