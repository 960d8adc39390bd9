import { allowPrivilegeEscalation } from "./allowPrivilegeEscalation.js";
import { appArmorProfile } from "./appArmorProfile.js";
import { capabilities_baseline } from "./capabilities_baseline.js";
import { capabilities_restricted } from "./capabilities_restricted.js";
import { hostNamespaces } from "./hostNamespaces.js";
import { hostPathVolumes } from "./hostPathVolumes.js";
import { hostPorts } from "./hostPorts.js";
import { hostProbesAndHostLifecycle } from "./hostProbesAndHostLifecycle.js";
import { privileged } from "./privileged.js";
import { procMount } from "./procMount.js";
import { procMount_restricted } from "./procMount_restricted.js";
import { restrictedVolumes } from "./restrictedVolumes.js";
import { runAsNonRoot } from "./runAsNonRoot.js";
import { runAsUser } from "./runAsUser.js";
import { seccompProfile_baseline } from "./seccompProfile_baseline.js";
import { seccompProfile_restricted } from "./seccompProfile_restricted.js";
import { seLinuxOptions } from "./seLinuxOptions.js";
import { sysctls } from "./sysctls.js";
import type { PssCheck } from "./types.js";
import { windowsHostProcess } from "./windowsHostProcess.js";

/** Every check of k8s.io/pod-security-admission/policy with a version assigned. */
export const PSS_CHECKS: readonly PssCheck[] = [
  // baseline
  hostNamespaces,
  privileged,
  capabilities_baseline,
  hostPathVolumes,
  hostPorts,
  appArmorProfile,
  seLinuxOptions,
  procMount,
  seccompProfile_baseline,
  sysctls,
  windowsHostProcess,
  hostProbesAndHostLifecycle,
  // restricted
  restrictedVolumes,
  allowPrivilegeEscalation,
  runAsNonRoot,
  runAsUser,
  seccompProfile_restricted,
  capabilities_restricted,
  procMount_restricted,
];
