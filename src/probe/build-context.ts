import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import dockerignoreModule from "@balena/dockerignore";

// a CommonJS module whose types declare an ES default export: the factory is on `.default`
const dockerignore = dockerignoreModule.default;

/**
 * The paths (relative, '/' separators) the Docker client sends as the build context of
 * `contextDir`, in the order it walks them. `.dockerignore` has its own semantics, not
 * gitignore's: `*.log` and `node_modules` match at the top only, `*` does not cross `/`,
 * an exception (`!dir/keep`) re-includes a file under an excluded directory, matching is
 * case-sensitive, and the Dockerfile and `.dockerignore` are always sent. This follows
 * the client's walk (moby pkg/archive TarWithOptions, cli TrimBuildFilesFromExcludes).
 */
export function buildContextEntries(contextDir: string, dockerfile: string): string[] {
  const patterns = readDockerignore(contextDir);
  if (patterns.length === 0) return walk(contextDir, "", () => "keep");
  // docker's ignore is case-sensitive on Linux; the library defaults to ignoring case
  let matcher = dockerignore({ ignorecase: false }).add(patterns);
  // the client adds exceptions for the files the builder needs when they are excluded
  for (const needed of [".dockerignore", dockerfile]) {
    if (matcher.ignores(needed)) patterns.push(`!${needed}`);
  }
  matcher = dockerignore({ ignorecase: false }).add(patterns);
  const exceptions = patterns.filter((p) => p.startsWith("!")).map((p) => p.slice(1));
  return walk(contextDir, "", (rel, isDir) => {
    if (!matcher.ignores(rel)) return "keep";
    if (!isDir) return "skip";
    // an excluded directory is walked (but not sent) when an exception names a path under it
    return exceptions.some((e) => `${e}/`.startsWith(`${rel}/`)) ? "descend" : "skip";
  });
}

type Decision = "keep" | "skip" | "descend";

function walk(root: string, dir: string, decide: (rel: string, isDir: boolean) => Decision, out: string[] = []): string[] {
  const entries = readdirSync(dir ? path.join(root, dir) : root, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    // a symlink is sent as a link, never followed (Dirent does not follow it)
    const isDir = entry.isDirectory();
    const decision = decide(rel, isDir);
    if (decision === "skip") continue;
    if (decision === "keep") out.push(rel);
    if (isDir) walk(root, rel, decide, out);
  }
  return out;
}

/** The patterns of `.dockerignore` as the client reads them (dockerignore.ReadAll). */
function readDockerignore(contextDir: string): string[] {
  let text: string;
  try {
    text = readFileSync(path.join(contextDir, ".dockerignore"), "utf8");
  } catch {
    return [];
  }
  const patterns: string[] = [];
  for (const raw of text.replace(/^\uFEFF/, "").split(/\r?\n/)) {
    // a comment is a line starting with '#' before any trimming
    if (raw.startsWith("#")) continue;
    let pattern = raw.trim();
    if (!pattern) continue;
    const invert = pattern.startsWith("!");
    if (invert) pattern = pattern.slice(1).trim();
    if (pattern) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith("/")) pattern = pattern.slice(1);
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return patterns;
}

/** Go's filepath.Clean for '/' paths: no '.', no '..' that can be resolved, no trailing '/'. */
function cleanPath(p: string): string {
  const clean = path.posix.normalize(p);
  return clean.length > 1 && clean.endsWith("/") ? clean.slice(0, -1) : clean;
}
