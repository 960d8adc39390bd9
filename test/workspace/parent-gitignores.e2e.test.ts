import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";
import { rerooted } from "../../src/workspace/parent-gitignores.js";

/**
 * `shipshape scan repo/sub` skips what git skips there (issue 15): the .gitignore files above
 * the scanned folder apply, up to the repository's root (the folder holding `.git`).
 */
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A temp folder with these files; a key ending in '/' is an empty folder. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "shipshape-gitignore-"));
  made.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(dir, rel);
    if (rel.endsWith("/")) mkdirSync(p, { recursive: true });
    else {
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, text);
    }
  }
  return dir;
}

const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: app\n      image: ghcr.io/acme/app:1\n      securityContext:\n        privileged: true\n`;

function scanned(dir: string): string[] {
  const r = runCli(["scan", dir, "--format", "json"]);
  expect(r.stderr).toBe("");
  return (JSON.parse(r.stdout) as { workloads: Array<{ name: string }> }).workloads.map((w) => w.name).sort();
}

describe("the .gitignore files above the scanned folder", () => {
  const repoFiles = {
    ".git/": "",
    ".gitignore": ["generated/", "*.local.yaml", "!keep.local.yaml", "/sub/secret/", "sub/**/tmp-*.yaml", "/other/", "/deploy.yaml"].join("\n") + "\n",
    "sub/.gitignore": "own-ignored.yaml\n",
    "sub/deploy.yaml": pod("deploy"),
    "sub/generated/gen.yaml": pod("generated"),
    "sub/a.local.yaml": pod("local"),
    "sub/keep.local.yaml": pod("keep-local"),
    "sub/secret/s.yaml": pod("secret"),
    "sub/nested/secret/n.yaml": pod("nested-secret"),
    "sub/nested/deep/tmp-1.yaml": pod("tmp"),
    "sub/own-ignored.yaml": pod("own-ignored"),
    "sub/other/o.yaml": pod("other"),
  };

  it("apply to the files of a folder inside a repository, each pattern from its own folder", () => {
    const repo = tree(repoFiles);
    // '/sub/secret/' is anchored at the repository root: sub/nested/secret is not it; '/other/'
    // and '/deploy.yaml' name repo/other and repo/deploy.yaml, not sub/other or sub/deploy.yaml
    expect(scanned(path.join(repo, "sub"))).toEqual(["deploy", "keep-local", "nested-secret", "other"]);
  });

  it("apply from every folder between the repository's root and the scanned one", () => {
    // repo/.gitignore's '*.local.yaml', sub/.gitignore's 'own-ignored.yaml', sub/nested/.gitignore's 'deep/'
    const repo = tree({ ...repoFiles, "sub/nested/.gitignore": "deep/\n", "sub/nested/x.yaml": pod("x"), "sub/nested/b.local.yaml": pod("b-local"), "sub/nested/own-ignored.yaml": pod("nested-own") });
    expect(scanned(path.join(repo, "sub/nested"))).toEqual(["nested-secret", "x"]);
  });

  it("stop at the repository's root: a .gitignore above it does not apply", () => {
    const outer = tree({ ".gitignore": "*.yaml\n", "repo/.git/": "", "repo/sub/deploy.yaml": pod("deploy") });
    expect(scanned(path.join(outer, "repo/sub"))).toEqual(["deploy"]);
  });

  it("do not apply outside a repository", () => {
    const dir = tree({ ".gitignore": "*.yaml\n", "sub/deploy.yaml": pod("deploy") });
    expect(scanned(path.join(dir, "sub"))).toEqual(["deploy"]);
  });

  it("never skip the scanned folder itself, though git ignores it (rendered output in an ignored out/)", () => {
    const repo = tree({ ".git/": "", ".gitignore": "out/\n/build/**\n", "out/rendered.yaml": pod("rendered"), "build/b.yaml": pod("built") });
    expect(scanned(path.join(repo, "out"))).toEqual(["rendered"]);
    expect(scanned(path.join(repo, "build"))).toEqual(["built"]);
  });

  it("treat a .git file (a worktree or submodule) as the repository's root", () => {
    const outer = tree({ ".gitignore": "*.yaml\n", "repo/.git": "gitdir: ../.git/worktrees/repo\n", "repo/.gitignore": "skip.yaml\n", "repo/sub/deploy.yaml": pod("deploy"), "repo/sub/skip.yaml": pod("skip") });
    expect(scanned(path.join(outer, "repo/sub"))).toEqual(["deploy"]);
  });
});

describe("rerooted", () => {
  it.each([
    ["name", ["a", "b"], ["**/name"]],
    ["dir/", ["a"], ["**/dir/"]],
    ["/a/b/c.yaml", ["a", "b"], ["/c.yaml"]],
    ["a/b/", ["a", "b"], []],
    ["a/b/**", ["a", "b"], []],
    ["/a/x", ["a", "b"], []],
    ["a/*/c", ["a", "b"], ["/c"]],
    ["a/[bc]/d/", ["a", "b"], ["/d/"]],
    ["**/tmp", ["a", "b"], ["/**/tmp"]],
    ["a/**/tmp-*.yaml", ["a"], ["/**/tmp-*.yaml"]],
  ])("%s from %j above", (pattern, prefix, expected) => {
    expect(rerooted(pattern, prefix).sort()).toEqual([...expected].sort());
  });
});
