import { posix } from "node:path";
import type { Pos, SourceFile } from "../source/source-file.js";
import { readExecForm, splitWords } from "./exec-form.js";
import { readChown, readSetcap, readSetuid } from "./file-permissions.js";
import type { InstructionText } from "./instruction-text.js";
import type { PrivilegeTool, Stage } from "./model.js";
import { MAX_EXPOSED_PORTS, readExposeWord } from "./ports.js";
import { commandName, splitCommands, type SimpleCommand } from "./run-commands.js";
import { stageChain } from "./stage-chain.js";
import { readCreation, type GroupLookup } from "./user-creation.js";
import { resolveUser, type StageAccounts } from "./user.js";
import { readAssignments, readWords, substitute, type Substitution, type VariableScope } from "./variables.js";

const TOOLS = new Set<PrivilegeTool["tool"]>(["su", "sudo", "gosu", "su-exec", "setpriv"]);
const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh", "ksh"]);
const PACKAGE_MANAGERS = new Set(["apk", "apt-get", "apt", "yum", "dnf", "microdnf", "zypper"]);

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
      case "ARG":
        for (const { name, value } of readAssignments(this.words(text.text), false)) this.scope.declareArg(name, value);
        return undefined;
      case "ENV": {
        // all values of one ENV see the scope before it, so read them all before setting any
        const assignments = readAssignments(this.words(text.text), true);
        for (const { name, value } of assignments) this.scope.setEnv(name, value ?? "");
        return undefined;
      }
      case "USER":
        return this.readUser(text);
      case "EXPOSE":
        return this.readExpose(text);
      case "VOLUME":
        return this.readVolume(text);
      case "WORKDIR": {
        const path = substitute(text.text.trim(), this.scope.lookup, this.escape).text;
        this.workdir = posix.resolve(this.workdir, path);
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
        this.noteTools(commands, node, keyword === "CMD" ? "cmd" : "entrypoint", true);
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
    const sub = substitute(raw, this.scope.lookup, this.escape);
    const start = text.text.length - text.text.trimStart().length;
    this.stage.user = resolveUser(raw, this.at(text, start), sub, this.accounts());
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
      this.noteTools(commands.map((c) => shift(c, newline + 1)), node, "script", false, text);
    }
    return undefined;
  }

  private readRun(text: InstructionText): string | undefined {
    const { rest } = leadingFlags(text.text);
    const { commands } = this.command(text, rest);
    const groups = this.groupLookup();
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
    this.noteTools(commands, undefined, "run", false, text);
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
    if (words.length > 0 && SHELLS.has(basename(exec.values[0]!)) && c > 0 && c + 1 < words.length) {
      const script = words[c + 1]!;
      for (const nested of splitCommands(script.value, this.scope.lookup)) {
        commands.push({ words: nested.words.map((w) => ({ value: w.value, at: script.at })) });
      }
    }
    return { argv: exec.values, commands };
  }

  /** Record su/sudo/gosu/su-exec/setpriv run by these commands or installed by a package manager. */
  private noteTools(
    commands: SimpleCommand[],
    node: Pos | undefined,
    seenIn: PrivilegeTool["seenIn"],
    anyWord: boolean,
    text?: InstructionText,
  ): void {
    for (const cmd of commands) {
      const name = commandName(cmd);
      const install = PACKAGE_MANAGERS.has(name) && cmd.words.some((w) => w.value === "add" || w.value === "install");
      // wrappers such as tini/dumb-init put the tool later in an ENTRYPOINT's argv
      const candidates = install || anyWord ? cmd.words : cmd.words.slice(0, 1);
      for (const w of candidates) {
        const tool = basename(w.value) as PrivilegeTool["tool"];
        if (!TOOLS.has(tool)) continue;
        const at = node ?? this.at(text!, w.at);
        this.stage.privilegeTools!.push({ value: { tool, seenIn: install ? "install" : seenIn }, node: at });
      }
    }
  }

  private words(text: string) {
    const sub: Substitution = { text: "", missing: [], used: [] };
    return readWords(text, this.scope.lookup, this.escape, sub);
  }

  private at(text: InstructionText, logical: number): Pos {
    return { file: this.file, offset: text.sourceOffset(logical) };
  }

  private accounts(): StageAccounts {
    const chain = stageChain(this.stage);
    const groups = this.groupLookup();
    return {
      findUser: (name) => latest(chain, (s) => s.createdUsers, (u) => u.name === name),
      findUserByUid: (uid) => latest(chain, (s) => s.createdUsers, (u) => u.uid === uid),
      gidOf: (group) => groups.gidOf(group),
      lineOf: (pos) => pos.file.position(pos.offset).line,
    };
  }

  private groupLookup(): GroupLookup {
    const chain = stageChain(this.stage);
    return {
      gidOf: (name) =>
        latest(chain, (s) => s.createdGroups, (g) => g.name === name && g.gid !== undefined)?.gid ??
        latest(chain, (s) => s.createdUsers, (u) => u.group === name && u.gidAssumed === undefined && u.gid !== undefined)?.gid ??
        latest(chain, (s) => s.createdUsers, (u) => u.group === name && u.gid !== undefined)?.gid,
      nameOfGid: (gid) =>
        latest(chain, (s) => s.createdGroups, (g) => g.gid === gid)?.name ??
        latest(chain, (s) => s.createdUsers, (u) => u.gid === gid && u.group !== undefined)?.group,
    };
  }
}

/** The last match in the nearest stage: later creations win, the own stage before its parents. */
function latest<T>(chain: Stage[], list: (s: Stage) => T[], match: (t: T) => boolean): T | undefined {
  for (const s of chain) {
    const items = list(s);
    for (let i = items.length - 1; i >= 0; i--) if (match(items[i]!)) return items[i];
  }
  return undefined;
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

function basename(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? path : path.slice(slash + 1);
}
