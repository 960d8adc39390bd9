import { procMountDefaultOnly } from "./procMount.js";
import type { PssCheck } from "./types.js";

/** Restricted keeps the unconditional /proc mask rule when baseline relaxed it in 1.35. */
export const procMount_restricted: PssCheck = {
  id: "procMount_restricted",
  level: "restricted",
  versions: [{ minimumVersion: 35, checkPod: procMountDefaultOnly, overrideCheckIds: ["procMount"] }],
};
