import type { Pos } from "../source/source-file.js";
import { parseId } from "./command-options.js";
import type { CreatedUser, DockerUser } from "./model.js";
import type { Substitution } from "./variables.js";

/**
 * Resolve a USER instruction to uid/gid, saying how: numeric, through ARG/ENV
 * substitution, a well-known name, or a user/group created in the stage chain. When the
 * uid cannot be known without the image, `resolvedBy` is "unresolved" and `uid` undefined.
 */

/** Names whose ids are the same in every common base image. */
const WELL_KNOWN_USERS = new Map([
  ["root", { uid: 0, gid: 0 }],
  ["nobody", { uid: 65534, gid: 65534 }],
]);
const WELL_KNOWN_GROUPS = new Map([
  ["root", 0],
  ["nobody", 65534],
  ["users", 100],
]);

/** Users and groups the stage chain creates, latest first, as seen at the USER line. */
export interface StageAccounts {
  findUser(name: string): CreatedUser | undefined;
  findUserByUid(uid: number): CreatedUser | undefined;
  gidOf(group: string): number | undefined;
  /** 1-based line of a position, for details */
  lineOf(pos: Pos): number;
}

const PROBE_HINT = "run `shipshape probe` to read it from the built image";

export function resolveUser(raw: string, node: Pos, sub: Substitution, accounts: StageAccounts): DockerUser {
  const text = sub.text.trim();
  const colon = text.indexOf(":");
  const user = colon === -1 ? text : text.slice(0, colon);
  const group = colon === -1 ? undefined : text.slice(colon + 1);
  const base = { raw, node, user, ...(group !== undefined ? { group } : {}) };
  const substituted = sub.used.length > 0;
  const via = substituted ? `USER ${raw} → ${text}` : `USER ${text}`;

  if (sub.missing.length > 0 || user === "") {
    const names = [...new Set(sub.missing)].map((n) => `$${n}`).join(", ");
    const why = names ? `${names} has no value (give it a default or set it in buildArgs)` : "USER is empty";
    return { ...base, resolvedBy: "unresolved", detail: `${via}: ${why}; ${PROBE_HINT}` };
  }

  const groupGid = group === undefined ? undefined : resolveGroup(group, accounts);
  const groupNote = group !== undefined && groupGid === undefined ? `; group '${group}' is not created here, ${PROBE_HINT}` : "";

  const numericUid = parseId(user);
  if (numericUid !== undefined) {
    const owner = group === undefined ? accounts.findUserByUid(numericUid) : undefined;
    const gid = groupGid ?? owner?.gid;
    let detail = substituted ? `${via} (ARG/ENV substitution)` : `numeric ${via}`;
    if (group === undefined) {
      detail += owner
        ? `; gid ${gid ?? "unknown"} from ${describe(owner, accounts)}`
        : `; gid comes from the image's /etc/passwd entry for uid ${numericUid} (0 when there is none)`;
    }
    return { ...base, uid: numericUid, ...(gid !== undefined ? { gid } : {}), resolvedBy: substituted ? "substitution" : "numeric", detail: detail + groupNote };
  }

  const created = accounts.findUser(user);
  const known = WELL_KNOWN_USERS.get(user);
  if (known && !created) {
    const gid = group === undefined ? known.gid : groupGid;
    const detail = `well-known user ${user} (${known.uid}:${known.gid})${substituted ? ` from ${via}` : ""}`;
    return { ...base, uid: known.uid, ...(gid !== undefined ? { gid } : {}), resolvedBy: "well-known", detail: detail + groupNote };
  }

  if (created) {
    const gid = group === undefined ? created.gid : groupGid;
    if (created.uid === undefined) {
      return {
        ...base,
        ...(gid !== undefined ? { gid } : {}),
        resolvedBy: "unresolved",
        detail: `${describe(created, accounts)} gives no uid (the tool picks one at build time); ${PROBE_HINT}`,
      };
    }
    let detail = describe(created, accounts);
    if (substituted) detail = `${via}; ${detail}`;
    if (group === undefined && created.gidAssumed) detail += `; gid ${created.gid} assumed: ${created.gidAssumed}`;
    else if (group === undefined && created.gid === undefined) detail += `; primary group gid unknown`;
    return { ...base, uid: created.uid, ...(gid !== undefined ? { gid } : {}), resolvedBy: "created-in-stage", detail: detail + groupNote };
  }

  return {
    ...base,
    ...(groupGid !== undefined ? { gid: groupGid } : {}),
    resolvedBy: "unresolved",
    detail: `${via}: user '${user}' is not created in this Dockerfile (it may come from the base image); ${PROBE_HINT}`,
  };
}

function resolveGroup(group: string, accounts: StageAccounts): number | undefined {
  return parseId(group) ?? accounts.gidOf(group) ?? WELL_KNOWN_GROUPS.get(group);
}

function describe(created: CreatedUser, accounts: StageAccounts): string {
  return `${created.command ?? `user ${created.name}`} at line ${accounts.lineOf(created.node)}`;
}
