import requestsMissing from "./requests-missing.js";
import memoryLimitMissing from "./memory-limit-missing.js";
import limitBelowRequest from "./limit-below-request.js";
import invalidQuantity from "./invalid-quantity.js";

export default [requestsMissing, memoryLimitMissing, limitBelowRequest, invalidQuantity];
