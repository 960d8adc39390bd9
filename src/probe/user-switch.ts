import type { ImageFacts } from "./inspect.js";
import type { Account } from "./passwd.js";

const SWITCH_TOOLS = /\b(su|gosu|su-exec|setpriv|runuser|chpst|s6-setuidgid|setuidgid)\b/;

/**
 * The user an entrypoint drops to when it starts as root and switches (`su app`, `gosu app`,
 * `su-exec app`, `setpriv --reuid app`). Read from the command line and the entrypoint script
 * in the image; the account must exist in the image's /etc/passwd.
 */
export function findDropToUser(facts: ImageFacts, argv: string[]): Account | undefined {
  const texts = [argv.join(" "), ...facts.scripts.values()];
  const accounts = facts.passwd.filter((a) => a.id !== 0);
  // daemons that switch users themselves take the user as an option: memcached -u memcache, named -u bind, --user=app
  for (let i = 0; i < argv.length; i++) {
    const m = /^(?:-u|--user|--username)(?:=(.+))?$/.exec(argv[i]!);
    const name = m ? (m[1] ?? argv[i + 1]) : undefined;
    const found = name ? accounts.find((a) => a.name === name || String(a.id) === name) : undefined;
    if (found) return found;
  }
  for (const text of texts) {
    for (const line of text.split("\n")) {
      if (line.trim().startsWith("#") || !SWITCH_TOOLS.test(line)) continue;
      const found = accounts.find((a) => new RegExp(`(^|[\\s:='"=])(${escape(a.name)}|${a.id})([\\s:'";]|$)`).test(line));
      if (found) return found;
    }
  }
  return undefined;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
