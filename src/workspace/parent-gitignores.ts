import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * The patterns of the .gitignore files above a scanned folder, re-rooted at it. Git applies
 * every .gitignore from the repository's root (the folder holding `.git`) down, so
 * `shipshape scan repo/sub` skips what `git status` in repo/sub skips. Outside a
 * repository, or at its root, there are none.
 *
 * A pattern that matches the scanned folder itself or a folder above it (`sub/`, `sub/**`
 * when scanning repo/sub) is dropped: the folder was named on the command line, and
 * scanning nothing would pass the gate on files nobody checked (rendered output is often
 * written to an ignored `out/`).
 */
export function parentGitignorePatterns(root: string): string[] {
  const above: Array<{ dir: string; text: string }> = [];
  let dir = path.resolve(root);
  if (existsSync(path.join(dir, ".git"))) return [];
  for (;;) {
    const parent = path.dirname(dir);
    if (parent === dir) return []; // not in a repository: git applies none of them
    dir = parent;
    const file = path.join(dir, ".gitignore");
    if (existsSync(file)) above.push({ dir, text: readText(file) });
    if (existsSync(path.join(dir, ".git"))) break;
  }
  const patterns: string[] = [];
  // outermost first: a deeper .gitignore overrides a shallower one, as a later pattern does
  for (const { dir: at, text } of above.reverse()) {
    const prefix = path.relative(at, root).split(path.sep).filter(Boolean);
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.replace(/(?<!\\)\s+$/, "");
      if (!line || line.startsWith("#")) continue;
      const negated = line.startsWith("!");
      for (const p of rerooted(negated ? line.slice(1) : line, prefix)) patterns.push(negated ? `!${p}` : p);
    }
  }
  return patterns;
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/**
 * A pattern of a .gitignore `prefix.length` folders above the scanned root, as patterns
 * relative to the root: none when it cannot match below the root.
 */
export function rerooted(pattern: string, prefix: readonly string[]): string[] {
  const dirOnly = pattern.endsWith("/");
  const body = dirOnly ? pattern.slice(0, -1) : pattern;
  if (!body) return [];
  const slash = dirOnly ? "/" : "";
  // no slash but a trailing one: it matches a name at any depth below its .gitignore
  if (!body.includes("/")) return [`**/${body}${slash}`];
  const segments = body.replace(/^\//, "").split("/");
  const out = new Set<string>();
  const walk = (i: number, j: number): void => {
    if (j === prefix.length) {
      const rest = segments.slice(i);
      // nothing left, or only `**`: it matches the root itself (see parentGitignorePatterns)
      if (rest.every((s) => s === "**")) return;
      out.add(`/${rest.join("/")}${slash}`);
      return;
    }
    if (i === segments.length) return; // it matches a folder above the root
    const seg = segments[i]!;
    if (seg === "**") {
      walk(i + 1, j); // zero folders
      walk(i, j + 1); // one more folder of the prefix
    } else if (segmentRegExp(seg).test(prefix[j]!)) walk(i + 1, j + 1);
  };
  walk(0, 0);
  return [...out];
}

/** One path segment of a gitignore pattern as a RegExp: `*`, `?`, `[…]`, `\x`. */
function segmentRegExp(seg: string): RegExp {
  let re = "";
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === "\\" && i + 1 < seg.length) re += escape(seg[++i]!);
    else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = seg.indexOf("]", i + 2);
      if (end === -1) re += "\\[";
      else {
        const body = seg.slice(i + 1, end);
        re += `[${body.startsWith("!") ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`);
}

function escape(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}
