import type { Analyzer } from "../src/analyze/define.js";
import capabilities from "./capabilities/index.js";
import privileged from "./privileged/index.js";
import user from "./user/index.js";

/** The registry: a plain list. Each topic folder's index lists its analyzers. */
export const analyzers: readonly Analyzer[] = [...capabilities, ...privileged, ...user];
