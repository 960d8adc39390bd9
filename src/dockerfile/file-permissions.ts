import type { FileCapability, SetuidBinary } from "./model.js";
import { commandName, type ShellWord, type SimpleCommand } from "./run-commands.js";

/**
 * What RUN commands do to file privileges: `setcap` file capabilities, setuid/setgid bits
 * from `chmod`, and owners from `chown`/`chgrp`. Each is what a pair analyzer needs to
 * tell whether the pod's securityContext will break the image.
 */

/** setcap [-q] [-v] [-n rootid] caps file [caps file …]; `-r` removes, `-` reads stdin. */
export function readSetcap(cmd: SimpleCommand): FileCapability[] {
  if (commandName(cmd) !== "setcap") return [];
  if (cmd.words.some((w) => w.value === "-v")) return []; // -v only verifies
  const args = dropOptions(cmd.words.slice(1), new Set(["-n"]));
  const out: FileCapability[] = [];
  for (let k = 0; k + 1 < args.length; k += 2) {
    const spec = args[k]!.value;
    if (spec === "-r" || spec === "-") continue;
    const capabilities = grantedCapabilities(spec);
    if (capabilities.length > 0) out.push({ capabilities, path: args[k + 1]!.value, spec });
  }
  return out;
}

/**
 * Capability names a cap_from_text(3) spec grants: clauses `caps op flags` separated by
 * spaces, e.g. `cap_net_bind_service=+ep`, `cap_a,cap_b+eip`, `all=ep`. A clause that only
 * removes (`-ep`) or clears (`cap_x=`) grants nothing.
 */
export function grantedCapabilities(spec: string): string[] {
  const names: string[] = [];
  for (const clause of spec.trim().split(/\s+/)) {
    const m = /^([A-Za-z_0-9,]*)((?:[=+-][eipEIP]*)+)$/.exec(clause);
    if (!m) continue;
    const ops = m[2]!.match(/[=+-][eipEIP]*/g) ?? [];
    if (!ops.some((op) => (op[0] === "=" || op[0] === "+") && op.length > 1)) continue;
    for (const cap of (m[1] || "all").split(",")) {
      if (cap === "") continue;
      const name = cap.toUpperCase().replace(/^CAP_/, "");
      if (!names.includes(name)) names.push(name);
    }
  }
  return names;
}

/** chmod modes that set the setuid or setgid bit: u+s, g+s, +s, a+s, 4755, 2755, 6755 … */
export function readSetuid(cmd: SimpleCommand): SetuidBinary[] {
  if (commandName(cmd) !== "chmod") return [];
  const args = dropOptions(cmd.words.slice(1), new Set(["--reference"]));
  if (args.length < 2) return [];
  const bits = specialBits(args[0]!.value);
  const out: SetuidBinary[] = [];
  for (const path of args.slice(1)) {
    if (bits.setuid) out.push({ path: path.value, bit: "setuid" });
    if (bits.setgid) out.push({ path: path.value, bit: "setgid" });
  }
  return out;
}

export function specialBits(mode: string): { setuid: boolean; setgid: boolean } {
  if (/^[0-7]{1,5}$/.test(mode)) {
    // The special digit sits before the last three (owner, group, other).
    const special = mode.length >= 4 ? Number(mode[mode.length - 4]) : 0;
    return { setuid: (special & 4) !== 0, setgid: (special & 2) !== 0 };
  }
  let setuid = false;
  let setgid = false;
  for (const clause of mode.split(",")) {
    const m = /^([ugoa]*)((?:[+=-][rwxXst]*)+)$/.exec(clause);
    if (!m) continue;
    const who = m[1]!;
    for (const op of m[2]!.match(/[+=-][rwxXst]*/g) ?? []) {
      if (op[0] === "-" || !op.includes("s")) continue;
      if (who === "" || who.includes("u") || who.includes("a")) setuid = true;
      if (who === "" || who.includes("g") || who.includes("a")) setgid = true;
    }
  }
  return { setuid, setgid };
}

/** chown [-R …] owner[:group] path…, chgrp group path… → owner as `user[:group]` or `:group`. */
export function readChown(cmd: SimpleCommand): { owner: string; paths: string[] } | undefined {
  const name = commandName(cmd);
  if (name !== "chown" && name !== "chgrp") return undefined;
  const args = dropOptions(cmd.words.slice(1), new Set(["--from", "--reference"]));
  if (args.length < 2) return undefined;
  const owner = name === "chgrp" ? `:${args[0]!.value}` : args[0]!.value;
  return { owner, paths: args.slice(1).map((w) => w.value) };
}

/** Drop `-x` flags (and the value of the listed ones when given as a separate word). */
function dropOptions(args: ShellWord[], withValue: Set<string>): ShellWord[] {
  const out: ShellWord[] = [];
  let options = true;
  for (let k = 0; k < args.length; k++) {
    const v = args[k]!.value;
    if (options && v === "--") {
      options = false;
      continue;
    }
    // A mode such as `-x` or `-s` is an option to chmod only when it is not a mode: chmod
    // accepts `-w` as a mode, but Dockerfiles use `+s`/`u+s` for the bits we care about.
    if (options && v.startsWith("-") && v.length > 1) {
      if (withValue.has(v) && k + 1 < args.length) k++;
      continue;
    }
    out.push(args[k]!);
  }
  return out;
}
