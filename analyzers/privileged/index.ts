import privileged from "./privileged.js";
import escalationConflict from "./escalation-conflict.js";

export default [privileged, escalationConflict];
