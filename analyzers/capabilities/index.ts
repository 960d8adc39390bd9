import notDropped from "./not-dropped.js";

export default [notDropped];
