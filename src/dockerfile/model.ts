import type { Located, Pos, SourceFile } from "../source/source-file.js";

/** How a USER's uid/gid was resolved, so messages can say how sure they are. */
export type UserResolution =
  | "numeric" // USER 1000 or 1000:1000
  | "substitution" // USER $APP_UID after ARG/ENV substitution
  | "created-in-stage" // name created by useradd/adduser/groupadd/addgroup in the stage chain
  | "well-known" // root, nobody, … with their conventional ids
  | "base-image" // no USER anywhere: the known base image's user (src/known-images)
  | "unresolved"; // a name with no creation we can see: ask `probe`

export interface DockerUser {
  /** USER as written */
  raw: string;
  node: Pos;
  /** the user part after substitution (name or number) */
  user: string;
  /** the group part after substitution, when given */
  group?: string;
  /** undefined exactly when resolvedBy is "unresolved" */
  uid?: number;
  /** undefined when not statically known (e.g. numeric USER without group: /etc/passwd decides) */
  gid?: number;
  resolvedBy: UserResolution;
  /** one line saying how, e.g. "useradd -u 10001 app at line 7" */
  detail: string;
  /** set when no USER is written and the user is the known base image's (`node` is its FROM line) */
  fromBase?: { image: string; source: string };
}

export interface ExposedPort {
  port: number;
  protocol: "tcp" | "udp" | "sctp";
}

export interface FileCapability {
  /** capability names as written, upper-cased, without CAP_ prefix */
  capabilities: string[];
  path: string;
  /** raw setcap argument, e.g. "cap_net_bind_service=+ep" */
  spec: string;
}

export interface SetuidBinary {
  path: string;
  /** "setuid" (u+s, 4xxx) or "setgid" (g+s, 2xxx) */
  bit: "setuid" | "setgid";
}

/** A COPY or ADD: what lands where, with which owner (the entrypoint script, chowned dirs …). */
export interface CopiedFiles {
  keyword: "COPY" | "ADD";
  /** sources as written after substitution; a heredoc source is "<<NAME" */
  sources: string[];
  dest: string;
  /** --from=<stage or image> */
  from?: string;
  /** --chown= after substitution */
  chown?: string;
  /** --chmod= as written */
  chmod?: string;
}

/**
 * A tool that switches user at run time. su and sudo are setuid-root and fail under
 * no_new_privs (allowPrivilegeEscalation: false); gosu, su-exec and setpriv must start as
 * root and need CAP_SETUID/CAP_SETGID.
 */
export interface PrivilegeTool {
  tool: "su" | "sudo" | "gosu" | "su-exec" | "setpriv";
  /** run by ENTRYPOINT/CMD, by a RUN line, in a script written by a COPY heredoc, or installed by a package manager */
  seenIn: "entrypoint" | "cmd" | "run" | "script" | "install";
}

export interface CreatedUser {
  name: string;
  uid?: number;
  gid?: number;
  /** primary group name when given (useradd -g, adduser -G / --ingroup) */
  group?: string;
  node: Pos;
  /** the command as written (words joined), for messages */
  command?: string;
  /** why `gid` is a tool default rather than written (e.g. useradd's same-name group) */
  gidAssumed?: string;
  /** home directory the command creates (owned by the user: matters for uid mismatch) */
  home?: string;
}

export interface CreatedGroup {
  name: string;
  gid?: number;
  node: Pos;
  /** the command as written (words joined), for messages */
  command?: string;
}

export interface Stage {
  index: number;
  /** FROM … AS name */
  name?: string;
  /** base image after ARG substitution, as written otherwise */
  baseImage: Located<string>;
  /** the earlier stage this one builds FROM, when the base names one */
  parent?: Stage;
  node: Pos;
  /** the last USER in this stage (not inherited) */
  user?: DockerUser;
  expose: Located<ExposedPort>[];
  volumes: Located<string>[];
  /**
   * `test` is the command to run: the exec form as written, the shell form as
   * [...SHELL, command] (["/bin/sh", "-c", "…"] by default), the shape of a Kubernetes exec probe.
   */
  healthcheck?: Located<{ test: string[] | "NONE"; raw: string; flags?: Record<string, string> }>;
  setcap: Located<FileCapability>[];
  setuid: Located<SetuidBinary>[];
  createdUsers: CreatedUser[];
  createdGroups: CreatedGroup[];
  /** ENTRYPOINT and CMD: exec form split, shell form as [...SHELL, text] (default ["/bin/sh", "-c", text]) */
  entrypoint?: Located<string[]>;
  cmd?: Located<string[]>;
  workdir?: Located<string>;
  /** `COPY --chown=` / `ADD --chown=` owners and `chown` targets in RUN, for uid mismatch checks */
  chowns: Located<{ owner: string; paths: string[] }>[];
  /** every instruction keyword with its position, for suppressions and generic checks */
  instructions: Located<{ keyword: string; args: string }>[];
  /** COPY/ADD instructions of this stage (always set by parseDockerfile) */
  copies?: Located<CopiedFiles>[];
  /** su/sudo/gosu/su-exec/setpriv seen in this stage (always set by parseDockerfile) */
  privilegeTools?: Located<PrivilegeTool>[];
}

export interface Dockerfile {
  file: SourceFile;
  stages: Stage[];
  /** the stage that is built: the last one, or `target` when asked */
  final: Stage | undefined;
  /**
   * The user the final image runs as: the last USER in the final stage's chain
   * (inherited through `FROM <stage>`); when no stage sets one, the user of a known base
   * image (`resolvedBy: "base-image"`); else undefined (root, unless the base image sets a
   * user we cannot see).
   */
  effectiveUser: DockerUser | undefined;
  /** problems found while reading: unknown instruction, missing FROM … */
  problems: Located<string>[];
  /**
   * `# shipshape:ignore id[,id]` comments: 1-based line of the instruction they stand
   * above (continuation lines of that instruction count too) → rule ids.
   */
  suppressions: Map<number, string[]>;
}

export interface DockerfileOptions {
  /** --build-arg style overrides (config `buildArgs`) */
  buildArgs?: Record<string, string>;
  /** build target stage name */
  target?: string;
}
