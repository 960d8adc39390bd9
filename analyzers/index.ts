import type { Analyzer } from "../src/analyze/define.js";
import apparmor from "./apparmor/index.js";
import capabilities from "./capabilities/index.js";
import consistency from "./consistency/index.js";
import filesystem from "./filesystem/index.js";
import host from "./host/index.js";
import image from "./image/index.js";
import privilege from "./privilege/index.js";
import privileged from "./privileged/index.js";
import procmount from "./procmount/index.js";
import resources from "./resources/index.js";
import seccomp from "./seccomp/index.js";
import selinux from "./selinux/index.js";
import sysctls from "./sysctls/index.js";
import user from "./user/index.js";
import volumes from "./volumes/index.js";

/** The registry: a plain list. Each topic folder's index lists its analyzers. */
export const analyzers: readonly Analyzer[] = [
  ...apparmor,
  ...capabilities,
  ...consistency,
  ...filesystem,
  ...host,
  ...image,
  ...privilege,
  ...privileged,
  ...procmount,
  ...resources,
  ...seccomp,
  ...selinux,
  ...sysctls,
  ...user,
  ...volumes,
];
