/** One line of /etc/passwd or /etc/group that matters to us. */
export interface Account {
  name: string;
  id: number;
  /** Primary gid (passwd only). */
  gid?: number;
  home?: string;
}

export function parsePasswd(text: string): Account[] {
  return text
    .split("\n")
    .map((line) => line.split(":"))
    .filter((f) => f.length >= 4 && /^\d+$/.test(f[2]!))
    .map((f) => ({ name: f[0]!, id: Number(f[2]), gid: /^\d+$/.test(f[3]!) ? Number(f[3]) : undefined, home: f[5] }));
}

export function parseGroup(text: string): Account[] {
  return text
    .split("\n")
    .map((line) => line.split(":"))
    .filter((f) => f.length >= 3 && /^\d+$/.test(f[2]!))
    .map((f) => ({ name: f[0]!, id: Number(f[2]) }));
}

export interface ResolvedUser {
  uid: number;
  gid: number;
  name: string | null;
  /** How the numbers were found, for the report. */
  source: "numeric" | "passwd" | "unresolved";
}

/**
 * Resolve a Docker `USER` value (`name`, `uid`, `name:group`, `uid:gid`, empty = root)
 * through the image's own passwd and group files, the way the runtime does.
 */
export function resolveUser(spec: string, passwd: Account[], group: Account[]): ResolvedUser {
  const [userPart = "", groupPart] = (spec || "0").split(":");
  const byName = passwd.find((a) => a.name === userPart);
  const byId = /^\d+$/.test(userPart) ? passwd.find((a) => a.id === Number(userPart)) : undefined;
  const account = byName ?? byId;
  const uid = /^\d+$/.test(userPart) ? Number(userPart) : account?.id;
  if (uid === undefined) return { uid: -1, gid: -1, name: userPart, source: "unresolved" };
  let gid = account?.gid ?? 0;
  if (groupPart !== undefined && groupPart !== "") {
    const g = /^\d+$/.test(groupPart) ? Number(groupPart) : group.find((a) => a.name === groupPart)?.id;
    if (g === undefined) return { uid, gid: -1, name: account?.name ?? null, source: "unresolved" };
    gid = g;
  }
  return {
    uid,
    gid,
    name: account?.name ?? null,
    source: /^\d+$/.test(userPart) && (groupPart === undefined || /^\d+$/.test(groupPart)) ? "numeric" : "passwd",
  };
}
