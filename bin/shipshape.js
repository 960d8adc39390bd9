#!/usr/bin/env node
// Thin launcher: the bundled CLI lives in dist/cli/ (npm run build).
import { main } from "../dist/cli/main.js";

main(process.argv).then((code) => {
  process.exitCode = code;
});
