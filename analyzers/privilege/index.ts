import allowEscalation from "./allow-escalation.js";

export default [allowEscalation];
