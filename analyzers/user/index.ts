import mayRunAsRoot from "./may-run-as-root.js";
import nonRootConflict from "./non-root-conflict.js";
import groupRoot from "./group-root.js";
import dockerfileRoot from "./dockerfile-root.js";

export default [mayRunAsRoot, nonRootConflict, groupRoot, dockerfileRoot];
