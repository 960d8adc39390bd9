import privileged from "./privileged.js";

export default [privileged];
