import { shortMessage } from "./engine.js";

/**
 * The runtime's reason a container could not be created or started, in words about the
 * image: "failed to create shim task: OCI runtime create failed: runc create failed: unable
 * to start container process: exec: "/app/run": stat /app/run: no such file or directory:
 * unknown" is "its entrypoint /app/run does not exist in the image".
 */
export function startFailureReason(err: unknown): string {
  const raw = shortMessage(err);
  const exec = /exec: "([^"]*)": (.*?)(?:: unknown)?$/.exec(raw);
  if (exec) {
    const [, program, why] = exec as unknown as [string, string, string];
    if (/executable file not found in \$PATH/.test(why)) return `its command '${program}' is not in the image (not found in $PATH)`;
    if (/no such file or directory/.test(why)) return `its command ${program} does not exist in the image`;
    if (/permission denied/.test(why)) return `its command ${program} is not executable`;
    if (/exec format error/.test(why)) return `its command ${program} cannot run here (exec format error: another architecture, or a script without #!)`;
    return `its command ${program} cannot run: ${why}`;
  }
  if (/^No command specified/i.test(raw)) return "it has no ENTRYPOINT or CMD, and none was given";
  const user = /unable to find (user|group) ([^:]+): no matching entries in (passwd|group) file/.exec(raw);
  if (user) return `its ${user[1]} '${user[2]}' is not in the image's /etc/${user[3]}`;
  // keep the runtime's last clause, without the layers of wrapping around it
  return raw.replace(/^.*(?:unable to start container process|caused):\s*/, "").replace(/: unknown$/, "");
}
