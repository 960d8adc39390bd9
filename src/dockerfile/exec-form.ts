/**
 * The exec (JSON array) form of CMD, ENTRYPOINT, HEALTHCHECK CMD, VOLUME and SHELL, read
 * with the offset of every string so each value keeps its column. Docker treats text that
 * is not a valid JSON array of strings as the shell form, and so do we.
 */
export interface ExecForm {
  values: string[];
  /** offset of each string's opening quote in the text */
  at: number[];
}

export function readExecForm(text: string): ExecForm | undefined {
  let i = skipBlanks(text, 0);
  if (text[i] !== "[") return undefined;
  i = skipBlanks(text, i + 1);
  const out: ExecForm = { values: [], at: [] };
  if (text[i] === "]") return skipBlanks(text, i + 1) === text.length ? out : undefined;
  for (;;) {
    if (text[i] !== '"') return undefined;
    const str = readString(text, i);
    if (!str) return undefined;
    out.values.push(str.value);
    out.at.push(i);
    i = skipBlanks(text, str.end);
    if (text[i] === ",") {
      i = skipBlanks(text, i + 1);
      continue;
    }
    if (text[i] === "]") return skipBlanks(text, i + 1) === text.length ? out : undefined;
    return undefined;
  }
}

function readString(text: string, start: number): { value: string; end: number } | undefined {
  let i = start + 1;
  let plain = i;
  let value = "";
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') return { value: value + text.slice(plain, i), end: i + 1 };
    if (c === "\\") {
      value += text.slice(plain, i);
      const n = text[i + 1];
      const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
      if (n !== undefined && simple[n] !== undefined) {
        value += simple[n];
        i += 2;
      } else if (n === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
      } else return undefined;
      plain = i;
      continue;
    }
    if (c.charCodeAt(0) < 0x20) return undefined;
    i++;
  }
  return undefined;
}

function skipBlanks(text: string, i: number): number {
  while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  return i;
}

/** Whitespace-separated words with their offsets (EXPOSE, VOLUME's plain form, flags). */
export function splitWords(text: string): { value: string; at: number }[] {
  const out: { value: string; at: number }[] = [];
  const re = /\S+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ value: m[0], at: m.index });
  return out;
}
