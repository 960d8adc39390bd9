import { UsageError } from "../errors.js";

/** `--timeout`: `30s`, `2m`, `1500ms`, or plain seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--timeout: expected a duration like 30s, 2m or 1500ms, got '${text}'`);
  const n = Number(m[1]);
  const ms = m[2] === "ms" ? n : m[2] === "m" ? n * 60_000 : n * 1000;
  if (ms < 1000) throw new UsageError(`--timeout: at least 1s, got '${text}'`);
  return ms;
}
