import privilegedPort from "./privileged-port.js";
import notDropped from "./not-dropped.js";
import dangerousAdd from "./dangerous-add.js";
import addNotAllowed from "./add-not-allowed.js";

export default [notDropped, dangerousAdd, addNotAllowed, privilegedPort];
