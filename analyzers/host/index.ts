import namespaces from "./namespaces.js";
import hostPath from "./host-path.js";
import hostPort from "./host-port.js";
import windowsHostProcess from "./windows-host-process.js";

export default [namespaces, hostPath, hostPort, windowsHostProcess];
