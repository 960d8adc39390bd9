import unsafe from "./unsafe.js";

export default [unsafe];
