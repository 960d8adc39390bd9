import { expect, test } from "vitest";
import { type ServicePoll, type ServiceWait, serviceWaitStep } from "../../src/probe/service-wait.js";

// Polls of one trial at the given times; what serviceWaitStep decides at the first verdict.
function run(polls: Array<Pick<ServicePoll, "elapsedMs" | "listening">>, want: number[] | undefined = [6379]): string | undefined {
  const state: ServiceWait = {};
  for (const p of polls) {
    const verdict = serviceWaitStep(state, { ...p, now: p.elapsedMs, want, baselineReadyMs: 3000, limitMs: 12_000, holdMs: 250 });
    if (verdict !== undefined) return verdict;
  }
  return undefined;
}

test("a trial whose port opens just before the limit finishes its hold and matches (a slow start under load is not a failure)", () => {
  // seen on redis with two images probed at once on two cores: port open at 11.9 s, limit 12 s
  expect(run([{ elapsedMs: 11_000, listening: [] }, { elapsedMs: 11_900, listening: [6379] }, { elapsedMs: 12_100, listening: [6379] }, { elapsedMs: 12_200, listening: [6379] }])).toBe("");
});

test("a trial that never opens the port fails at the limit, saying so", () => {
  expect(run([{ elapsedMs: 5000, listening: [] }, { elapsedMs: 12_000, listening: [] }])).toBe("not listening on [6379] after 12000ms (listening on [])");
});

test("a trial that opens the port and loses it within the hold does not match", () => {
  expect(run([{ elapsedMs: 1000, listening: [6379] }, { elapsedMs: 1300, listening: [] }])).toBe("listening on []; baseline [6379]");
});

test("extra ports are no regression", () => {
  expect(run([{ elapsedMs: 1000, listening: [6379, 16379] }, { elapsedMs: 1300, listening: [6379, 16379] }])).toBe("");
});

test("without the baseline's ports the trial is judged once it has run as long as the baseline took to be ready", () => {
  expect(run([{ elapsedMs: 2000, listening: undefined }, { elapsedMs: 3000, listening: undefined }], undefined)).toBeUndefined();
  expect(run([{ elapsedMs: 3000, listening: undefined }, { elapsedMs: 3300, listening: undefined }], undefined)).toBe("");
});
