import { DockerfileParser } from "dockerfile-ast";
import type { Located, Pos, SourceFile } from "../source/source-file.js";
import { splitWords } from "./exec-form.js";
import { InstructionText } from "./instruction-text.js";
import type { Dockerfile, DockerfileOptions, Stage } from "./model.js";
import { StageBuilder } from "./stage-builder.js";
import { stageChain } from "./stage-chain.js";
import { baseImageUser } from "./base-image-user.js";
import { collectSuppression } from "./suppressions.js";
import { emptySubstitution, expansionCut, readWords, readAssignments, substitute, VariableScope } from "./variables.js";

export { stageChain, inherited } from "./stage-chain.js";

const KNOWN = new Set([
  "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
  "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
]);
/** Binary garbage yields one "unknown instruction" per line; a few say enough. */
const MAX_PROBLEMS = 20;

/**
 * Build the Dockerfile model. Never throws: what Docker would reject becomes a `problem`,
 * and a failure inside the third-party parser becomes one problem at the top of the file.
 */
export function parseDockerfile(file: SourceFile, options: DockerfileOptions = {}): Dockerfile {
  if (file.text.length > MAX_DOCKERFILE_CHARS) {
    const kib = (n: number) => `${Math.ceil(n / 1024)} KiB`;
    return unread(file, `not read: ${kib(file.text.length)} is over the ${kib(MAX_DOCKERFILE_CHARS)} limit for a Dockerfile, so nothing in it is checked`);
  }
  try {
    return new DockerfileReader(file, options).read();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return unread(file, `could not read the Dockerfile: ${message}`);
  }
}

/**
 * dockerfile-ast builds a node with its position for every argument word inside parse(),
 * ~400 bytes of memory per byte of a long RUN (a 5 MB one took 2.1 GB). Real Dockerfiles
 * stay far below the limit (the largest of 1,113 from 53 public repositories: under 20 KB);
 * at the limit a hostile one costs ~100 MB.
 */
export const MAX_DOCKERFILE_CHARS = 128 * 1024;

function unread(file: SourceFile, problem: string): Dockerfile {
  return { file, stages: [], final: undefined, effectiveUser: undefined, problems: [{ value: problem, node: { file, offset: 0 } }], suppressions: new Map() };
}

interface RangePos {
  line: number;
  character: number;
}

class DockerfileReader {
  private readonly problems: Located<string>[] = [];
  private readonly builders: StageBuilder[] = [];
  private readonly stageByName = new Map<string, StageBuilder>();
  private readonly global: VariableScope;
  private readonly buildArgs: Record<string, string>;
  /** line starts as dockerfile-ast counts lines (\r alone breaks a line too), only when they differ from ours */
  private readonly crStarts: number[] | undefined;
  private omittedProblems = 0;

  constructor(
    private readonly file: SourceFile,
    private readonly options: DockerfileOptions,
  ) {
    this.buildArgs = options.buildArgs ?? {};
    this.global = new VariableScope(this.buildArgs);
    this.crStarts = /\r(?!\n)/.test(file.text) ? lineStartsWithCR(file.text) : undefined;
  }

  read(): Dockerfile {
    const file = this.file;
    const ast = DockerfileParser.parse(file.text);
    const escape = ast.getEscapeCharacter();
    const suppressions = new Map<number, string[]>();
    let previousLastLine = 0;
    let current: StageBuilder | undefined;

    for (const ins of ast.getInstructions()) {
      const range = ins.getRange();
      const start = this.offset(range.start);
      const end = Math.max(start, this.offset(range.end));
      // From the keyword's end, not getArgumentsRange(): that one leaves out flags (--chown=…).
      const argsStart = Math.min(this.offset(ins.getInstructionRange().end), end);
      const text = InstructionText.read(file.text, argsStart, end, escape);
      const keyword = ins.getKeyword();
      const node: Pos = { file, offset: start };

      const firstLine = file.position(start).line;
      const lastLine = file.position(end).line;
      collectSuppression(file, suppressions, firstLine, lastLine, previousLastLine);
      previousLastLine = lastLine;

      if (!KNOWN.has(keyword)) {
        this.problem(node, `unknown instruction '${ins.getInstruction()}'`);
        current?.stage.instructions.push({ value: { keyword, args: text.text.trim() }, node });
        continue;
      }
      if (keyword === "FROM") {
        current = this.readFrom(text, node, escape);
        continue;
      }
      if (!current) {
        if (keyword === "ARG") this.readGlobalArg(text, escape, node);
        else this.problem(node, `${keyword} before the first FROM (only ARG may come before it)`);
        continue;
      }
      current.stage.instructions.push({ value: { keyword, args: text.text.trim() }, node });
      const problem = current.handle(keyword, text, node);
      if (problem) this.problem(node, problem);
    }

    if (this.builders.length === 0) this.problem({ file, offset: 0 }, "no FROM instruction: Docker cannot build this file");
    if (this.omittedProblems > 0) {
      this.problems.push({ value: `… and ${this.omittedProblems} more problems`, node: { file, offset: 0 } });
    }

    const stages = this.builders.map((b) => b.stage);
    const target = this.options.target?.toLowerCase();
    const final = (target !== undefined ? this.stageByName.get(target)?.stage : undefined) ?? stages.at(-1);
    const chain = final ? stageChain(final) : [];
    const effectiveUser = chain.find((s) => s.user)?.user ?? (chain.length ? baseImageUser(chain[chain.length - 1]!) : undefined);
    return { file, stages, final, effectiveUser, problems: this.problems, suppressions };
  }

  private readFrom(text: InstructionText, node: Pos, escape: string): StageBuilder {
    const args = splitWords(text.text).filter((w) => !w.value.startsWith("--"));
    const imageWord = args[0]?.value ?? "";
    const name = args.length >= 3 && args[1]!.value.toLowerCase() === "as" ? args[2]!.value : undefined;
    const imageAt = args[0]?.at ?? 0;

    const sub = substitute(imageWord, this.global.lookup, escape);
    for (const missing of new Set(sub.missing)) {
      if (!this.global.has(missing)) {
        this.problem(node, `FROM uses $${missing}, which no ARG before the first FROM declares`);
      }
    }
    if (imageWord === "") this.problem(node, "FROM without an image");
    // With a variable left empty the substituted name is wrong; the text as written says more.
    const image = sub.missing.length > 0 ? imageWord : sub.text;
    const parent = this.parentStage(image);
    const index = this.builders.length;
    const stage: Stage = {
      index,
      ...(name !== undefined ? { name } : {}),
      baseImage: { value: image, node: { file: this.file, offset: text.sourceOffset(imageAt) } },
      ...(parent ? { parent: parent.stage } : {}),
      node,
      expose: [],
      volumes: [],
      setcap: [],
      setuid: [],
      createdUsers: [],
      createdGroups: [],
      chowns: [],
      instructions: [{ value: { keyword: "FROM", args: text.text.trim() }, node }],
      copies: [],
      privilegeTools: [],
    };
    const builder = new StageBuilder(stage, this.file, escape, new VariableScope(this.buildArgs, this.global, parent?.scope.env), parent);
    this.builders.push(builder);
    if (name !== undefined && !this.stageByName.has(name.toLowerCase())) this.stageByName.set(name.toLowerCase(), builder);
    return builder;
  }

  /** `FROM build` names an earlier stage (case-insensitively, as Docker does), `FROM 0` its index. */
  private parentStage(image: string): StageBuilder | undefined {
    const byName = this.stageByName.get(image.toLowerCase());
    if (byName) return byName;
    if (/^\d+$/.test(image)) return this.builders[Number(image)];
    return undefined;
  }

  private readGlobalArg(text: InstructionText, escape: string, node: Pos): void {
    const sub = emptySubstitution();
    const assignments = readAssignments(readWords(text.text, this.global.lookup, escape, sub), false);
    for (const { name, value } of assignments) this.global.declareArg(name, value);
    if (sub.cut) this.problem(node, expansionCut("ARG", assignments));
  }

  private problem(node: Pos, message: string): void {
    if (this.problems.length >= MAX_PROBLEMS) this.omittedProblems++;
    else this.problems.push({ value: message, node });
  }

  /** dockerfile-ast's 0-based line/character → an offset into file.text, converted once here. */
  private offset(p: RangePos): number {
    const lineStart = this.crStarts
      ? this.crStarts[Math.min(p.line, this.crStarts.length - 1)]!
      : this.file.lineOffset(p.line + 1);
    return Math.min(lineStart + p.character, this.file.text.length);
  }
}

/** Line starts counting \r\n, \r and \n as line ends, as the LSP text document does. */
function lineStartsWithCR(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10) starts.push(i + 1);
  }
  return starts;
}
