import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** One `deb` source of the machine's APT configuration. */
export interface AptSource {
  uri: string;
  suites: string[];
  components: string[];
  file: string;
}

/**
 * The machine's configured Debian sources, read the way APT reads them: the one-line
 * `sources.list` format and deb822 `*.sources` stanzas (`Enabled: no` skipped). Files APT
 * would ignore (`*.list.disabled`, `*.save` …) are ignored here too.
 */
export function aptSources(etcApt = "/etc/apt"): AptSource[] {
  const files: string[] = [path.join(etcApt, "sources.list")];
  const dir = path.join(etcApt, "sources.list.d");
  try {
    for (const f of readdirSync(dir).sort()) if (f.endsWith(".list") || f.endsWith(".sources")) files.push(path.join(dir, f));
  } catch {
    // no sources.list.d
  }
  const sources: AptSource[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    if (file.endsWith(".sources")) sources.push(...deb822(text, file));
    else sources.push(...oneLine(text, file));
  }
  return sources;
}

function oneLine(text: string, file: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    // deb [ options ] uri suite [component ...]
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)(.*)$/.exec(line);
    if (m) out.push({ uri: m[1]!, suites: [m[2]!], components: m[3]!.trim().split(/\s+/).filter(Boolean), file });
  }
  return out;
}

function deb822(text: string, file: string): AptSource[] {
  const out: AptSource[] = [];
  const stanzas = text.split(/\n\s*\n/);
  for (const stanza of stanzas) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const raw of stanza.split("\n")) {
      if (raw.startsWith("#")) continue;
      if (/^\s/.test(raw) && last) {
        fields.set(last, `${fields.get(last)} ${raw.trim()}`); // continuation line
        continue;
      }
      const m = /^([\w-]+):\s*(.*)$/.exec(raw);
      if (!m) continue;
      last = m[1]!.toLowerCase();
      fields.set(last, m[2]!.trim());
    }
    const words = (k: string) => (fields.get(k) ?? "").split(/\s+/).filter(Boolean);
    if (!words("types").includes("deb") || /^(no|false)$/i.test(fields.get("enabled") ?? "")) continue;
    for (const uri of words("uris")) out.push({ uri, suites: words("suites"), components: words("components"), file });
  }
  return out;
}

/**
 * The Debian archive to bootstrap `suite` from: the configured source that carries that
 * suite's `main` component (not a security or updates pocket). `SHIPSHAPE_DEBIAN_MIRROR`
 * overrides it. Undefined when the machine has no Debian source for the suite.
 */
export function debianMirror(suite: string, etcApt?: string): string | undefined {
  const override = process.env.SHIPSHAPE_DEBIAN_MIRROR;
  if (override) return override;
  const sources = aptSources(etcApt).filter((s) => /^https?:\/\//.test(s.uri));
  const exact = sources.find((s) => s.suites.includes(suite) && s.components.includes("main"));
  return exact?.uri;
}
