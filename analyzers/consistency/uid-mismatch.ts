import { defineAnalyzer } from "../../src/analyze/define.js";
import type { DockerUser, Stage } from "../../src/dockerfile/model.js";
import type { Located } from "../../src/source/source-file.js";
import { finalChain, place, PROBE_HINT, userLabel, userRef } from "./places.js";

/** Paths the image gives to its user: `COPY --chown`, `chown` in RUN, the home a useradd creates. */
function ownedPaths(chain: Stage[], user: DockerUser): Located<string>[] {
  const owners = new Set([user.user, ...(user.uid !== undefined ? [String(user.uid)] : [])]);
  const out: Located<string>[] = [];
  for (const stage of chain) {
    for (const c of stage.chowns) {
      const owner = c.value.owner.split(":")[0]!;
      if (owners.has(owner)) for (const p of c.value.paths) out.push({ value: p, node: c.node });
    }
    for (const u of stage.createdUsers) if (owners.has(u.name) && u.home) out.push({ value: u.home, node: u.node });
  }
  return out;
}

export default defineAnalyzer({
  id: "consistency/uid-mismatch",
  severity: "warning",
  summary: "runAsUser/runAsGroup match the uid/gid the image gives its files to",
  scope: "pair",
  check({ dockerfile, container, report }) {
    const sc = container.securityContext;
    const user = dockerfile.effectiveUser;
    if (!user) return;
    const runAsUser = typeof sc.runAsUser?.value === "number" ? (sc.runAsUser.value as number) : undefined;
    const runAsGroup = typeof sc.runAsGroup?.value === "number" ? (sc.runAsGroup.value as number) : undefined;
    if (runAsUser === undefined && runAsGroup === undefined) return;
    const owned = ownedPaths(finalChain(dockerfile), user);
    const paths = [...new Set(owned.map((o) => o.value))];
    const related = [{ at: user.node, message: userLabel(user) }, ...owned.slice(0, 5).map((o) => ({ at: o.node, message: `owned by ${user.user}: ${o.value}` }))];
    if (user.uid === undefined) {
      if (paths.length === 0 || runAsUser === undefined) return;
      report({
        at: sc.runAsUser!.node,
        severity: "note",
        message: `container '${container.name}' runs as uid ${runAsUser} (${place(sc.runAsUser!.node)}); the uid of ${userRef(user)}, which owns ${paths.join(", ")}, cannot be resolved statically: ${PROBE_HINT} and compare`,
        related,
      });
      return;
    }
    const problems: string[] = [];
    if (runAsUser !== undefined && runAsUser !== user.uid && user.uid !== 0) problems.push(`runAsUser ${runAsUser} (${place(sc.runAsUser!.node)}) is not the image's uid ${user.uid}`);
    if (runAsGroup !== undefined && user.gid !== undefined && runAsGroup !== user.gid && user.uid !== 0)
      problems.push(`runAsGroup ${runAsGroup} (${place(sc.runAsGroup!.node)}) is not the image's gid ${user.gid}`);
    if (problems.length === 0) return;
    const at = (runAsUser !== undefined && runAsUser !== user.uid ? sc.runAsUser : sc.runAsGroup)!.node;
    report({
      at,
      severity: paths.length ? "warning" : "note",
      message: `container '${container.name}': ${problems.join(", and ")} from ${userRef(user)}${user.fromBase ? "" : ` (${user.detail})`}${
        paths.length ? `: ${paths.join(", ")} belong to ${user.user} and will not be writable` : ""
      }; use the image's ids or rebuild the image with the ones the manifest sets`,
      why: "files the image gives to its user (COPY --chown, chown, the home directory) are not writable by another uid: writes fail with 'permission denied'",
      ...(runAsUser !== undefined && runAsUser !== user.uid ? { fix: { set: ["securityContext", "runAsUser"], value: user.uid } } : {}),
      related,
    });
  },
});
