import type { Pos } from "../source/source-file.js";
import type { Stage } from "./model.js";
import { stageChain } from "./stage-chain.js";
import type { GroupLookup } from "./user-creation.js";
import type { StageAccounts } from "./user.js";

/**
 * Users and groups visible from a stage: its own and its parents' (FROM <stage>), later
 * creations first. Lists are short, so a scan per lookup stays cheap.
 */
export function stageAccounts(stage: Stage): StageAccounts & GroupLookup {
  const chain = stageChain(stage);
  return {
    findUser: (name) => latest(chain, (s) => s.createdUsers, (u) => u.name === name),
    findUserByUid: (uid) => latest(chain, (s) => s.createdUsers, (u) => u.uid === uid),
    // an explicit groupadd beats a user's private group, whose gid may only be assumed
    gidOf: (name) =>
      latest(chain, (s) => s.createdGroups, (g) => g.name === name && g.gid !== undefined)?.gid ??
      latest(chain, (s) => s.createdUsers, (u) => u.group === name && u.gidAssumed === undefined && u.gid !== undefined)?.gid ??
      latest(chain, (s) => s.createdUsers, (u) => u.group === name && u.gid !== undefined)?.gid,
    nameOfGid: (gid) =>
      latest(chain, (s) => s.createdGroups, (g) => g.gid === gid)?.name ??
      latest(chain, (s) => s.createdUsers, (u) => u.gid === gid && u.group !== undefined)?.group,
    lineOf: (pos: Pos) => pos.file.position(pos.offset).line,
  };
}

function latest<T>(chain: Stage[], list: (s: Stage) => T[], match: (t: T) => boolean): T | undefined {
  for (const s of chain) {
    const items = list(s);
    for (let i = items.length - 1; i >= 0; i--) if (match(items[i]!)) return items[i];
  }
  return undefined;
}
