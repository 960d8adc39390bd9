import unknownContainer from "./unknown-container.js";
import unconfined from "./unconfined.js";
import annotation from "./annotation.js";
import annotationMismatch from "./annotation-mismatch.js";

export default [unknownContainer, unconfined, annotation, annotationMismatch];
