import { defineAnalyzer } from "../../src/analyze/define.js";

export default defineAnalyzer({
  id: "user/dockerfile-root",
  severity: "warning",
  summary: "The final stage of a Dockerfile sets a non-root USER",
  scope: "dockerfile",
  check({ dockerfile, report }) {
    const stage = dockerfile.final;
    if (!stage) return;
    const user = dockerfile.effectiveUser;
    if (!user) {
      report({
        at: stage.node,
        message: `${dockerfile.file.path}: the final stage${stage.name ? ` '${stage.name}'` : ""} sets no USER, so the image runs as root unless its base image sets a user: add 'USER 10001:10001' after the steps that need root`,
        why: "a pod without runAsUser then runs as uid 0, and runAsNonRoot: true makes the kubelet refuse it",
      });
      return;
    }
    if (user.fromBase) {
      if (user.uid !== 0) return; // a known non-root base image (distroless :nonroot, bitnami) decides
      report({
        at: stage.node,
        message: `${dockerfile.file.path}: the final stage${stage.name ? ` '${stage.name}'` : ""} sets no USER and ${user.detail}: the image runs as root; add 'USER 10001:10001' after the steps that need root`,
        why: "a pod without runAsUser then runs as uid 0, and runAsNonRoot: true makes the kubelet refuse it",
      });
      return;
    }
    if (user.user === "" && user.raw.includes("$")) {
      // an ARG without a value expands to "": Docker then keeps the default user, root
      report({
        at: user.node,
        message: `${dockerfile.file.path}: USER ${user.raw} is empty unless the build passes a value (${valueless(user.raw)}), and an empty USER runs the image as root: give the ARG a non-root default, e.g. 'ARG UID=10001', or set it in buildArgs`,
        why: "a pod without runAsUser then runs as uid 0, and runAsNonRoot: true makes the kubelet refuse it",
      });
      return;
    }
    if (user.uid === 0 || user.user === "root") {
      report({
        at: user.node,
        message: `${dockerfile.file.path}: USER ${user.raw} makes the image run as root: switch to a numeric non-root user, e.g. 'USER 10001:10001', after the steps that need root`,
        why: "a pod without runAsUser runs it as uid 0, and runAsNonRoot: true makes the kubelet refuse it (it cannot verify a non-numeric or root user)",
      });
    }
  },
});

/** "$UID has none here" / "$UID, $GID have none here": the variables a USER line names. */
function valueless(raw: string): string {
  const names = [...new Set(raw.match(/\$\{?[A-Za-z_][A-Za-z0-9_]*/g) ?? [])].map((n) => n.replace("{", ""));
  return `${names.join(", ")} ${names.length === 1 ? "has" : "have"} none here`;
}
