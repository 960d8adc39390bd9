import { randomBytes } from "node:crypto";
import { chmod, link, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { loadYaml } from "../manifest/yaml-load.js";
import type { ManifestFile } from "../manifest/load.js";
import { SourceFile } from "../source/source-file.js";
import { applyChanges, type Change, type ObjectPath, sameValue } from "./changes.js";
import { writableChanges, type PlacedProposal } from "./place.js";
import { unifiedDiff } from "./unified-diff.js";
import { editYamlText, type ObjectEdits } from "./yaml-edit.js";
import type { Obj } from "../manifest/yaml-value.js";

/** The new text of one manifest file, or why it cannot be written. */
export interface FileEdit {
  /** relative to the scanned root */
  file: string;
  abs: string;
  before: string;
  after: string;
  problems: string[];
  /** a new file (a patch propose adds to a kustomize overlay): created, never over an existing one */
  create?: boolean;
  /** files (absolute) this edit refers to: it is not written when one of them could not be */
  requires?: string[];
  /** changes left out of this file, and why (an unverified change cannot be marked in JSON) */
  leftOut?: string[];
}

/** The comment `--write --include-unverified` puts on each unverified line it writes. */
export const UNVERIFIED_COMMENT = "shipshape: not verified; shipshape propose --probe checks it";

export interface PlanOptions {
  /** write unverified changes too, each marked with UNVERIFIED_COMMENT */
  includeUnverified?: boolean;
}


/**
 * Splice every workload's writable changes (safe and verified ones; unverified ones too when
 * asked, each with a comment saying so) into its file's text. The result is checked: parsed
 * again, each document must equal the original with exactly its changes applied, or the
 * file is left alone and the mismatch reported. Nothing is written here: the caller writes
 * only when no file has a problem.
 */
export function planFileEdits(root: string, placed: PlacedProposal[], manifests: ManifestFile[], options: PlanOptions = {}): FileEdit[] {
  const include = options.includeUnverified === true;
  const byFile = new Map<string, Array<{ p: PlacedProposal; changes: Change[] }>>();
  for (const p of placed) {
    const changes = writableChanges(p, include).map((c) => (c.kind === "unverified" ? { ...c, comment: UNVERIFIED_COMMENT } : c));
    if (changes.length === 0) continue;
    const list = byFile.get(p.workload.file.path) ?? [];
    list.push({ p, changes });
    byFile.set(p.workload.file.path, list);
  }
  const edits: FileEdit[] = [];
  for (const [file, list] of byFile) {
    const manifest = manifests.find((m) => m.file.path === file);
    const before = list[0]!.p.workload.file.text;
    const abs = path.resolve(root, file);
    const problems: string[] = [];
    const leftOut: string[] = [];
    // rendered output is no file to write to: its source is a base, a patch or a template
    if (list.some((e) => e.p.workload.rendered)) {
      edits.push({ file, abs, before, after: before, problems: [`rendered by ${list[0]!.p.workload.rendered!.renderedBy}: not written back (use --format kustomize)`], leftOut });
      continue;
    }
    if (file === "<stdin>" || !manifest) {
      edits.push({ file, abs, before, after: before, problems: ["manifests read from standard input cannot be written back: use --format patch"], leftOut });
      continue;
    }
    if (manifest.error) {
      edits.push({ file, abs, before, after: before, problems: [`the file does not parse (line ${manifest.error.line}): not edited`], leftOut });
      continue;
    }
    const json = /\.json$/i.test(file);
    if (json) {
      // JSON has no comments: an unverified change could not say it is one
      for (const entry of list) {
        const unverified = entry.changes.filter((c) => c.kind === "unverified").length;
        if (unverified) leftOut.push(`${unverified} unverified change${unverified > 1 ? "s" : ""} of ${entry.p.workload.kind} ${entry.p.workload.name}: JSON has no comments to mark ${unverified > 1 ? "them" : "it"} (use --format patch)`);
        entry.changes = entry.changes.filter((c) => c.kind !== "unverified");
      }
    }
    const original = loadYaml(new SourceFile(file, before)).docs.map((d) => d.value);
    const objectEdits: ObjectEdits[] = list.filter((e) => e.changes.length).map((e) => ({ docIndex: e.p.workload.docIndex, prefix: prefixOf(e.p, original), changes: e.changes }));
    const result = editYamlText(before, objectEdits, json);
    problems.push(...result.problems);
    if (problems.length === 0) {
      const check = verifyEdit(file, original, result.text, objectEdits);
      if (check) problems.push(check);
    }
    edits.push({ file, abs, before, after: problems.length ? before : result.text, problems, leftOut });
  }
  return edits;
}

/** A List item's path inside its document. */
function prefixOf(p: PlacedProposal, docs: unknown[]): ObjectPath {
  const doc = docs[p.workload.docIndex] as Obj | undefined;
  if (doc && typeof doc.kind === "string" && doc.kind.endsWith("List") && Array.isArray(doc.items)) {
    const i = doc.items.findIndex((item) => sameValue(item, p.workload.object));
    if (i >= 0) return ["items", { index: i, key: "", value: "" }];
  }
  return [];
}

function verifyEdit(file: string, original: unknown[], text: string, edits: ObjectEdits[]): string | undefined {
  const reread = loadYaml(new SourceFile(file, text));
  if (reread.error) return `internal: the edited text does not parse (${reread.error.message}); not written`;
  if (reread.docs.length !== original.length) return "internal: the edit changed the number of documents; not written";
  for (let index = 0; index < original.length; index++) {
    const expected = { root: structuredClone(original[index]) } as Obj;
    for (const e of edits.filter((x) => x.docIndex === index)) applyChanges(expected, e.changes.map((c) => ({ ...c, path: ["root", ...e.prefix, ...c.path] })));
    if (!sameValue(expected.root, reread.docs[index]!.value)) return `internal: document ${index + 1} did not come out as planned; not written`;
  }
  return undefined;
}

export type WriteOutcome = { file: string; status: "written" | "unchanged" | "conflict" | "failed"; message?: string };

/**
 * Write atomically: a temporary file in the same directory, renamed over the original. The
 * file on disk must still hold the text the scan read, checked before and after the temporary
 * file is written; otherwise someone edited it meanwhile and it is not overwritten.
 */
export async function writeFileEdit(edit: FileEdit): Promise<WriteOutcome> {
  if (edit.problems.length) return { file: edit.file, status: "failed", message: edit.problems.join("; ") };
  if (edit.create) return createFile(edit);
  if (edit.after === edit.before) return { file: edit.file, status: "unchanged" };
  const current = await readCurrent(edit.abs);
  if (current === undefined) return { file: edit.file, status: "failed", message: "cannot read it any more" };
  if (current.text !== edit.before) return { file: edit.file, status: "conflict", message: "changed on disk since it was read: not overwritten (run propose again)" };
  const tmp = path.join(path.dirname(edit.abs), `.${path.basename(edit.abs)}.shipshape-${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeFile(tmp, (current.bom ? "\ufeff" : "") + edit.after, { flag: "wx" });
    await chmod(tmp, current.mode & 0o7777);
    const again = await readCurrent(edit.abs);
    if (!again || again.text !== edit.before || again.mtimeMs !== current.mtimeMs) {
      await unlink(tmp).catch(() => undefined);
      return { file: edit.file, status: "conflict", message: "changed on disk while writing: not overwritten (run propose again)" };
    }
    await rename(tmp, edit.abs);
    return { file: edit.file, status: "written" };
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    return { file: edit.file, status: "failed", message: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
}

/** A new file, whole or not at all, and never over one that appeared meanwhile (link fails on an existing name). */
async function createFile(edit: FileEdit): Promise<WriteOutcome> {
  const tmp = path.join(path.dirname(edit.abs), `.${path.basename(edit.abs)}.shipshape-${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeFile(tmp, edit.after, { flag: "wx" });
    await link(tmp, edit.abs);
    return { file: edit.file, status: "written" };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return { file: edit.file, status: "conflict", message: "exists already: not overwritten (run propose again)" };
    return { file: edit.file, status: "failed", message: code ?? String(err) };
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

async function readCurrent(abs: string): Promise<{ text: string; bom: boolean; mtimeMs: number; mode: number } | undefined> {
  try {
    const [buf, st] = await Promise.all([readFile(abs), stat(abs)]);
    let text = buf.toString("utf8");
    const bom = text.charCodeAt(0) === 0xfeff;
    if (bom) text = text.slice(1);
    return { text, bom, mtimeMs: st.mtimeMs, mode: st.mode };
  } catch {
    return undefined;
  }
}

/** `--dry-run`: the diff `--write` would apply. */
export function editDiff(edit: FileEdit): string {
  return unifiedDiff(edit.create ? "/dev/null" : `a/${edit.file}`, `b/${edit.file}`, edit.before, edit.after);
}
