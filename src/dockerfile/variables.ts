/**
 * ARG/ENV scopes and `$X` substitution with Docker's rules:
 * - ARGs before the first FROM are global and usable in FROM lines only, unless a stage
 *   re-declares them (`ARG NAME` takes the global value);
 * - a build arg (options.buildArgs) overrides an ARG's default, but only for ARGs the
 *   Dockerfile declares;
 * - ENV beats ARG of the same name, and ENV (not ARG) carries into `FROM <stage>` children.
 */

/** A variable's value: a string, or null when declared (ARG X) without any value. */
export type Lookup = (name: string) => string | null | undefined;

export class VariableScope {
  private readonly args = new Map<string, string | null>();
  readonly env: Map<string, string>;

  constructor(
    private readonly buildArgs: Record<string, string>,
    /** the global ARG scope, for `ARG NAME` re-declarations inside a stage */
    private readonly global?: VariableScope,
    inheritedEnv?: Map<string, string>,
  ) {
    this.env = new Map(inheritedEnv);
  }

  /** ARG NAME[=default]: the build arg wins, then the default, then the global value. */
  declareArg(name: string, defaultValue: string | undefined): void {
    const fromBuild = Object.prototype.hasOwnProperty.call(this.buildArgs, name) ? this.buildArgs[name] : undefined;
    if (fromBuild !== undefined) this.args.set(name, fromBuild);
    else if (defaultValue !== undefined) this.args.set(name, defaultValue);
    else {
      const global = this.global?.lookup(name);
      this.args.set(name, global ?? null);
    }
  }

  setEnv(name: string, value: string): void {
    this.env.set(name, value);
  }

  lookup: Lookup = (name) => {
    const env = this.env.get(name);
    if (env !== undefined) return env;
    return this.args.get(name);
  };

  /** Whether the name is declared at all (even without a value). */
  has(name: string): boolean {
    return this.env.has(name) || this.args.has(name);
  }
}

export interface Substitution {
  text: string;
  /** variables referenced that had no value (and no default took their place) */
  missing: string[];
  /** variables referenced, in order, for details such as "$APP_UID → 1001" */
  used: string[];
  /** a value grew past MAX_EXPANDED_LENGTH and was cut there */
  cut?: boolean;
}

/**
 * The longest value an expansion yields. `ARG A1=${A0}${A0}` doubles per line: 24 lines
 * of it took 4 GB. Real values (paths, versions, flags) are far shorter.
 */
export const MAX_EXPANDED_LENGTH = 65_536;

/** `value + more`, cut at MAX_EXPANDED_LENGTH (once full, a value takes nothing more: no copy per reference). */
function append(value: string, more: string, out: Substitution): string {
  if (value.length + more.length <= MAX_EXPANDED_LENGTH) return value + more;
  out.cut = true;
  return value.length >= MAX_EXPANDED_LENGTH ? value : value + more.slice(0, MAX_EXPANDED_LENGTH - value.length);
}

/**
 * Expand `$X`, `${X}`, `${X:-d}`, `${X-d}`, `${X:+a}`, `${X+a}`, `${X:?m}` in Dockerfile
 * instruction arguments. The escape character before `$` keeps it literal. A variable
 * without value expands to "" (as Docker does) and is listed in `missing`.
 */
export function substitute(text: string, lookup: Lookup, escape = "\\"): Substitution {
  const out: Substitution = { text: "", missing: [], used: [] };
  if (text.indexOf("$") === -1) {
    out.text = text;
    return out;
  }
  out.text = expand(text, lookup, escape, out, 0);
  return out;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

function expand(text: string, lookup: Lookup, escape: string, out: Substitution, depth: number): string {
  let result = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === escape && text[i + 1] === "$") {
      result += "$";
      i += 2;
      continue;
    }
    if (c !== "$") {
      result += c;
      i++;
      continue;
    }
    const ref = readReference(text, i);
    if (!ref) {
      result += c;
      i++;
      continue;
    }
    result = append(result, resolveReference(ref, lookup, escape, out, depth), out);
    i = ref.end;
  }
  return result;
}

export interface Reference {
  name: string;
  /** `:-`, `-`, `:+`, `+`, `:?`, `?`, or "" for a plain reference */
  op: string;
  word: string;
  end: number;
}

/** Read `$NAME` or `${NAME[op word]}` at `start` (text[start] is `$`); undefined if neither. */
export function readReference(text: string, start: number): Reference | undefined {
  if (text[start + 1] === "{") {
    const close = matchingBrace(text, start + 1);
    if (close === -1) return undefined;
    const inner = text.slice(start + 2, close);
    const m = NAME.exec(inner);
    if (!m) return undefined;
    const rest = inner.slice(m[0].length);
    const op = /^(:?[-+?])?/.exec(rest)![0];
    if (op === "" && rest !== "") return undefined; // ${X/a/b} and friends: not Docker syntax
    return { name: m[0], op, word: rest.slice(op.length), end: close + 1 };
  }
  const m = NAME.exec(text.slice(start + 1, start + 1 + 256));
  if (!m) return undefined;
  return { name: m[0], op: "", word: "", end: start + 1 + m[0].length };
}

/** The first `${…` without its closing brace (Docker: "missing '}'"), or undefined. */
export function unclosedReference(text: string, escape: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === escape) i++;
    else if (text[i] === "$" && text[i + 1] === "{" && matchingBrace(text, i + 1) === -1) return text.slice(i, i + 40);
  }
  return undefined;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
  }
  return -1;
}

/** Apply one reference's operator, expanding its word (it may hold further references). */
export function resolveReference(
  ref: Reference,
  lookup: Lookup,
  escape: string,
  out: Substitution,
  depth: number,
): string {
  out.used.push(ref.name);
  const value = lookup(ref.name);
  const set = value !== undefined && value !== null;
  const nonEmpty = set && value !== "";
  // Nested defaults are rare; the depth guard keeps hostile input from recursing far.
  const word = () => (depth > 8 ? ref.word : expand(ref.word, lookup, escape, out, depth + 1));
  switch (ref.op) {
    case ":-":
      return nonEmpty ? value : word();
    case "-":
      return set ? value : word();
    case ":+":
      return nonEmpty ? word() : "";
    case "+":
      return set ? word() : "";
    default:
      if (!set) out.missing.push(ref.name);
      return set ? value : "";
  }
}

export interface DockerWord {
  value: string;
  /** offset of the word's first character in the text */
  at: number;
  /** a variable in this word had no value */
  missing: boolean;
}

/**
 * Split instruction arguments into words the way Docker's word processor does for ENV,
 * ARG, EXPOSE, VOLUME, COPY …: whitespace separates, quotes group and are removed,
 * `$X` expands outside single quotes, the escape character makes the next one literal.
 * Every reference is recorded in `sub` so callers can say what a value came from.
 */
export function readWords(text: string, lookup: Lookup, escape: string, sub: Substitution): DockerWord[] {
  const words: DockerWord[] = [];
  let value = "";
  let at = -1;
  let missingBefore = sub.missing.length;
  const end = () => {
    if (at !== -1) words.push({ value, at, missing: sub.missing.length > missingBefore });
    value = "";
    at = -1;
    missingBefore = sub.missing.length;
  };
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (quote === undefined && (c === " " || c === "\t" || c === "\n" || c === "\r")) {
      end();
      i++;
      continue;
    }
    if (at === -1) at = i;
    if (c === quote) {
      quote = undefined;
      i++;
    } else if (quote === undefined && (c === '"' || c === "'")) {
      quote = c;
      i++;
    } else if (c === escape && quote !== "'" && i + 1 < text.length) {
      const n = text[i + 1]!;
      // inside double quotes only quotes, `$` and the escape itself are escaped
      if (quote === '"' && n !== '"' && n !== "$" && n !== escape) value += c;
      value += n;
      i += 2;
    } else if (c === "$" && quote !== "'") {
      const ref = readReference(text, i);
      if (!ref) {
        value += c;
        i++;
      } else {
        value = append(value, resolveReference(ref, lookup, escape, sub, 0), sub);
        i = ref.end;
      }
    } else {
      value += c;
      i++;
    }
  }
  end();
  return words;
}

export function emptySubstitution(): Substitution {
  return { text: "", missing: [], used: [] };
}

/** The problem for an ARG/ENV whose value was cut at MAX_EXPANDED_LENGTH, naming what it set. */
export function expansionCut(keyword: "ARG" | "ENV", assignments: { name: string; value: string | undefined }[]): string {
  const cut = assignments.filter((a) => (a.value?.length ?? 0) >= MAX_EXPANDED_LENGTH).map((a) => a.name);
  const names = cut.length > 0 ? cut.join(", ") : assignments.map((a) => a.name).join(", ");
  return `${keyword} ${names}: the value expands to more than ${MAX_EXPANDED_LENGTH} characters and was cut there; what depends on it is not checked in full`;
}

/** `NAME=value` words of ENV/ARG (and ENV's legacy `NAME value` form). */
export function readAssignments(words: DockerWord[], legacyForm: boolean): { name: string; value: string | undefined }[] {
  if (words.length === 0) return [];
  const first = words[0]!.value;
  if (legacyForm && !first.includes("=")) {
    return [{ name: first, value: words.slice(1).map((w) => w.value).join(" ") }];
  }
  return words.map((w) => {
    const eq = w.value.indexOf("=");
    return eq === -1 ? { name: w.value, value: undefined } : { name: w.value.slice(0, eq), value: w.value.slice(eq + 1) };
  });
}
