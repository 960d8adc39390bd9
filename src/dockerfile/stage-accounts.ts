import type { Pos } from "../source/source-file.js";
import type { CreatedGroup, CreatedUser, Stage } from "./model.js";
import { stageChain } from "./stage-chain.js";
import type { GroupLookup } from "./user-creation.js";
import type { StageAccounts } from "./user.js";

/**
 * Users and groups visible from a stage: its own and its parents' (FROM <stage>), later
 * creations first. Each stage's creations are indexed by name and id as they are added,
 * so a lookup costs one map read per stage of the chain: scanning the lists made a
 * Dockerfile of a thousand `useradd` lines quadratic (each creation looks up its group).
 */
export function stageAccounts(stage: Stage): StageAccounts & GroupLookup {
  const chain = stageChain(stage);
  const first = <T>(pick: (ix: AccountIndex) => T | undefined): T | undefined => {
    for (const s of chain) {
      const v = pick(indexOf(s));
      if (v !== undefined) return v;
    }
    return undefined;
  };
  return {
    findUser: (name) => first((ix) => ix.userByName.get(name)),
    findUserByUid: (uid) => first((ix) => ix.userByUid.get(uid)),
    // an explicit groupadd beats a user's private group, whose gid may only be assumed
    gidOf: (name) => first((ix) => ix.groupGid.get(name)) ?? first((ix) => ix.statedUserGroupGid.get(name)) ?? first((ix) => ix.userGroupGid.get(name)),
    nameOfGid: (gid) => first((ix) => ix.groupNameByGid.get(gid)) ?? first((ix) => ix.userGroupByGid.get(gid)),
    lineOf: (pos: Pos) => pos.file.position(pos.offset).line,
  };
}

/** One stage's creations by key; a later creation replaces an earlier one, as the latest wins. */
class AccountIndex {
  private users = 0;
  private groups = 0;
  readonly userByName = new Map<string, CreatedUser>();
  readonly userByUid = new Map<number, CreatedUser>();
  /** groups created with a gid */
  readonly groupGid = new Map<string, number>();
  readonly groupNameByGid = new Map<number, string>();
  /** users' primary groups whose gid is written or looked up, not assumed */
  readonly statedUserGroupGid = new Map<string, number>();
  readonly userGroupGid = new Map<string, number>();
  readonly userGroupByGid = new Map<number, string>();

  /** Index what the stage created since the last lookup (creations are only ever appended). */
  catchUp(users: readonly CreatedUser[], groups: readonly CreatedGroup[]): void {
    for (; this.users < users.length; this.users++) {
      const u = users[this.users]!;
      this.userByName.set(u.name, u);
      if (u.uid !== undefined) this.userByUid.set(u.uid, u);
      if (u.group !== undefined && u.gid !== undefined) {
        this.userGroupGid.set(u.group, u.gid);
        if (u.gidAssumed === undefined) this.statedUserGroupGid.set(u.group, u.gid);
        this.userGroupByGid.set(u.gid, u.group);
      }
    }
    for (; this.groups < groups.length; this.groups++) {
      const g = groups[this.groups]!;
      if (g.gid === undefined) continue;
      this.groupGid.set(g.name, g.gid);
      this.groupNameByGid.set(g.gid, g.name);
    }
  }
}

const indexes = new WeakMap<Stage, AccountIndex>();

function indexOf(stage: Stage): AccountIndex {
  let ix = indexes.get(stage);
  if (!ix) indexes.set(stage, (ix = new AccountIndex()));
  ix.catchUp(stage.createdUsers, stage.createdGroups);
  return ix;
}
