/**
 * An instruction's arguments as Docker reads them: escaped newlines joined, comment and
 * empty lines inside a continuation dropped, heredoc bodies kept verbatim. Every
 * character keeps a way back to its offset in the file, so values found in the text
 * (a `setcap` command in the middle of a RUN) still know their line and column.
 */
export class InstructionText {
  private constructor(
    readonly text: string,
    /** pairs [logical offset, source offset], ascending: where each copied run starts */
    private readonly runs: number[],
    private readonly end: number,
  ) {}

  /** The source offset of a logical offset (the end of the text maps past the last character). */
  sourceOffset(logical: number): number {
    const runs = this.runs;
    if (runs.length === 0) return this.end;
    // Binary search over run starts: instructions are short, but a heredoc may hold many runs.
    let lo = 0;
    let hi = runs.length / 2 - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (runs[mid * 2]! <= logical) lo = mid;
      else hi = mid - 1;
    }
    return Math.min(runs[lo * 2 + 1]! + (logical - runs[lo * 2]!), this.end);
  }

  /**
   * @param source the whole file text
   * @param start offset of the first argument character
   * @param end offset just past the instruction's last character
   * @param escape the escape character (`\` or the `# escape=` directive's)
   */
  static read(source: string, start: number, end: number, escape: string): InstructionText {
    let text = "";
    const runs: number[] = [];
    let pos = start;
    let continued = false;
    while (pos < end) {
      let eol = source.indexOf("\n", pos);
      if (eol === -1 || eol >= end) eol = end;
      let lineEnd = eol;
      if (lineEnd > pos && source.charCodeAt(lineEnd - 1) === 13 /* \r */) lineEnd--;
      const line = source.slice(pos, lineEnd);
      // Inside a continuation, Docker drops comment lines and blank lines entirely.
      if (continued && isCommentOrBlank(line)) {
        pos = eol + 1;
        continue;
      }
      const contAt = continuationIndex(line, escape);
      runs.push(text.length, pos);
      if (contAt === -1) {
        // The logical line ends here; what follows (heredoc bodies) is kept line by line,
        // one run per line so CRLF line ends can be dropped without losing the mapping.
        text += line;
        pos = eol + 1;
        while (pos < end) {
          text += "\n";
          eol = source.indexOf("\n", pos);
          if (eol === -1 || eol >= end) eol = end;
          lineEnd = eol;
          if (lineEnd > pos && source.charCodeAt(lineEnd - 1) === 13) lineEnd--;
          runs.push(text.length, pos);
          text += source.slice(pos, lineEnd);
          pos = eol + 1;
        }
        break;
      }
      text += line.slice(0, contAt);
      continued = true;
      pos = eol + 1;
    }
    return new InstructionText(text, runs, end);
  }
}

/** Index of the escape character that continues this line, or -1 (trailing blanks allowed). */
function continuationIndex(line: string, escape: string): number {
  let i = line.length - 1;
  while (i >= 0 && (line[i] === " " || line[i] === "\t")) i--;
  if (i < 0 || line[i] !== escape) return -1;
  return i;
}

function isCommentOrBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === " " || c === "\t") continue;
    return c === "#";
  }
  return true;
}
