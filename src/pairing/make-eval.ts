import { unresolved } from "./image-ref.js";

/**
 * Enough of GNU make to know what a Makefile's recipes run without running it: variables
 * (`=`, `:=`, `?=`, `+=`, `!=`, `export`/`override`), `define … endef`, `include`,
 * conditionals (`ifeq`/`ifneq`/`ifdef`/`ifndef`, read as `make` does with an empty
 * environment), and the functions that build image names (`if`, `or`, `and`, `call`,
 * `foreach`, `eval`, `subst`, `patsubst`, `strip`, `addprefix`, `addsuffix`, `notdir`,
 * `dir`, `firstword`, `lastword`, `word`, `filter`, `filter-out`, `lastword`, `sort`).
 * What only the environment or a command can tell (`$(shell …)`, an unset variable in a
 * recipe) becomes an unresolved marker, a wildcard when matched.
 */
export interface MakeLine {
  text: string;
  /** offset of the line in its file */
  offset: number;
  /** the file the line comes from (an included one), root-relative */
  file: string;
}

export interface MakeResult {
  /** recipe lines, expanded, with where they are written */
  recipes: Array<{ text: string; offset: number; file: string; target: string; overridable?: boolean }>;
}

type ReadFile = (rel: string) => { text: string; path: string } | undefined;

const MAX_DEPTH = 12;
const MAX_RECIPES = 5000;

export function evaluateMakefile(text: string, path: string, dir: string, readFile: ReadFile): MakeResult {
  const vars = new Map<string, string>();
  /** variables assigned with `?=`: switches the user may set on the command line */
  const switches = new Set<string>();
  const recipes: MakeResult["recipes"] = [];
  const included = new Set<string>([path]);

  const expand = (s: string, locals: Map<string, string> = new Map(), depth = 0): string => {
    if (!s.includes("$") || depth > MAX_DEPTH) return s;
    let out = "";
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (c !== "$") {
        out += c;
        continue;
      }
      const n = s[i + 1];
      if (n === undefined) break;
      if (n === "$") {
        out += "$";
        i++;
      } else if (n === "(" || n === "{") {
        const close = n === "(" ? ")" : "}";
        const end = matching(s, i + 1, n, close);
        if (end === -1) {
          out += s.slice(i);
          break;
        }
        out += reference(s.slice(i + 2, end), locals, depth);
        i = end;
      } else {
        // $X: one character; $@ $< $* … are automatic variables
        out += /[A-Za-z0-9_]/.test(n) ? lookup(n, locals, depth) : unresolved(n === "*" ? "stem" : n === "@" ? "target" : "auto");
        i++;
      }
    }
    return out;
  };

  let usedSwitch = false;
  const lookup = (name: string, locals: Map<string, string>, depth: number): string => {
    if (locals.has(name)) return locals.get(name)!;
    if (switches.has(name)) usedSwitch = true;
    const v = vars.get(name);
    if (v !== undefined) return expand(v, locals, depth + 1);
    return /^\d+$/.test(name) ? "" : unresolved(name);
  };

  const reference = (inner: string, locals: Map<string, string>, depth: number): string => {
    const sp = inner.search(/[\s,]/);
    const fn = sp === -1 ? "" : inner.slice(0, sp);
    if (sp !== -1 && inner[sp] !== "," && FUNCTIONS.has(fn)) {
      const args = splitArgs(inner.slice(sp + 1).replace(/^\s+/, ""));
      return call(fn, args, locals, depth);
    }
    // $(VAR:a=b) substitution reference
    const subst = /^([^:]+):([^=]*)=(.*)$/.exec(inner);
    if (subst) {
      const value = expand(`$(${subst[1]})`, locals, depth + 1);
      const from = subst[2]!.includes("%") ? subst[2]! : `%${subst[2]}`;
      const to = subst[3]!.includes("%") ? subst[3]! : `%${subst[3]}`;
      return words(value).map((w) => patsubst(from, to, w)).join(" ");
    }
    return lookup(expand(inner, locals, depth + 1).trim(), locals, depth);
  };

  const call = (fn: string, raw: string[], locals: Map<string, string>, depth: number): string => {
    const arg = (i: number) => expand(raw[i] ?? "", locals, depth + 1);
    switch (fn) {
      case "if":
        return known(arg(0)).trim() !== "" ? arg(1) : arg(2);
      case "or":
        for (let i = 0; i < raw.length; i++) if (known(arg(i)).trim() !== "") return arg(i);
        return "";
      case "and": {
        let last = "";
        for (let i = 0; i < raw.length; i++) if ((last = arg(i)).trim() === "" || known(last).trim() === "") return "";
        return last;
      }
      case "strip":
        return arg(0).trim().replace(/\s+/g, " ");
      case "subst":
        return arg(2).split(arg(0)).join(arg(1));
      case "patsubst":
        return words(arg(2)).map((w) => patsubst(arg(0), arg(1), w)).join(" ");
      case "addprefix":
        return words(arg(1)).map((w) => arg(0) + w).join(" ");
      case "addsuffix":
        return words(arg(1)).map((w) => w + arg(0)).join(" ");
      case "notdir":
        return words(arg(0)).map((w) => w.slice(w.lastIndexOf("/") + 1)).join(" ");
      case "dir":
        return words(arg(0)).map((w) => (w.includes("/") ? w.slice(0, w.lastIndexOf("/") + 1) : "./")).join(" ");
      case "firstword":
        return words(arg(0))[0] ?? "";
      case "lastword":
        return words(arg(0)).at(-1) ?? "";
      case "word":
        return words(arg(1))[Number(arg(0)) - 1] ?? "";
      case "words":
        return String(words(arg(0)).length);
      case "sort":
        return [...new Set(words(arg(0)))].sort().join(" ");
      case "filter":
      case "filter-out": {
        const pats = words(arg(0));
        const keep = (w: string) => pats.some((p) => patsubst(p, "", w) !== w || p === w);
        return words(arg(1)).filter((w) => (fn === "filter") === keep(w)).join(" ");
      }
      case "foreach": {
        const name = arg(0).trim();
        return words(arg(1))
          .map((w) => expand(raw[2] ?? "", new Map([...locals, [name, w]]), depth + 1))
          .join(" ");
      }
      case "call": {
        const name = arg(0).trim();
        const body = vars.get(name);
        if (body === undefined) return unresolved(name);
        const params = new Map(locals);
        for (let i = 1; i <= 9; i++) params.set(String(i), i < raw.length ? arg(i) : "");
        return expand(body, params, depth + 1);
      }
      case "eval":
        readLines(arg(0).split("\n").map((t) => ({ text: t, offset: evalOffset, file: evalFile })));
        return "";
      case "value":
        return vars.get(arg(0).trim()) ?? "";
      default:
        // shell, wildcard, origin, realpath …: only running them tells
        return unresolved(fn);
    }
  };

  // where an $(eval …) at the top level is written: its recipes point there
  let evalOffset = 0;
  let evalFile = path;

  const readLines = (lines: MakeLine[]) => {
    const cond: boolean[] = []; // the active state of each open conditional
    const taken: boolean[] = [];
    // a conditional on a `?=` variable is the user's switch (`make image DEV_IMAGE=true`):
    // the recipes of each branch are builds the Makefile can run, so both are read
    const open: boolean[] = [];
    let target = "";
    for (let i = 0; i < lines.length; i++) {
      const { text, offset, file } = lines[i]!;
      const active = cond.every(Boolean);
      const reachable = cond.every((c, j) => c || open[j]);
      const trimmed = text.trim();
      const directive = /^(ifeq|ifneq|ifdef|ifndef|else|endif)\b\s*(.*)$/.exec(trimmed);
      if (directive && !text.startsWith("\t")) {
        const [, kw, rest] = directive;
        if (kw === "endif") {
          cond.pop();
          taken.pop();
          open.pop();
        } else if (kw === "else") {
          const wasTaken = taken.at(-1) ?? false;
          const nested = /^(ifeq|ifneq|ifdef|ifndef)\b\s*(.*)$/.exec(rest!);
          const now = !wasTaken && (nested ? test(nested[1]!, nested[2]!) : true);
          cond[cond.length - 1] = now;
          taken[taken.length - 1] = wasTaken || now;
          if (nested && switchable(nested[1]!, nested[2]!)) open[open.length - 1] = true;
        } else {
          const now = active && test(kw!, rest!);
          cond.push(now);
          taken.push(now || !active);
          open.push(switchable(kw!, rest!));
        }
        continue;
      }
      if (!active) {
        // the other branch of a user's switch: its recipes and rule lines, not its assignments
        if (!reachable) continue;
        if (text.startsWith("\t") && target !== "") {
          if (recipes.length < MAX_RECIPES) recipes.push(recipe(text, offset, file, target));
        } else if (!/^\s*[A-Za-z_][\w.-]*\s*(\?=|::?:?=|\+=|!=|=)/.test(text)) {
          const rule = /^([^:=#\t][^:=#]*?)\s*::?(?!=)/.exec(text);
          if (rule) target = expand(rule[1]!).trim();
        }
        continue;
      }
      if (text.startsWith("\t")) {
        if (recipes.length < MAX_RECIPES) recipes.push(recipe(text, offset, file, target));
        continue;
      }
      if (trimmed === "" || trimmed.startsWith("#")) continue;
      const def = /^(?:(?:export|override)\s+)*define\s+([A-Za-z_][\w.-]*)\s*(?:=|:=|::=)?\s*$/.exec(trimmed);
      if (def) {
        const body: string[] = [];
        let depthDef = 1;
        for (i++; i < lines.length; i++) {
          const t = lines[i]!.text;
          if (/^\s*define\b/.test(t)) depthDef++;
          if (/^\s*endef\b/.test(t) && --depthDef === 0) break;
          body.push(t);
        }
        vars.set(def[1]!, body.join("\n"));
        continue;
      }
      const inc = /^-?(?:include|sinclude)\s+(.+)$/.exec(trimmed);
      if (inc) {
        for (const name of words(expand(inc[1]!))) {
          const rel = joinPath(dir, name);
          if (rel === undefined || included.has(rel)) continue;
          const f = readFile(rel);
          if (!f) continue;
          included.add(rel);
          readLines(logicalLines(f.text, f.path));
        }
        continue;
      }
      const assign = /^(?:(?:export|override|private)\s+)*([A-Za-z_][\w.-]*)\s*(\?=|::?:?=|\+=|!=|=)\s*(.*)$/.exec(text.trim());
      if (assign) {
        const [, name, op, value] = assign;
        if (op === "?=" && vars.has(name!)) continue;
        if (op === "?=") switches.add(name!);
        else if (op !== "+=") switches.delete(name!);
        if (op === "!=") vars.set(name!, unresolved(name!));
        else if (op === ":=" || op === "::=" || op === ":::=") vars.set(name!, expand(value!.trim()).replace(/\$/g, "$$$$"));
        else if (op === "+=") vars.set(name!, `${vars.get(name!) ?? ""} ${value!.trim()}`.trim());
        else vars.set(name!, value!.trim());
        continue;
      }
      if (/^\$[({](eval|foreach|call)\b/.test(trimmed)) {
        evalOffset = offset;
        evalFile = file;
        expand(trimmed);
        continue;
      }
      const rule = /^([^:=#\t][^:=#]*?)\s*::?(?!=)/.exec(text);
      if (rule) target = expand(rule[1]!).trim();
    }
  };

  /** A recipe line, expanded; `overridable` when it reads a `?=` variable (`make image VERSION=1.4`). */
  const recipe = (text: string, offset: number, file: string, target: string): MakeResult["recipes"][number] => {
    usedSwitch = false;
    const expanded = expand(text.slice(1).replace(/^[@+-]+/, ""));
    return { text: expanded, offset, file, target, ...(usedSwitch ? { overridable: true } : {}) };
  };

  /** Whether a conditional tests a variable the user sets on the command line (one assigned with `?=`). */
  const switchable = (kw: string, rest: string): boolean => {
    if (kw === "ifdef" || kw === "ifndef") return switches.has(rest.trim());
    for (const m of rest.matchAll(/\$[({]([A-Za-z_][\w.-]*)[)}]/g)) if (switches.has(m[1]!)) return true;
    return false;
  };

  /** A conditional, as `make` reads it with nothing in the environment. */
  const test = (kw: string, rest: string): boolean => {
    if (kw === "ifdef" || kw === "ifndef") {
      const name = expand(rest).trim();
      const defined = vars.has(name) && vars.get(name) !== "";
      return kw === "ifdef" ? defined : !defined;
    }
    const [a, b] = conditionArgs(rest).map((x) => known(expand(x)).trim());
    return kw === "ifeq" ? a === b : a !== b;
  };

  readLines(logicalLines(text, path));
  return { recipes };
}

const FUNCTIONS = new Set([
  "if", "or", "and", "strip", "subst", "patsubst", "addprefix", "addsuffix", "notdir", "dir", "firstword",
  "lastword", "word", "words", "sort", "filter", "filter-out", "foreach", "call", "eval", "value", "shell",
  "wildcard", "origin", "realpath", "abspath", "basename", "suffix", "join", "error", "warning", "info", "flavor",
  "file", "findstring", "wordlist", "let", "intcmp", "guile",
]);

/** An unresolved marker means "unset" in a condition (make run with an empty environment). */
function known(s: string): string {
  return s.replace(/\u0001[^\u0002]*\u0002/g, "");
}

function words(s: string): string[] {
  return s.split(/\s+/).filter(Boolean);
}

function patsubst(pattern: string, replacement: string, word: string): string {
  const p = pattern.indexOf("%");
  if (p === -1) return word === pattern ? replacement : word;
  const pre = pattern.slice(0, p);
  const post = pattern.slice(p + 1);
  if (!word.startsWith(pre) || !word.endsWith(post) || word.length < pre.length + post.length) return word;
  const stem = word.slice(pre.length, word.length - post.length);
  return replacement.includes("%") ? replacement.replace("%", stem) : replacement;
}

function matching(s: string, open: number, o: string, c: string): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === o) depth++;
    else if (s[i] === c && --depth === 0) return i;
  }
  return -1;
}

/** Function arguments split on top-level commas. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "(" || ch === "{") depth++;
    else if (ch === ")" || ch === "}") depth--;
    else if (ch === "," && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

/** `(a,b)`, `"a" "b"`, `'a' 'b'`. */
function conditionArgs(rest: string): string[] {
  const r = rest.trim();
  if (r.startsWith("(") && r.endsWith(")")) return splitArgs(r.slice(1, -1));
  const quoted = [...r.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2] ?? "");
  return quoted.length === 2 ? quoted : [r, ""];
}

function joinPath(dir: string, p: string): string | undefined {
  if (p.startsWith("/")) return undefined;
  const parts = (dir ? dir.split("/") : []).concat(p.split("/"));
  const out: string[] = [];
  for (const part of parts) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.join("/");
}

/** Lines with backslash continuations joined (not inside recipes of a define), comments dropped. */
export function logicalLines(text: string, file: string): MakeLine[] {
  const out: MakeLine[] = [];
  const raw = text.split("\n");
  let offset = 0;
  for (let i = 0; i < raw.length; i++) {
    const start = offset;
    let line = raw[i]!.replace(/\r$/, "");
    offset += raw[i]!.length + 1;
    while (line.endsWith("\\") && i + 1 < raw.length) {
      i++;
      line = line.slice(0, -1) + " " + raw[i]!.replace(/\r$/, "").replace(/^\t/, "").trimStart();
      offset += raw[i]!.length + 1;
    }
    if (line.trimStart().startsWith("#")) continue;
    // a comment after a variable's value is not part of it (recipes keep theirs for the shell)
    if (!line.startsWith("\t")) line = line.replace(/(^|[^\\$])#.*$/, "$1");
    out.push({ text: line, offset: start, file });
  }
  return out;
}
