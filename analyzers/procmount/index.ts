import unmasked from "./unmasked.js";

export default [unmasked];
