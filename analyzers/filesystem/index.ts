import writableRoot from "./writable-root.js";

export default [writableRoot];
