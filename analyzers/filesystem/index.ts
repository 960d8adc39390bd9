import knownImageWrites from "./known-image-writes.js";
import writableRoot from "./writable-root.js";

export default [writableRoot, knownImageWrites];
