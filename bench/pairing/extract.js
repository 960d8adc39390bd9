// Write the files of a fetched snapshot (a bare git dir) into a folder. Snapshots lack
// large blobs (and Git LFS content), so `git archive` fails on them: write each blob
// that is present and skip the rest (none of the skipped ones is a build config).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export function extractSnapshot(gitDir, commit, dest) {
  const list = execFileSync("git", ["--git-dir", gitDir, "ls-tree", "-r", "-z", "--full-tree", commit], { maxBuffer: 1 << 28 })
    .toString("utf8")
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf("\t");
      const [mode, type, sha] = line.slice(0, tab).split(" ");
      return { mode, type, sha, file: line.slice(tab + 1) };
    })
    .filter((e) => e.type === "blob" && e.mode !== "120000");
  // one cat-file process for all blobs: --batch prints "<sha> missing" for absent ones
  const input = list.map((e) => e.sha).join("\n") + "\n";
  const out = spawnSync("git", ["--git-dir", gitDir, "cat-file", "--batch"], { input, maxBuffer: 1 << 30 }).stdout;
  let at = 0;
  let written = 0;
  for (const e of list) {
    const nl = out.indexOf(10, at);
    const header = out.subarray(at, nl).toString();
    at = nl + 1;
    if (header.endsWith(" missing")) continue;
    const size = Number(header.split(" ")[2]);
    const body = out.subarray(at, at + size);
    at += size + 1;
    const target = path.join(dest, e.file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, body);
    written++;
  }
  return { files: list.length, written };
}
