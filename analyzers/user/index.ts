import mayRunAsRoot from "./may-run-as-root.js";
import dockerfileRoot from "./dockerfile-root.js";

export default [mayRunAsRoot, dockerfileRoot];
