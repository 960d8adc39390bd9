import { readReference, resolveReference, type Lookup, type Substitution } from "./variables.js";

/**
 * Split RUN shell text into simple commands (`useradd …`, `setcap …`), quote-removed and
 * with ARG/ENV values expanded, each word with its offset in the text. Not a full shell:
 * enough of POSIX sh to find the commands people write in Dockerfiles, and linear time.
 */

export interface ShellWord {
  value: string;
  /** offset of the word's first character in the text given to splitCommands */
  at: number;
}

export interface SimpleCommand {
  /** argv with leading assignments, wrappers (sudo, env, exec …) and reserved words removed */
  words: ShellWord[];
}

const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh", "ksh"]);
const RESERVED = new Set(["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "esac"]);
const WRAPPERS = new Set(["sudo", "doas", "env", "exec", "command", "builtin", "nohup", "time", "nice"]);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const MAX_DEPTH = 3;

/**
 * @param lookup ARG/ENV values visible to the RUN; a variable without value stays as written
 *   (`$UID`), so a uid that depends on it reads as unknown rather than as 0.
 */
export function splitCommands(text: string, lookup?: Lookup): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  new ShellReader(text, lookup, out, 0).read(0, text.length);
  return out;
}

/** Whether a program name (or path) is a POSIX-ish shell, whose `-c` argument is a script. */
export function isShell(program: string): boolean {
  return SHELLS.has(basename(program));
}

/** The command name without its directory: `/usr/sbin/useradd` → `useradd`. */
export function commandName(cmd: SimpleCommand): string {
  const first = cmd.words[0]?.value ?? "";
  const slash = first.lastIndexOf("/");
  return slash === -1 ? first : first.slice(slash + 1);
}

interface PendingHeredoc {
  delimiter: string;
  stripTabs: boolean;
  /** the words of the command the heredoc feeds: a shell (or nothing) means the body is a script */
  words: ShellWord[];
}

class ShellReader {
  private words: ShellWord[] = [];
  private word = "";
  private wordAt = -1;
  /** the next word is a redirection target (dropped) or a heredoc delimiter */
  private pendingTarget: "redirect" | "heredoc" | "heredoc-strip" | undefined;
  private heredocs: PendingHeredoc[] = [];

  constructor(
    private readonly text: string,
    private readonly lookup: Lookup | undefined,
    private readonly out: SimpleCommand[],
    private readonly depth: number,
  ) {}

  read(start: number, end: number): void {
    const text = this.text;
    let i = start;
    while (i < end) {
      const c = text[i]!;
      switch (c) {
        case "\\":
          if (text[i + 1] === "\n") i += 2;
          else {
            this.startWord(i);
            this.word += text[i + 1] ?? "";
            i += 2;
          }
          continue;
        case " ":
        case "\t":
        case "\r":
          this.endWord();
          i++;
          continue;
        case "\n":
          this.endCommand();
          i = this.readHeredocBodies(i + 1, end);
          continue;
        case "#":
          if (this.wordAt === -1) {
            while (i < end && text[i] !== "\n") i++;
            continue;
          }
          break;
        case ";":
        case "|":
        case "(":
        case ")":
          this.endCommand();
          i++;
          continue;
        case "&":
          if (text[i + 1] === ">") {
            i = this.readRedirection(i, end);
            continue;
          }
          this.endCommand();
          i++;
          continue;
        case "<":
        case ">":
          i = this.readRedirection(i, end);
          continue;
        case "'": {
          this.startWord(i);
          const close = text.indexOf("'", i + 1);
          const stop = close === -1 || close >= end ? end : close;
          this.word += text.slice(i + 1, stop);
          i = stop + 1;
          continue;
        }
        case '"':
          this.startWord(i);
          i = this.readDoubleQuoted(i + 1, end);
          continue;
        case "`": {
          this.startWord(i);
          const close = text.indexOf("`", i + 1);
          const stop = close === -1 || close >= end ? end : close + 1;
          this.word += text.slice(i, stop);
          i = stop;
          continue;
        }
        case "$":
          this.startWord(i);
          i = this.readDollar(i, end);
          continue;
      }
      this.startWord(i);
      this.word += c;
      i++;
    }
    this.endCommand();
  }

  private startWord(at: number): void {
    if (this.wordAt === -1) this.wordAt = at;
  }

  private endWord(): void {
    if (this.wordAt === -1) return;
    const w: ShellWord = { value: this.word, at: this.wordAt };
    this.word = "";
    this.wordAt = -1;
    const target = this.pendingTarget;
    this.pendingTarget = undefined;
    if (target === undefined) this.words.push(w);
    else if (target !== "redirect") {
      this.heredocs.push({ delimiter: w.value, stripTabs: target === "heredoc-strip", words: this.words });
    }
  }

  private endCommand(): void {
    this.endWord();
    this.pendingTarget = undefined;
    const words = this.words;
    this.words = [];
    if (words.length === 0) return;
    const cmd = normalize(words);
    if (cmd.length === 0) return;
    this.out.push({ words: cmd });
    this.readNestedScript(cmd);
  }

  /** `sh -c '…'`: the script is shell text too. Its words point at the script argument. */
  private readNestedScript(words: ShellWord[]): void {
    if (this.depth >= MAX_DEPTH || !SHELLS.has(basename(words[0]!.value))) return;
    for (let k = 1; k < words.length - 1; k++) {
      const flag = words[k]!.value;
      if (!flag.startsWith("-") || flag.startsWith("--")) break;
      if (flag.includes("c")) {
        const script = words[k + 1]!;
        const nested: SimpleCommand[] = [];
        new ShellReader(script.value, this.lookup, nested, this.depth + 1).read(0, script.value.length);
        for (const n of nested) this.out.push({ words: n.words.map((w) => ({ value: w.value, at: script.at })) });
        return;
      }
    }
  }

  private readRedirection(i: number, end: number): number {
    const text = this.text;
    // `2>file`: the digits before the operator are a file descriptor, not a word.
    if (this.wordAt !== -1 && /^\d+$/.test(this.word)) {
      this.word = "";
      this.wordAt = -1;
    } else this.endWord();
    if (text.startsWith("<<<", i)) {
      this.pendingTarget = "redirect";
      return i + 3;
    }
    if (text.startsWith("<<", i)) {
      const strip = text[i + 2] === "-";
      this.pendingTarget = strip ? "heredoc-strip" : "heredoc";
      return i + (strip ? 3 : 2);
    }
    let j = i + 1;
    while (j < end && (text[j] === ">" || text[j] === "&" || text[j] === "|")) j++;
    // `>&2`, `2>&1`: the target is a descriptor, a word all the same
    this.pendingTarget = "redirect";
    return j;
  }

  /** Skip (or read as a script) the bodies of heredocs opened on the line just ended. */
  private readHeredocBodies(i: number, end: number): number {
    const pending = this.heredocs;
    if (pending.length === 0) return i;
    this.heredocs = [];
    const text = this.text;
    for (const h of pending) {
      const bodyStart = i;
      let bodyEnd = end;
      while (i < end) {
        let eol = text.indexOf("\n", i);
        if (eol === -1 || eol > end) eol = end;
        let line = text.slice(i, eol);
        if (line.endsWith("\r")) line = line.slice(0, -1);
        if (h.stripTabs) line = line.replace(/^\t+/, "");
        if (line === h.delimiter) {
          bodyEnd = i;
          i = eol + 1;
          break;
        }
        i = eol + 1;
      }
      if (i > end) i = end;
      if (isScriptFor(h.words, text, bodyStart, bodyEnd) && this.depth < MAX_DEPTH) {
        new ShellReader(text, this.lookup, this.out, this.depth + 1).read(bodyStart, bodyEnd);
      }
    }
    return i;
  }

  private readDoubleQuoted(i: number, end: number): number {
    const text = this.text;
    while (i < end) {
      const c = text[i]!;
      if (c === '"') return i + 1;
      if (c === "\\") {
        const n = text[i + 1];
        if (n === "\n") i += 2;
        else if (n === "$" || n === "`" || n === '"' || n === "\\") {
          this.word += n;
          i += 2;
        } else {
          this.word += c;
          i++;
        }
        continue;
      }
      if (c === "$") {
        i = this.readDollar(i, end);
        continue;
      }
      this.word += c;
      i++;
    }
    return i;
  }

  private readDollar(i: number, end: number): number {
    const text = this.text;
    if (text[i + 1] === "(") {
      // Command substitution: kept as written, its value is only known at build time.
      let depth = 0;
      let j = i + 1;
      for (; j < end; j++) {
        if (text[j] === "(") depth++;
        else if (text[j] === ")" && --depth === 0) break;
      }
      const stop = Math.min(j + 1, end);
      this.word += text.slice(i, stop);
      return stop;
    }
    const ref = readReference(text, i);
    if (!ref || ref.end > end) {
      this.word += "$";
      return i + 1;
    }
    const literal = text.slice(i, ref.end);
    if (!this.lookup) this.word += literal;
    else {
      const sub: Substitution = { text: "", missing: [], used: [] };
      const value = resolveReference(ref, this.lookup, "\\", sub, 0);
      this.word += sub.missing.length > 0 ? literal : value;
    }
    return ref.end;
  }
}

/** Drop what does not name the command: `FOO=1`, `sudo -E`, `exec`, `then`, `!` … */
function normalize(words: ShellWord[]): ShellWord[] {
  let k = 0;
  while (k < words.length) {
    const v = words[k]!.value;
    if (RESERVED.has(v) || ASSIGNMENT.test(v)) k++;
    else if (WRAPPERS.has(v)) {
      k++;
      while (k < words.length && words[k]!.value.startsWith("-")) k++;
    } else break;
  }
  return k === 0 ? words : words.slice(k);
}

function basename(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? path : path.slice(slash + 1);
}

/** A heredoc is a script when nothing but a shell reads it and it has no other shebang. */
function isScriptFor(words: ShellWord[], text: string, bodyStart: number, bodyEnd: number): boolean {
  if (words.length > 0 && !SHELLS.has(basename(words[0]!.value))) return false;
  if (text.startsWith("#!", bodyStart)) {
    const eol = text.indexOf("\n", bodyStart);
    const shebang = text.slice(bodyStart, eol === -1 || eol > bodyEnd ? bodyEnd : eol);
    return /\b(sh|bash|ash|dash|zsh|ksh)\b/.test(shebang);
  }
  return true;
}
