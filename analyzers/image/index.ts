import mutableTag from "./mutable-tag.js";
import notPinned from "./not-pinned.js";
import invalidDigest from "./invalid-digest.js";

export default [mutableTag, notPinned, invalidDigest];
