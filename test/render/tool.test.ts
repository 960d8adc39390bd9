import { describe, expect, it } from "vitest";
import { errorLine, parseCommand } from "../../src/render/tool.js";
import { looksRemote } from "../../src/render/kustomization.js";

describe("render tools", () => {
  it("kubectl's klog-wrapped kustomize errors become one line", () => {
    expect(
      errorLine(`E1205 13:37:24.123388   22303 run.go:72] "command failed" err=<
\ttrouble configuring builtin PatchTransformer with config: \`
\tpath: missing-patch.yaml
\t\`: failed to get the patch file from path(missing-patch.yaml): no such file or directory
 >
`),
    ).toBe("trouble configuring builtin PatchTransformer with config: ` path: missing-patch.yaml `: failed to get the patch file from path(missing-patch.yaml): no such file or directory");
    expect(errorLine(`E1205 13:18:55.381144   14892 run.go:72] "command failed" err="accumulating resources: new root '/tmp' cannot be \\"absolute\\""\n`)).toBe(
      `accumulating resources: new root '/tmp' cannot be "absolute"`,
    );
    expect(errorLine("Error: accumulating resources: boom\n")).toBe("accumulating resources: boom");
    // the layer shipshape's wrapper kustomization adds is not the user's problem
    expect(
      errorLine(
        `E1 run.go:72] "command failed" err="accumulating resources: accumulation err='accumulating resources from '../x': '/tmp/x' must resolve to a file': recursed accumulation of path '/tmp/x': missing patch"`,
      ),
    ).toBe("missing patch");
  });

  it("a command is split into words, quotes keep spaces", () => {
    expect(parseCommand("kubectl kustomize").argv).toEqual(["kubectl", "kustomize"]);
    expect(parseCommand(`"/opt/my tools/kustomize" build --enable-alpha-plugins`).argv).toEqual(["/opt/my tools/kustomize", "build", "--enable-alpha-plugins"]);
  });

  it("remote bases are told apart from local folders as kustomize reads them", () => {
    for (const remote of [
      "https://github.com/acme/edge//deploy?ref=v1",
      "github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v3.3.1",
      "git@github.com:acme/base.git",
      "ssh://git@example.com/acme/base.git",
      "gitlab.com/acme/base",
      "example.com/acme/base//deploy",
    ]) expect(looksRemote(remote), remote).toBe(true);
    for (const local of ["../../base", "base", "deployment.yaml", "./overlays/../base", "config.d/app"]) expect(looksRemote(local), local).toBe(false);
  });
});
