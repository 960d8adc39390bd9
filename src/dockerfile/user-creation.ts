import type { Pos } from "../source/source-file.js";
import { parseId, parseOptions, type OptionSpec } from "./command-options.js";
import type { CreatedGroup, CreatedUser } from "./model.js";
import { commandName, type SimpleCommand } from "./run-commands.js";

/**
 * Users and groups created by `useradd`/`groupadd` (shadow-utils), Debian's
 * `adduser`/`addgroup` (long options) and BusyBox's (Alpine; short options), with the
 * primary gid each tool gives when the command does not say.
 */

/** What the chain already knows about groups, for `-g app` and same-name group defaults. */
export interface GroupLookup {
  gidOf(name: string): number | undefined;
  /** a group name already holding this gid, when known */
  nameOfGid(gid: number): string | undefined;
}

export type Creation =
  | { kind: "user"; user: CreatedUser }
  | { kind: "group"; group: CreatedGroup }
  | undefined;

const USERADD: OptionSpec = {
  shortWithValue: "bcdefgGkKpuRPsZ",
  long: {
    "base-dir": "b", comment: "c", "home-dir": "d", home: "d", expiredate: "e", inactive: "f", gid: "g",
    groups: "G", skel: "k", key: "K", "no-log-init": "l", "create-home": "m", "no-create-home": "M",
    "no-user-group": "N", "non-unique": "o", password: "p", system: "r", root: "R", prefix: "P",
    shell: "s", uid: "u", "user-group": "U", "selinux-user": "Z",
  },
  longWithValue: new Set(["base-dir", "comment", "home-dir", "home", "expiredate", "inactive", "gid", "groups", "skel", "key", "password", "root", "prefix", "shell", "uid", "selinux-user"]),
};

const GROUPADD: OptionSpec = {
  shortWithValue: "gKpRPU",
  long: { gid: "g", force: "f", key: "K", "non-unique": "o", password: "p", system: "r", root: "R", prefix: "P", users: "U" },
  longWithValue: new Set(["gid", "key", "password", "root", "prefix", "users"]),
};

/** Debian adduser/addgroup: long options only; values are separate words or `=`. */
const DEBIAN_ADDUSER: OptionSpec = {
  shortWithValue: "",
  long: {},
  longWithValue: new Set(["uid", "gid", "ingroup", "home", "shell", "gecos", "comment", "firstuid", "lastuid", "firstgid", "lastgid", "conf", "add-extra-groups", "extrausers"]),
};

/** BusyBox adduser: -h DIR -g GECOS -s SHELL -G GROUP -S -D -H -k SKEL -u UID. */
const BUSYBOX_ADDUSER: OptionSpec = { shortWithValue: "hgsGku", long: {}, longWithValue: new Set() };
/** BusyBox addgroup: -g GID -S. */
const BUSYBOX_ADDGROUP: OptionSpec = { shortWithValue: "g", long: {}, longWithValue: new Set() };

export function readCreation(cmd: SimpleCommand, node: Pos, groups: GroupLookup): Creation {
  const name = commandName(cmd);
  if (name !== "useradd" && name !== "adduser" && name !== "groupadd" && name !== "addgroup") return undefined;
  const args = cmd.words.slice(1);
  const command = cmd.words.map((w) => w.value).join(" ").slice(0, 200);
  switch (name) {
    case "useradd":
      return useradd(args, node, groups, command);
    case "groupadd": {
      const { options, positionals } = parseOptions(args, GROUPADD);
      const group = positionals.at(-1)?.value;
      return group ? { kind: "group", group: { name: group, gid: parseId(options.get("g")), node, command } } : undefined;
    }
    default: {
      const debian = args.some((w) => w.value.startsWith("--"));
      if (name === "addgroup") return addgroup(args, node, debian, command);
      return debian ? debianAdduser(args, node, groups, command) : busyboxAdduser(args, node, groups, command);
    }
  }
}

function useradd(args: SimpleCommand["words"], node: Pos, groups: GroupLookup, command: string): Creation {
  const { options, positionals } = parseOptions(args, USERADD);
  const name = positionals.at(-1)?.value;
  if (!name) return undefined;
  const uid = parseId(options.get("u"));
  const user: CreatedUser = { name, uid, node, command };
  const g = options.get("g");
  if (g !== undefined) primaryGroup(user, g, groups);
  else if (!options.has("N")) {
    // useradd's default (USERGROUPS_ENAB): a group named like the user, gid = uid when free
    sameNameGroup(user, groups, "useradd");
  }
  if (options.has("m")) user.home = options.get("d") || `/home/${name}`;
  return { kind: "user", user };
}

function debianAdduser(args: SimpleCommand["words"], node: Pos, groups: GroupLookup, command: string): Creation {
  const { options, positionals } = parseOptions(args, DEBIAN_ADDUSER);
  // `adduser user group` adds an existing user to a group: nothing is created
  if (positionals.length !== 1) return undefined;
  const name = positionals[0]!.value;
  const user: CreatedUser = { name, uid: parseId(options.get("uid")), node, command };
  const system = options.has("system");
  const gid = options.get("gid");
  const ingroup = options.get("ingroup");
  if (gid !== undefined) primaryGroup(user, gid, groups);
  else if (ingroup !== undefined) primaryGroup(user, ingroup, groups);
  else if (system && !options.has("group")) {
    user.group = "nogroup";
    user.gid = 65534;
    user.gidAssumed = "adduser --system puts the user in nogroup (65534 on Debian)";
  } else sameNameGroup(user, groups, "adduser");
  if (!options.has("no-create-home") && (!system || options.has("home"))) {
    user.home = options.get("home") || `/home/${name}`;
  }
  return { kind: "user", user };
}

function busyboxAdduser(args: SimpleCommand["words"], node: Pos, groups: GroupLookup, command: string): Creation {
  const { options, positionals } = parseOptions(args, BUSYBOX_ADDUSER);
  if (positionals.length !== 1) return undefined;
  const name = positionals[0]!.value;
  const user: CreatedUser = { name, uid: parseId(options.get("u")), node, command };
  const group = options.get("G");
  if (group !== undefined) primaryGroup(user, group, groups);
  else if (options.has("S")) {
    user.group = "nogroup";
    user.gid = 65533;
    user.gidAssumed = "BusyBox adduser -S without -G uses nogroup (65533 on Alpine)";
  } else sameNameGroup(user, groups, "adduser");
  if (!options.has("H")) user.home = options.get("h") || `/home/${name}`;
  return { kind: "user", user };
}

function addgroup(args: SimpleCommand["words"], node: Pos, debian: boolean, command: string): Creation {
  const { options, positionals } = parseOptions(args, debian ? DEBIAN_ADDUSER : BUSYBOX_ADDGROUP);
  // `addgroup user group` adds an existing user to a group
  if (positionals.length !== 1) return undefined;
  const gid = parseId(debian ? options.get("gid") : options.get("g"));
  return { kind: "group", group: { name: positionals[0]!.value, gid, node, command } };
}

/** `-g 1001`, `-g app`, `--ingroup app`: a number is the gid, a name is looked up. */
function primaryGroup(user: CreatedUser, value: string, groups: GroupLookup): void {
  const gid = parseId(value);
  if (gid !== undefined) user.gid = gid;
  else {
    user.group = value;
    user.gid = groups.gidOf(value);
  }
}

function sameNameGroup(user: CreatedUser, groups: GroupLookup, tool: string): void {
  user.group = user.name;
  const existing = groups.gidOf(user.name);
  if (existing !== undefined) {
    user.gid = existing;
    return;
  }
  if (user.uid === undefined) return;
  const holder = groups.nameOfGid(user.uid);
  if (holder !== undefined) return; // gid = uid is taken: the tool picks another, unknown here
  user.gid = user.uid;
  user.gidAssumed = `${tool} creates a group ${user.name} with gid = uid when that gid is free`;
}
