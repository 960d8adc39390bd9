// Dockerfile reading at sizes nobody writes by hand (issue 16): wall time and peak RSS of
// `shipshape scan --format json` on generated Dockerfiles just under the size limit
// (src/dockerfile/parse.ts, MAX_DOCKERFILE_CHARS), and on one far over it, which must cost
// nothing. dockerfile-ast builds a positioned node per argument word: a 5 MB `RUN a a a …`
// took 2.1 GB and 28 s before the limit. Run: npm run build && node bench/dockerfile/run.js
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { peakOf } from "../peak-rss.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { parseDockerfile } = await import(path.join(repo, "dist/src/dockerfile/parse.js"));
const { SourceFile } = await import(path.join(repo, "dist/src/source/source-file.js"));
const runs = Number(process.env.RUNS ?? 2);

const limit = 128 * 1024; // MAX_DOCKERFILE_CHARS
const fill = (unit, head = "FROM scratch\n", tail = "USER 0\n") => head + unit.repeat(Math.floor((limit - head.length - tail.length - 64) / unit.length)) + tail;
const cases = {
  "a RUN of words, under the limit": () => fill("a ", "FROM scratch\nRUN ", "\nUSER 0\n"),
  "RUN lines, under the limit": () => fill("RUN a\n"),
  "RUN continuation lines, under the limit": () => fill("  && b c \\\n", "FROM scratch\nRUN a \\\n", "  && d\nUSER 0\n"),
  "RUN heredocs, under the limit": () => fill("RUN <<EOF\nuseradd app\nEOF\n"),
  // each creation looks up its group, each USER its user: lookups must not scan every creation
  "useradd lines, under the limit": () => fill("RUN useradd app\n"),
  "useradd -u and USER lines, under the limit": () => fill("RUN useradd -u 1000 app\nUSER ghost\n"),
  "an unterminated heredoc, under the limit": () => fill("echo a b c\n", "FROM scratch\nRUN <<EOF\n", ""),
  "5 MB RUN of 2.5M words (refused)": () => `FROM scratch\nRUN ${"a ".repeat(2_500_000)}\nUSER 0\n`,
};


const root = mkdtempSync(path.join(os.tmpdir(), "shipshape-bench-dockerfile-"));
try {
  for (const [name, make] of Object.entries(cases)) {
    const dir = path.join(root, name.replace(/\W+/g, "-"));
    mkdirSync(dir);
    const text = make();
    writeFileSync(path.join(dir, "Dockerfile"), text);
    const results = [];
    for (let i = 0; i < runs; i++) results.push(await peakOf([path.join(repo, "bin/shipshape.js"), "scan", dir, "--format", "json"]));
    const best = (k) => Math.min(...results.map((r) => r[k]));
    // the parse alone, in this process: steadier than a whole scan on a loaded machine
    const parses = [];
    for (let i = 0; i < runs + 2; i++) {
      const t0 = performance.now();
      parseDockerfile(new SourceFile("Dockerfile", text));
      parses.push(performance.now() - t0);
    }
    console.log(
      `${name.padEnd(44)} ${(text.length / 1024).toFixed(0).padStart(5)} KiB: ${(best("ms") / 1000).toFixed(2)} s, peak RSS ${best("mb").toFixed(0)} MB (best of ${runs}); parse alone ${Math.min(...parses).toFixed(0)} ms (best of ${runs + 2})`,
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
