import missing from "./missing.js";
import annotation from "./annotation.js";
import annotationMismatch from "./annotation-mismatch.js";
import unconfined from "./unconfined.js";
import invalidProfile from "./invalid-profile.js";

export default [missing, annotation, annotationMismatch, unconfined, invalidProfile];
