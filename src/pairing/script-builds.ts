import type { Lookup } from "../dockerfile/variables.js";
import type { Pos, SourceFile } from "../source/source-file.js";
import { dockerfileIn, joinRel, type ImageBuild, type SourceContext } from "./build.js";
import { displayTemplate, nameOf, normalizeImageRef } from "./image-ref.js";
import { buildCommandsIn, type BuildCommand, type CopyCommand } from "./shell-build.js";
import type { EvidenceKind } from "./pair.js";

export interface ScriptPlace {
  file: SourceFile;
  kind: EvidenceKind;
  /** the folder the script runs in, root-relative ('' for the root) */
  cwd: string;
  /** where a character of the script is in the file */
  posOf(scriptOffset: number): Pos;
  /** what the script is, for details: "job build, step 3" */
  where: string;
  /** another folder the script may be run from (the root, for a script without `cd`) */
  alsoFrom?: string;
}

/**
 * The image builds of one shell script: each `docker build`-like command with its tags,
 * plus the names `docker tag` gives those images later in the same script.
 */
export function scriptBuilds(script: string, lookup: Lookup, place: ScriptPlace, ctx?: SourceContext): ImageBuild[] {
  const { builds, tags, retags, dockerless, copies } = buildCommandsIn(script, lookup);
  const out: ImageBuild[] = [];
  for (const b of builds) {
    const here = b.cd !== undefined ? { ...place, cwd: joinRel(place.cwd, b.cd) ?? place.cwd } : place;
    // kaniko reads --dockerfile as given when it exists, else under the context: try both
    const candidates = b.tool === "kaniko" && b.file !== undefined ? [fromCommand(b, here), fromCommand(b, here, true)] : [fromCommand(b, here)];
    // a script without a `cd` may be run from its folder or from the root: its folder first
    if (place.alsoFrom !== undefined && b.cd === undefined) {
      const alt = fromCommand(b, { ...place, cwd: place.alsoFrom });
      const first = candidates[0];
      if (alt && first && alt.dockerfile !== first.dockerfile) first.fallbacks = [alt.dockerfile];
    }
    for (const build of candidates) {
      if (!build) continue;
      for (const t of tags) if (t.at > b.at && build.images.some((i) => sameRef(i, t.source))) build.images.push(t.target);
      const copied = copiedFrom(build.dockerfile, copies.filter((c) => c.at < b.at), place.cwd);
      if (copied !== undefined) {
        build.fallbacks = [build.dockerfile, ...(build.fallbacks ?? [])];
        build.dockerfile = copied;
        build.detail += ` (${copied} copied there)`;
      }
      out.push(build);
    }
  }
  if (ctx) {
    for (const r of retags) {
      const dir = joinRel(place.cwd, r.cd ?? ".");
      if (dir === undefined) continue;
      ctx.retags.push({
        kind: place.kind,
        at: place.posOf(r.at),
        detail: `${place.where ? `${place.where}: ` : ""}kustomize edit set image ${r.name}=${displayTemplate(r.to)} in ${dir || "."}`,
        name: r.name,
        to: r.to,
        dir,
      });
    }
    for (const d of dockerless) ctx.dockerless.push({ kind: place.kind, at: place.posOf(d.at), tool: d.tool, image: d.image });
  }
  return out;
}

/**
 * The file an earlier `cp` put at `dockerfile` (root-relative), the latest copy winning:
 * `cp F DIR` (DIR/F), `cp F G`, `cp -r D DEST` (DEST/… or DEST/D/…), `cp D/* DEST`.
 */
function copiedFrom(dockerfile: string, copies: CopyCommand[], cwd: string): string | undefined {
  for (const c of [...copies].reverse()) {
    const base = c.cd !== undefined ? (joinRel(cwd, c.cd) ?? cwd) : cwd;
    const dest = joinRel(base, c.dest);
    if (dest === undefined) continue;
    for (const raw of c.sources) {
      const contents = /(^|\/)(\*|\.)$/.test(raw);
      const src = joinRel(base, contents ? raw.replace(/\/?(\*|\.)$/, "") || "." : raw);
      if (src === undefined) continue;
      const name = src.slice(src.lastIndexOf("/") + 1);
      if (!contents && (dockerfile === dest || dockerfile === `${dest}/${name}`)) return src;
      for (const prefix of contents ? [dest] : [dest, `${dest}/${name}`]) {
        if (!dockerfile.startsWith(`${prefix}/`)) continue;
        const rest = dockerfile.slice(prefix.length + 1);
        return src === "" ? rest : `${src}/${rest}`;
      }
    }
  }
  return undefined;
}

function sameRef(a: string, b: string): boolean {
  const x = normalizeImageRef(a);
  const y = normalizeImageRef(b);
  return !!x && !!y && x.repository === y.repository && (x.tag ?? "latest") === (y.tag ?? "latest");
}

function fromCommand(b: BuildCommand, place: ScriptPlace, underContext = false): ImageBuild | undefined {
  if (b.context === undefined && b.file === undefined) return undefined;
  if (b.file === "-") return undefined; // Dockerfile from stdin
  const context = joinRel(place.cwd, b.context ?? ".");
  if (context === undefined) return undefined;
  // -f is relative to the working directory for docker/podman/buildah, to nothing else for kaniko
  const dockerfile = b.file !== undefined ? joinRel(underContext ? context : place.cwd, b.file) : dockerfileIn(context, undefined);
  if (dockerfile === undefined) return undefined;
  const shown = b.tags.map((t) => displayTemplate(t)).join(", ");
  return {
    kind: place.kind,
    at: place.posOf(b.at),
    detail: `${place.where ? `${place.where}: ` : ""}${b.tool}${shown ? ` -t ${shown}` : ""}${b.file ? ` -f ${displayTemplate(b.file)}` : ""}${b.target ? ` --target ${b.target}` : ""} ${displayTemplate(b.context ?? ".")}`,
    dockerfile,
    context,
    ...(b.target ? { target: b.target } : {}),
    images: b.tags.filter((t) => nameOf(t) !== ""),
    tagsKnown: true,
    ...(Object.keys(b.buildArgs).length ? { buildArgs: b.buildArgs } : {}),
  };
}

/** A block scalar (`run: |`) starts on the line after its indicator. */
export function scalarLineOffset(file: SourceFile, nodeOffset: number): number {
  const end = file.text.indexOf("\n", nodeOffset);
  const rest = file.text.slice(nodeOffset, end === -1 ? undefined : end);
  return /(^|[:\-]\s*)[|>][-+0-9]*\s*(#.*)?$/.test(rest.trimEnd()) || /^[|>][-+0-9]*\s*$/.test(rest.trim()) ? 1 : 0;
}

/** Position of character `at` of a scalar written at `node`: its line, counted from the scalar's first line. */
export function posInScalar(node: Pos, value: string, at: number): Pos {
  const file = node.file;
  const firstLine = file.position(node.offset).line + scalarLineOffset(file, node.offset);
  let line = firstLine;
  for (let i = value.indexOf("\n"); i !== -1 && i < at; i = value.indexOf("\n", i + 1)) line++;
  const offset = line === file.position(node.offset).line ? node.offset : file.lineOffset(line);
  // skip the line's indentation so the column points at the command
  let o = offset;
  while (o < file.text.length && (file.text[o] === " " || file.text[o] === "\t")) o++;
  return { file, offset: line === file.position(node.offset).line ? node.offset : o };
}
