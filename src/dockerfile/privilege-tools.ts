import type { PrivilegeTool } from "./model.js";
import { commandName, type SimpleCommand } from "./run-commands.js";

const TOOLS = new Set<string>(["su", "sudo", "gosu", "su-exec", "setpriv"]);
const PACKAGE_MANAGERS = new Set(["apk", "apt-get", "apt", "yum", "dnf", "microdnf", "zypper"]);

/**
 * su/sudo/gosu/su-exec/setpriv run by these commands, or installed by a package manager
 * (an entrypoint script we cannot read probably uses what the image installs).
 * @param anyWord look at every word, not only the command name: ENTRYPOINT wrappers such
 *   as tini or dumb-init put the tool later in argv
 */
export function findPrivilegeTools(
  commands: SimpleCommand[],
  seenIn: PrivilegeTool["seenIn"],
  anyWord: boolean,
): { value: PrivilegeTool; at: number }[] {
  const out: { value: PrivilegeTool; at: number }[] = [];
  for (const cmd of commands) {
    const name = commandName(cmd);
    const install = PACKAGE_MANAGERS.has(name) && cmd.words.some((w) => w.value === "add" || w.value === "install");
    const candidates = install || anyWord ? cmd.words : cmd.words.slice(0, 1);
    for (const w of candidates) {
      const tool = w.value.slice(w.value.lastIndexOf("/") + 1);
      if (TOOLS.has(tool)) out.push({ value: { tool: tool as PrivilegeTool["tool"], seenIn: install ? "install" : seenIn }, at: w.at });
    }
  }
  return out;
}
