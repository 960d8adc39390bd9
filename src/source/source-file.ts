/** A file's text with lazily computed line starts, so positions can travel as offsets. */
export class SourceFile {
  private lineStarts: number[] | undefined;

  /** @param path relative to the scanned root, '/' separators */
  constructor(
    readonly path: string,
    readonly text: string,
  ) {}

  /** 1-based line and column of a character offset. */
  position(offset: number): { line: number; column: number } {
    const starts = (this.lineStarts ??= computeLineStarts(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }

  /**
   * Where a position of this text is in the user's files. A file read from disk is its own
   * source; rendered output (src/render/) maps a position to the file and line that set it.
   */
  locate(pos: Pos): Location {
    return { file: this.path, ...this.position(pos.offset) };
  }

  /** The offset of the first character of a 1-based line. */
  lineOffset(line: number): number {
    const starts = (this.lineStarts ??= computeLineStarts(this.text));
    return starts[Math.min(Math.max(line - 1, 0), starts.length - 1)]!;
  }
}

/** Line starts after \n, \r\n and a lone \r (old Mac files), like editors count them. */
function computeLineStarts(text: string): number[] {
  const starts = [0];
  const hasCr = text.includes("\r");
  let i = text.indexOf("\n");
  if (!hasCr) {
    while (i !== -1) {
      starts.push(i + 1);
      i = text.indexOf("\n", i + 1);
    }
    return starts;
  }
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 10 || (c === 13 && text.charCodeAt(k + 1) !== 10)) starts.push(k + 1);
  }
  return starts;
}

/** A place in a source file. */
export interface Pos {
  file: SourceFile;
  offset: number;
}

/** A value with the place it was written. */
export interface Located<T> {
  value: T;
  node: Pos;
}

/** A place in the user's files, as findings report it. */
export interface Location {
  /** relative to the scanned root, '/' separators */
  file: string;
  line: number;
  column: number;
}

/** The file, line and column a finding at this position reports (see SourceFile.locate). */
export function locate(pos: Pos): Location {
  return pos.file.locate(pos);
}

export function lineColumn(pos: Pos): { line: number; column: number } {
  return pos.file.position(pos.offset);
}
