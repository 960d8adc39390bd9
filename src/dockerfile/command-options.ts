import type { ShellWord } from "./run-commands.js";

/**
 * getopt-style reading of a command's arguments: bundled short flags (`-rm`), values
 * attached or separate (`-u1000`, `-u 1000`), long flags with `=` or a separate value,
 * and `--` ending the options. Each option is keyed by its canonical (short) name.
 */
export interface OptionSpec {
  /** short flags that take a value, e.g. "ugGdsc" */
  shortWithValue: string;
  /** long name → canonical key; long names that take a value are listed in `longWithValue` */
  long: Record<string, string>;
  longWithValue: Set<string>;
}

export interface ParsedOptions {
  /** canonical key → value ("" for flags without a value); the last occurrence wins */
  options: Map<string, string>;
  positionals: ShellWord[];
}

export function parseOptions(args: ShellWord[], spec: OptionSpec): ParsedOptions {
  const options = new Map<string, string>();
  const positionals: ShellWord[] = [];
  for (let k = 0; k < args.length; k++) {
    const word = args[k]!.value;
    if (word === "--") {
      positionals.push(...args.slice(k + 1));
      break;
    }
    if (word.startsWith("--")) {
      const eq = word.indexOf("=");
      const name = word.slice(2, eq === -1 ? undefined : eq);
      const key = spec.long[name] ?? name;
      if (eq !== -1) options.set(key, word.slice(eq + 1));
      else if (spec.longWithValue.has(name) && k + 1 < args.length) options.set(key, args[++k]!.value);
      else options.set(key, "");
      continue;
    }
    if (word.startsWith("-") && word.length > 1) {
      for (let j = 1; j < word.length; j++) {
        const flag = word[j]!;
        if (spec.shortWithValue.includes(flag)) {
          if (j + 1 < word.length) options.set(flag, word.slice(j + 1));
          else if (k + 1 < args.length) options.set(flag, args[++k]!.value);
          else options.set(flag, "");
          break;
        }
        options.set(flag, "");
      }
      continue;
    }
    positionals.push(args[k]!);
  }
  return { options, positionals };
}

/** A non-negative decimal id, or undefined (`$UID`, `$(id -u)`, names …). */
export function parseId(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,10}$/.test(value)) return undefined;
  const n = Number(value);
  return n <= 0xffffffff ? n : undefined;
}
