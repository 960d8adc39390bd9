import nonNumericUser from "./non-numeric-user.js";
import imageRunsAsRoot from "./image-runs-as-root.js";
import uidMismatch from "./uid-mismatch.js";
import privilegedPort from "./privileged-port.js";
import volumeReadOnlyRoot from "./volume-read-only-root.js";
import fileCapabilities from "./file-capabilities.js";
import userSwitch from "./user-switch.js";
import healthcheckIgnored from "./healthcheck-ignored.js";
import tagNeverBuilt from "./tag-never-built.js";

export default [nonNumericUser, imageRunsAsRoot, uidMismatch, privilegedPort, volumeReadOnlyRoot, fileCapabilities, userSwitch, healthcheckIgnored, tagNeverBuilt];
