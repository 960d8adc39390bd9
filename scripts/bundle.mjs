// Bundle the CLI into dist/cli/: one module per command instead of ~200 compiled files
// and the CommonJS packages they load. Node's module loader took ~0.2 s of every run
// (`scan` of an empty directory: ~0.35 s before, ~0.2 s after; docs/performance.md).
// tsc still type-checks and emits dist/src/, which the probe benchmark imports.
import { rmSync } from "node:fs";
import { build } from "esbuild";

// chunk names carry a content hash: old ones would pile up
rmSync("dist/cli", { recursive: true, force: true });

await build({
  entryPoints: {
    main: "src/cli/main.ts",
    // started by worker-pool.ts as new URL("./batch-worker.js", import.meta.url), next to its chunk
    "batch-worker": "src/scan/batch-worker.ts",
  },
  outdir: "dist/cli",
  bundle: true,
  // each command's code stays in a chunk of its own, loaded when the command runs
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  // dockerode pulls in optional native modules (ssh2, cpu-features): loaded from node_modules as they are
  // @napi-rs/xattr: an optional native module (image facts from the layers), loaded when present
  external: ["dockerode", "@napi-rs/xattr"],
  // bundled CommonJS packages call require() for Node's built-in modules
  banner: { js: 'import { createRequire as __shipshapeRequire } from "node:module"; const require = __shipshapeRequire(import.meta.url);' },
  logLevel: "warning",
});
