import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, expect, test } from "vitest";
import { shipshape } from "./cli-fixture.js";
import { describeWithEngine, engineReachable } from "./engine-fixture.js";

const reachable = await engineReachable();
const dir = mkdtempSync(path.join(tmpdir(), "shipshape-failed-build-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Images whose making step names this token (an intermediate image of our build, cached by the engine). */
async function imagesWith(token: string): Promise<string[]> {
  const docker = new Docker();
  const all = await docker.listImages({ all: true });
  const found: string[] = [];
  for (const i of all) {
    const info = await docker
      .getImage(i.Id)
      .inspect()
      .catch(() => undefined);
    const cmd = [...(info?.ContainerConfig?.Cmd ?? []), ...(info?.Config?.Cmd ?? [])].join(" ");
    if (cmd.includes(token)) found.push(i.Id);
  }
  return found;
}

describeWithEngine("a build that fails part-way", reachable, () => {
  test("leaves none of the images its successful steps made", async () => {
    // a path unique to this run: its COPY cannot come from any other build's cache
    const token = `t${randomBytes(6).toString("hex")}`;
    copyFileSync("/bin/busybox", path.join(dir, "busybox"));
    writeFileSync(path.join(dir, "Dockerfile"), `FROM scratch\nCOPY busybox /${token}/busybox\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "sh", "-c", "exit 3"]\n`);
    const run = await shipshape(["probe", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("returned a non-zero code: 3");
    expect(await imagesWith(token)).toEqual([]);
  }, 120_000);
});
