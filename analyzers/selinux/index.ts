import type_ from "./type.js";
import userRole from "./user-role.js";

export default [type_, userRole];
