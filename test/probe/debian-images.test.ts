import Docker from "dockerode";
import { afterAll, beforeAll, expect, test } from "vitest";
import { PROBE_LABEL } from "../../src/probe/engine.js";
import { debianImagesForTests, describeWithDebian } from "../support/debian-fixture.js";
import { DEBIAN_IMAGES, type DebianImageName } from "../support/debian-recipes.js";
import { processTree, removePlain, startPlain, waitForAnswer } from "../support/plain-run.js";
import { engineReachable } from "./engine-fixture.js";

// The real-software images themselves: each one, run plainly with Docker's defaults, serves
// what it should. The probe's tests on them (real-software.test.ts) rely on this.
const images = debianImagesForTests();
const unavailable = (await engineReachable()) ? await images.prepare() : "no Docker engine reachable";
const docker = new Docker();
const labels = { [PROBE_LABEL]: `${images.labelValue}-smoke` };

const EXPECT: Record<DebianImageName, { answer: RegExp; processes: RegExp }> = {
  nginx: { answer: /Welcome to nginx/, processes: /^0 nginx(, 33 nginx)+$/ },
  "nginx-stdout": { answer: /Welcome to nginx/, processes: /^0 nginx(, 33 nginx)+$/ },
  "nginx-log-volume": { answer: /Welcome to nginx/, processes: /^0 nginx(, 33 nginx)+$/ },
  "nginx-unprivileged": { answer: /Welcome to nginx/, processes: /^(33 nginx)(, 33 nginx)+$/ },
  redis: { answer: /\+PONG/, processes: /^\d+ redis-server$/ },
  memcached: { answer: /^VERSION /, processes: /^\d+ memcached$/ },
  postgres: { answer: /^N$/, processes: /^(\d+ postgres)(, \d+ postgres){4,}$/ },
  lighttpd: { answer: /<html|Index of/i, processes: /^33 lighttpd$/ },
};

describeWithDebian("images of real software, built from Debian packages", unavailable, () => {
  let helper: string;
  beforeAll(async () => {
    helper = await images.busybox();
  }, 600_000);

  afterAll(async () => {
    const filters = JSON.stringify({ label: [`${PROBE_LABEL}=${labels[PROBE_LABEL]}`] });
    expect(await docker.listContainers({ all: true, filters })).toEqual([]);
    expect((await docker.listVolumes({ filters })).Volumes ?? []).toEqual([]);
  });

  test.each(Object.keys(DEBIAN_IMAGES) as DebianImageName[])(
    "%s runs with Docker's defaults and answers on its port",
    async (name) => {
      const recipe = DEBIAN_IMAGES[name];
      const image = await images.image(name);
      const container = await startPlain(docker, image.imageId, labels, {});
      try {
        const answer = await waitForAnswer(docker, helper, labels, container, recipe.port, recipe.protocol, 30_000);
        expect(answer.output).toMatch(EXPECT[name].answer);
        // the process tree a hardened run must keep (postgres: postmaster and its helpers)
        await new Promise((r) => setTimeout(r, 500));
        expect((await processTree(container)).join(", ")).toMatch(EXPECT[name].processes);
      } finally {
        await removePlain(container);
      }
    },
    600_000,
  );
});
