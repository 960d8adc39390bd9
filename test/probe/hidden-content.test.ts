import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { expect, test } from "vitest";
import { resolveTarget } from "../../src/probe/build.js";
import { EngineSession, PROBE_LABEL } from "../../src/probe/engine.js";
import type { ProbeReport } from "../../src/probe/report.js";
import { probe } from "../../src/probe/search.js";
import { describeWithEngine, engineReachable } from "./engine-fixture.js";

// Issue 13, item 6: a mount that hides baked content the process needs is a failing
// candidate, not a note. The site lives in /srv/site, and the server makes a cache
// directory inside it at start: an emptyDir over /srv/site makes it write fine and serve a
// 404. The probe mounts below it instead, and when even that fails, says the directory
// cannot be mounted — never verifying a trial whose server answered differently.
const reachable = await engineReachable();

const dockerfile = (start: string) => `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir -p /etc /tmp /srv/site && chmod 1777 /tmp \\
 && printf "root:x:0:0:root:/root:/bin/sh\\nweb:x:10001:10001::/srv:/bin/sh\\n" > /etc/passwd \\
 && printf "root:x:0:\\nweb:x:10001:\\n" > /etc/group \\
 && echo '<h1>the site</h1>' > /srv/site/index.html && chown -R 10001:10001 /srv/site
USER 10001
EXPOSE 8080
CMD ["sh", "-c", "${start} /srv/site/cache && date > /srv/site/cache/started && exec httpd -f -p 8080 -h /srv/site"]
`;

async function probeSite(start: string): Promise<ProbeReport> {
  const session = await EngineSession.open();
  const ctx = mkdtempSync(path.join(tmpdir(), "shipshape-hidden-"));
  try {
    writeFileSync(path.join(ctx, "Dockerfile"), dockerfile(start));
    cpSync("/bin/busybox", path.join(ctx, "busybox"));
    const image = await resolveTarget(session, ctx, {});
    return await probe(session, {
      image,
      workload: { containerName: "web", workload: null, env: [], ports: [], execProbes: [], capabilitiesAdd: [], notes: [] },
      timeoutMs: 20_000,
      privilegedPortsAllowed: false,
      concurrency: 3,
      httpTargets: [{ port: 8080, path: "/", source: "--http" }],
    });
  } finally {
    rmSync(ctx, { recursive: true, force: true });
    await session.close();
    const filters = JSON.stringify({ label: [`${PROBE_LABEL}=${session.runId}`] });
    expect(await new Docker().listContainers({ all: true, filters })).toEqual([]);
  }
}

/** No trial that mounted an emptyDir over the site was taken for one that works. */
function noVerifiedTrialHidesTheSite(r: ProbeReport): void {
  const hiding = r.trials.filter((t) => t.mounts.includes("/srv/site"));
  for (const t of hiding) expect(t.outcome.matchesBaseline, `${t.name}: ${t.outcome.reason}`).toBe(false);
}

describeWithEngine("mounts that would hide what the image serves", reachable, () => {
  test("a cache made inside the site's directory gets its own emptyDir, below the site, verified with the site still served", async () => {
    const r = await probeSite("mkdir -p");
    expect(r.mounts.map((m) => [m.path, m.reason, m.narrowedFrom])).toEqual([["/srv/site/cache", "narrowed", "/srv/site"]]);
    expect(r.unmountable).toEqual([]);
    expect(r.verified).toBe(true);
    expect(r.proposal.containers[0]!.securityContext.readOnlyRootFilesystem).toBe(true);
    const chosen = r.trials.find((t) => t.outcome.matchesBaseline && t.name !== "baseline" && t.readOnlyRootfs);
    expect(chosen?.mounts).toEqual(["/srv/site/cache"]);
    expect(chosen?.outcome.http).toEqual(["8080/: HTTP 200"]);
    expect(r.notes.join("\n")).not.toMatch(/hides image content/);
    noVerifiedTrialHidesTheSite(r);
  }, 120_000);

  test("a server that insists on making the directory itself: the narrower mount fails, the whole one hides the site, so the directory cannot be mounted", async () => {
    const r = await probeSite("mkdir");
    expect(r.mounts.map((m) => m.path)).toEqual([]);
    expect(r.unmountable.map((u) => u.path)).toEqual(["/srv/site"]);
    expect(r.unmountable[0]!.reason).toMatch(/hides \/srv\/site\/index\.html, which the workload needs/);
    expect(r.notes.join("\n")).toMatch(/mounts below \/srv\/site .* did not work/);
    // the proposal keeps the root writable: a trial of exactly that served the site
    expect(r.proposal.containers[0]!.securityContext.readOnlyRootFilesystem).toBe(false);
    expect(r.verified).toBe(true);
    const narrowTrials = r.trials.filter((t) => t.mounts.includes("/srv/site/cache"));
    expect(narrowTrials.length).toBeGreaterThan(0);
    for (const t of narrowTrials) expect(t.outcome.matchesBaseline).toBe(false);
    noVerifiedTrialHidesTheSite(r);
    expect(r.trials.some((t) => t.mounts.includes("/srv/site"))).toBe(true);
  }, 180_000);
});
