import { describe, expect, it } from "vitest";
import type { CreatedGroup, CreatedUser, Stage } from "../../src/dockerfile/model.js";
import { stageAccounts } from "../../src/dockerfile/stage-accounts.js";
import { SourceFile } from "../../src/source/source-file.js";

/**
 * A Dockerfile of thousands of useradd lines (issue 16, hostile input): each creation looks up
 * its group and each USER its user. Lookups must read each creation about once, not scan
 * every earlier one (quadratic: ~0.3 s more at the 128 KiB limit, see bench/dockerfile).
 */
describe("stageAccounts", () => {
  /** A stage whose lists count how many of their items are read. */
  function countingStage(parent?: Stage): { stage: Stage; reads: () => number } {
    let reads = 0;
    const counted = <T extends object>(list: T[]) =>
      new Proxy(list, {
        get(target, key, receiver) {
          if (typeof key === "string" && /^\d+$/.test(key)) reads++;
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
    const stage = { index: parent ? parent.index + 1 : 0, parent, createdUsers: counted<CreatedUser>([]), createdGroups: counted<CreatedGroup>([]) } as unknown as Stage;
    return { stage, reads: () => reads };
  }
  const node = { file: new SourceFile("Dockerfile", "FROM debian\n"), offset: 0 };

  it("reads each creation about once over thousands of creations and lookups", () => {
    const { stage, reads } = countingStage();
    const n = 3000;
    for (let i = 1; i <= n; i++) {
      // what a `RUN useradd -u i u<i>` then `USER u<i>` line asks, as the builder does
      const accounts = stageAccounts(stage);
      expect(accounts.gidOf(`u${i}`)).toBeUndefined();
      expect(accounts.nameOfGid(i)).toBeUndefined();
      stage.createdUsers.push({ name: `u${i}`, uid: i, group: `u${i}`, gid: i, gidAssumed: "useradd", node });
      expect(stageAccounts(stage).findUser(`u${i}`)?.uid).toBe(i);
      expect(stageAccounts(stage).findUser("ghost")).toBeUndefined();
    }
    expect(reads()).toBeLessThan(4 * n);
  });

  it("sees what is created after a lookup, the latest first, and the parent stage's creations", () => {
    const parent = countingStage().stage;
    parent.createdGroups.push({ name: "web", gid: 2000, node });
    const { stage } = countingStage(parent);
    const accounts = stageAccounts(stage);
    expect(accounts.gidOf("web")).toBe(2000);
    expect(accounts.findUser("app")).toBeUndefined();
    stage.createdUsers.push({ name: "app", uid: 1000, node });
    stage.createdGroups.push({ name: "web", gid: 3000, node });
    expect(accounts.findUser("app")?.uid).toBe(1000);
    expect(accounts.gidOf("web")).toBe(3000);
    expect(accounts.nameOfGid(2000)).toBe("web");
    stage.createdUsers.push({ name: "app", uid: 1001, node });
    expect(accounts.findUser("app")?.uid).toBe(1001);
    expect(accounts.findUserByUid(1000)?.name).toBe("app");
  });
});
