import { posix } from "node:path";
import type { Pos, SourceFile } from "../source/source-file.js";
import { readExecForm, splitWords } from "./exec-form.js";
import { readChown, readSetcap, readSetuid } from "./file-permissions.js";
import type { InstructionText } from "./instruction-text.js";
import type { Stage } from "./model.js";
import { MAX_EXPOSED_PORTS, readExposeWord } from "./ports.js";
import { isShell, splitCommands, type SimpleCommand } from "./run-commands.js";
import { findPrivilegeTools } from "./privilege-tools.js";
import { stageAccounts } from "./stage-accounts.js";
import { readCreation } from "./user-creation.js";
import { resolveUser } from "./user.js";
import { emptySubstitution, expansionCut, readAssignments, readWords, substitute, unclosedReference, type Substitution, type VariableScope } from "./variables.js";

/** Fills one stage from its instructions, in order, with the variable scope they see. */
export class StageBuilder {
  /** SHELL for shell-form CMD/ENTRYPOINT/HEALTHCHECK; children inherit it */
  shell: string[];
  /** absolute working directory, for relative WORKDIRs; children inherit it */
  workdir: string;
  private exposed = 0;

  constructor(
    readonly stage: Stage,
    private readonly file: SourceFile,
    private readonly escape: string,
    readonly scope: VariableScope,
    parent: StageBuilder | undefined,
  ) {
    this.shell = parent?.shell ?? ["/bin/sh", "-c"];
    this.workdir = parent?.workdir ?? "/";
  }

  /** Read one instruction; returns a problem when Docker would reject it. */
  handle(keyword: string, text: InstructionText, node: Pos): string | undefined {
    switch (keyword) {
      case "ARG": {
        const sub = emptySubstitution();
        const assignments = readAssignments(readWords(text.text, this.scope.lookup, this.escape, sub), false);
        for (const { name, value } of assignments) this.scope.declareArg(name, value);
        return sub.cut ? expansionCut("ARG", assignments) : undefined;
      }
      case "ENV": {
        // all values of one ENV see the scope before it, so read them all before setting any
        const sub = emptySubstitution();
        const assignments = readAssignments(readWords(text.text, this.scope.lookup, this.escape, sub), true);
        for (const { name, value } of assignments) this.scope.setEnv(name, value ?? "");
        return sub.cut ? expansionCut("ENV", assignments) : undefined;
      }
      case "USER":
        return this.readUser(text);
      case "EXPOSE":
        return this.readExpose(text);
      case "VOLUME":
        return this.readVolume(text);
      case "WORKDIR": {
        const path = substitute(text.text.trim(), this.scope.lookup, this.escape).text;
        // Windows images use drive paths; joining them to a POSIX path would invent "/C:\app".
        this.workdir = /^[A-Za-z]:[\\/]/.test(path) ? path : posix.resolve(this.workdir, path);
        this.stage.workdir = { value: this.workdir, node: this.at(text, text.text.length - text.text.trimStart().length) };
        return undefined;
      }
      case "COPY":
      case "ADD":
        return this.readCopy(keyword, text, node);
      case "RUN":
        return this.readRun(text);
      case "CMD":
      case "ENTRYPOINT": {
        const { argv, commands } = this.command(text, 0);
        this.stage[keyword === "CMD" ? "cmd" : "entrypoint"] = { value: argv, node };
        for (const t of findPrivilegeTools(commands, keyword === "CMD" ? "cmd" : "entrypoint", true)) {
          this.stage.privilegeTools!.push({ value: t.value, node });
        }
        return undefined;
      }
      case "HEALTHCHECK":
        return this.readHealthcheck(text, node);
      case "SHELL": {
        const exec = readExecForm(text.text);
        if (!exec || exec.values.length === 0) return "SHELL needs the JSON form, e.g. SHELL [\"/bin/bash\", \"-c\"]";
        this.shell = exec.values;
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private readUser(text: InstructionText): string | undefined {
    const raw = text.text.trim();
    if (raw === "") return "USER without a user";
    // Docker refuses both at build time; the USER before this one stays in force here
    const words = raw.split(/\s+/);
    if (words.length > 1) return `USER takes one user[:group], not ${words.length} words ('${raw}'): Docker refuses to build this`;
    const unclosed = unclosedReference(raw, this.escape);
    if (unclosed !== undefined) return `USER ${raw}: '${unclosed}' has no closing '}': Docker refuses to build this`;
    const sub = substitute(raw, this.scope.lookup, this.escape);
    const start = text.text.length - text.text.trimStart().length;
    this.stage.user = resolveUser(raw, this.at(text, start), sub, stageAccounts(this.stage));
    return undefined;
  }

  private readExpose(text: InstructionText): string | undefined {
    let problem: string | undefined;
    for (const w of this.words(text.text)) {
      // `EXPOSE $PORT` without a value: nothing we can say about the port
      if (w.missing || w.value === "") continue;
      const ports = readExposeWord(w.value);
      if (typeof ports === "string") {
        problem ??= ports;
        continue;
      }
      const node = this.at(text, w.at);
      for (const p of ports) {
        if (this.exposed++ >= MAX_EXPOSED_PORTS) return problem;
        this.stage.expose.push({ value: p, node });
      }
    }
    return problem;
  }

  private readVolume(text: InstructionText): string | undefined {
    const exec = readExecForm(text.text);
    const paths = exec
      ? exec.values.map((v, i) => ({ value: substitute(v, this.scope.lookup, this.escape).text, at: exec.at[i]! }))
      : this.words(text.text);
    for (const p of paths) if (p.value !== "") this.stage.volumes.push({ value: p.value, node: this.at(text, p.at) });
    return paths.length === 0 ? "VOLUME without a path" : undefined;
  }

  private readCopy(keyword: "COPY" | "ADD", text: InstructionText, node: Pos): string | undefined {
    const { flags, rest } = leadingFlags(text.text);
    const newline = text.text.indexOf("\n", rest);
    const firstLine = text.text.slice(rest, newline === -1 ? undefined : newline);
    const exec = readExecForm(firstLine);
    const args = exec ? exec.values : this.words(firstLine).map((w) => w.value);
    if (args.length < 2) return `${keyword} needs a source and a destination`;
    const dest = args[args.length - 1]!;
    const chownFlag = flags.get("chown");
    const chown = chownFlag && substitute(chownFlag.value, this.scope.lookup, this.escape).text;
    const from = flags.get("from")?.value;
    const chmod = flags.get("chmod")?.value;
    this.stage.copies!.push({
      value: {
        keyword,
        sources: args.slice(0, -1),
        dest,
        ...(from !== undefined ? { from } : {}),
        ...(chown ? { chown } : {}),
        ...(chmod !== undefined ? { chmod } : {}),
      },
      node,
    });
    if (chownFlag && chown) this.stage.chowns.push({ value: { owner: chown, paths: [dest] }, node: this.at(text, chownFlag.at) });
    // A heredoc source is a script written into the image: an entrypoint that may switch user.
    if (newline !== -1 && firstLine.includes("<<")) {
      const body = text.text.slice(newline + 1);
      const commands = splitCommands(body, this.scope.lookup);
      for (const t of findPrivilegeTools(commands, "script", false)) this.stage.privilegeTools!.push({ value: t.value, node });
    }
    return undefined;
  }

  private readRun(text: InstructionText): string | undefined {
    const { rest } = leadingFlags(text.text);
    const { commands } = this.command(text, rest);
    const groups = stageAccounts(this.stage);
    for (const cmd of commands) {
      const node = this.at(text, cmd.words[0]!.at);
      const creation = readCreation(cmd, node, groups);
      if (creation?.kind === "user") {
        this.stage.createdUsers.push(creation.user);
        const home = creation.user.home;
        if (home) this.stage.chowns.push({ value: { owner: creation.user.name, paths: [home] }, node });
      } else if (creation?.kind === "group") this.stage.createdGroups.push(creation.group);
      for (const value of readSetcap(cmd)) this.stage.setcap.push({ value, node });
      for (const value of readSetuid(cmd)) this.stage.setuid.push({ value, node });
      const chown = readChown(cmd);
      if (chown) this.stage.chowns.push({ value: chown, node });
    }
    for (const t of findPrivilegeTools(commands, "run", false)) this.stage.privilegeTools!.push({ value: t.value, node: this.at(text, t.at) });
    return undefined;
  }

  private readHealthcheck(text: InstructionText, node: Pos): string | undefined {
    const { flags, rest } = leadingFlags(text.text);
    const body = text.text.slice(rest);
    const kind = /^\S*/.exec(body)![0].toUpperCase();
    const flagValues: Record<string, string> = {};
    for (const [name, f] of flags) flagValues[name] = f.value;
    if (kind === "NONE") {
      this.stage.healthcheck = { value: { test: "NONE", raw: text.text.trim(), flags: flagValues }, node };
      return undefined;
    }
    if (kind !== "CMD") return "HEALTHCHECK needs NONE or CMD <command>";
    const { argv } = this.command(text, rest + 3);
    if (argv.length === 0) return "HEALTHCHECK CMD without a command";
    this.stage.healthcheck = { value: { test: argv, raw: text.text.trim(), flags: flagValues }, node };
    return undefined;
  }

  /**
   * The argv Docker runs for CMD/ENTRYPOINT/RUN/HEALTHCHECK CMD text starting at `from`,
   * and the simple commands inside it (a shell form or `sh -c` script is split).
   * Command word offsets are relative to the instruction text.
   */
  private command(text: InstructionText, from: number): { argv: string[]; commands: SimpleCommand[] } {
    const body = text.text.slice(from);
    const exec = readExecForm(body);
    if (!exec) {
      const script = body.trim();
      const commands = splitCommands(body, this.scope.lookup).map((c) => shift(c, from));
      return { argv: script === "" ? [] : [...this.shell, script], commands };
    }
    const words = exec.values.map((value, i) => ({ value, at: from + exec.at[i]! }));
    const commands: SimpleCommand[] = words.length > 0 ? [{ words }] : [];
    const c = exec.values.indexOf("-c");
    if (words.length > 0 && isShell(exec.values[0]!) && c > 0 && c + 1 < words.length) {
      const script = words[c + 1]!;
      for (const nested of splitCommands(script.value, this.scope.lookup)) {
        commands.push({ words: nested.words.map((w) => ({ value: w.value, at: script.at })) });
      }
    }
    return { argv: exec.values, commands };
  }

  private words(text: string) {
    const sub: Substitution = { text: "", missing: [], used: [] };
    return readWords(text, this.scope.lookup, this.escape, sub);
  }

  private at(text: InstructionText, logical: number): Pos {
    return { file: this.file, offset: text.sourceOffset(logical) };
  }

}

/** `--chown=app:app --from=build` before the arguments: name → value with its offset. */
function leadingFlags(text: string): { flags: Map<string, { value: string; at: number }>; rest: number } {
  const flags = new Map<string, { value: string; at: number }>();
  let rest = 0;
  for (const w of splitWords(text)) {
    if (!w.value.startsWith("--")) {
      rest = w.at;
      return { flags, rest };
    }
    const eq = w.value.indexOf("=");
    flags.set(eq === -1 ? w.value.slice(2) : w.value.slice(2, eq), { value: eq === -1 ? "" : w.value.slice(eq + 1), at: w.at });
    rest = w.at + w.value.length;
  }
  return { flags, rest };
}

function shift(cmd: SimpleCommand, by: number): SimpleCommand {
  return { words: cmd.words.map((w) => ({ value: w.value, at: w.at + by })) };
}

