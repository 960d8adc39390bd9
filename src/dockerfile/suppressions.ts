import type { SourceFile } from "../source/source-file.js";

const IGNORE = /^\s*#\s*shipshape:ignore\s+(.*)$/;

/**
 * Read `# shipshape:ignore id1,id2` (or space-separated) comment lines directly above an
 * instruction: the contiguous comment block between the previous instruction and this one.
 * Every line the instruction spans gets the ids, so a finding on a continuation line of a
 * long RUN is suppressed too.
 */
export function collectSuppression(
  file: SourceFile,
  into: Map<number, string[]>,
  firstLine: number,
  lastLine: number,
  previousLastLine: number,
): void {
  const ids: string[] = [];
  for (let line = firstLine - 1; line > previousLastLine; line--) {
    const text = lineText(file, line);
    if (!/^\s*#/.test(text)) break;
    const m = IGNORE.exec(text);
    if (m) for (const id of m[1]!.split(/[\s,]+/)) if (id !== "" && !ids.includes(id)) ids.push(id);
  }
  if (ids.length === 0) return;
  for (let line = firstLine; line <= lastLine; line++) {
    const existing = into.get(line);
    into.set(line, existing ? [...new Set([...existing, ...ids])] : ids);
  }
}

function lineText(file: SourceFile, line: number): string {
  const start = file.lineOffset(line);
  const next = file.text.indexOf("\n", start);
  return file.text.slice(start, next === -1 ? undefined : next).replace(/\r$/, "");
}
