import restrictedType from "./restricted-type.js";

export default [restrictedType];
