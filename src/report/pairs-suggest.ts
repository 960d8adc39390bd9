import type { ImageMapping } from "../config/config.js";
import type { ImageSuggestion } from "../pairing/suggest.js";

/**
 * `pairs --suggest` as text: an `images:` block to paste into `.shipshape.yaml`. Entries the
 * user already has stay as they are; every suggestion is commented out, with why it is
 * unpaired above it, so pasting changes nothing until the user uncomments what they checked.
 */
export function suggestionYaml(suggestions: ImageSuggestion[], existing: ImageMapping[], thirdParty: string, configName: string): string {
  const out = [`# shipshape pairs --suggest: images: entries for ${configName} that would pair what is unpaired.`];
  if (suggestions.length) {
    out.push(
      "# Each entry is commented out: it is a guess ('check this'), or has a blank to fill in.",
      "# Check it, then uncomment its lines (delete the '# ') and re-run shipshape pairs.",
    );
  }
  if (existing.length) out.push(`# This block holds the images: of ${configName} too: it replaces that list.`);
  if (!existing.length && !suggestions.length) {
    out.push("# Nothing is unpaired: every Dockerfile and first-party container pairs.", "images: []");
  } else {
    out.push("images:");
    if (existing.length) out.push(`  # already in ${configName}`);
    for (const m of existing) out.push(...entry(m, ""));
    for (const s of suggestions) {
      out.push("");
      out.push(...comment(s).map((l) => `  # ${l}`));
      if (s.kind === "dockerless") continue;
      out.push(
        ...entry(
          { dockerfile: s.dockerfile ?? "", image: s.image ?? "" },
          "# ",
          s.dockerfile === null ? "the Dockerfile that builds this image" : s.image === null ? "the image your manifests deploy from it" : undefined,
        ),
      );
    }
  }
  if (thirdParty) out.push("", `# third-party images, built elsewhere (not unpaired): ${thirdParty}`);
  return out.join("\n") + "\n";
}

/** The prose above an entry; no line starts with '- ' or a space, so only the entry's own lines look like YAML once uncommented. */
function comment(s: ImageSuggestion): string[] {
  const deployedBy = s.containers?.length ? `deployed by ${s.containers.slice(0, 3).map((c) => `${c.kind} ${c.name} [${c.container}] (${c.file})`).join(", ")}${s.containers.length > 3 ? ` and ${s.containers.length - 3} more` : ""}` : "";
  switch (s.kind) {
    case "candidate":
      return [`check this: ${s.dockerfile} → ${s.image}: ${s.check}`, ...s.reasons.map((r) => `unpaired: ${r}`), ...(deployedBy ? [deployedBy] : [])];
    case "image":
      return [`${s.reasons[0]}, and no Dockerfile here is named like it`, ...(deployedBy ? [deployedBy] : [])];
    case "dockerfile":
      return [`${s.dockerfile}: ${s.reasons[0]}`];
    case "dockerless":
      return [`${s.reasons[0]}: an images: entry needs a Dockerfile, nothing to add`];
  }
}

/** One `images:` item; `prefix` comments it out, `fill` marks the empty side the user must fill in. */
function entry(m: ImageMapping, prefix: string, fill?: string): string[] {
  const lines = [`  ${prefix}- dockerfile: ${scalar(m.dockerfile)}${fill && !m.dockerfile ? `  # fill in: ${fill}` : ""}`];
  lines.push(`  ${prefix}  image: ${scalar(m.image)}${fill && !m.image ? `  # fill in: ${fill}` : ""}`);
  if (m.target !== undefined) lines.push(`  ${prefix}  target: ${scalar(m.target)}`);
  if (m.context !== undefined) lines.push(`  ${prefix}  context: ${scalar(m.context)}`);
  return lines;
}

/** A plain scalar when YAML reads it back as the same string, else a double-quoted one (JSON's quoting is YAML's). */
function scalar(v: string): string {
  return /^[A-Za-z0-9_./][\w./:@+-]*$/.test(v) && !/:(\s|$)/.test(v) && !/^(true|false|null|yes|no|on|off|~)$/i.test(v) && !/^[\d.+-]+$/.test(v) ? v : JSON.stringify(v);
}
