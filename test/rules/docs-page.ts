import jsyaml from "js-yaml";

/** One fenced example of a rule page, with the Kubernetes version it is checked against. */
export interface DocBlock {
  section: "Fails" | "Passes";
  lang: "yaml" | "dockerfile";
  text: string;
  /** 1-based line of the opening fence in the page */
  line: number;
  /** from a `<!-- kube: 1.N -->` comment right before the fence */
  kube?: string;
  /** from a `<!-- builds: TAG [TAG…] -->` comment right before the fence: the tags the
   * example's build pushes (pair rules; without it the pair has no build evidence) */
  builds?: string[];
}

export interface DocPage {
  /** from the `# <id>` heading */
  id: string | undefined;
  summary: string | undefined;
  blocks: DocBlock[];
}

const KUBE_COMMENT = /^<!--\s*kube:\s*([0-9.]+|latest)\s*-->$/;
const BUILDS_COMMENT = /^<!--\s*builds:\s*(.+?)\s*-->$/;

/** Read a rule page: its id, summary line, and the fenced blocks under `## Fails` and `## Passes`. */
export function readDocPage(text: string): DocPage {
  const lines = text.split(/\r?\n/);
  let id: string | undefined;
  let summary: string | undefined;
  let section: DocBlock["section"] | undefined;
  let pendingKube: string | undefined;
  let pendingBuilds: string[] | undefined;
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (id === undefined && line.startsWith("# ")) {
      id = line.slice(2).trim();
      continue;
    }
    if (id !== undefined && summary === undefined && line.trim() !== "") {
      summary = line.trim();
      continue;
    }
    const heading = /^##\s+(.*)$/.exec(line);
    if (heading) {
      const name = heading[1]!.trim();
      section = name === "Fails" || name === "Passes" ? name : undefined;
      pendingKube = undefined;
      pendingBuilds = undefined;
      continue;
    }
    const kube = KUBE_COMMENT.exec(line.trim());
    if (kube) {
      pendingKube = kube[1];
      continue;
    }
    const builds = BUILDS_COMMENT.exec(line.trim());
    if (builds) {
      pendingBuilds = builds[1]!.split(/[\s,]+/);
      continue;
    }
    const fence = /^(```+)\s*(\w+)?\s*$/.exec(line);
    if (fence) {
      const ticks = fence[1]!;
      const lang = fence[2];
      const start = i;
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith(ticks); i++) body.push(lines[i]!);
      if (section && (lang === "yaml" || lang === "dockerfile")) {
        blocks.push({ section, lang, text: body.join("\n") + "\n", line: start + 1, kube: pendingKube, builds: pendingBuilds });
      }
      pendingKube = undefined;
      pendingBuilds = undefined;
      continue;
    }
    if (line.trim() !== "") pendingKube = pendingBuilds = undefined;
  }
  return { id, summary, blocks };
}

/**
 * The manifest text a yaml block stands for: a full object (apiVersion and kind) as is;
 * a snippet whose top level has `containers:` becomes the spec of a Pod.
 */
export function manifestText(block: DocBlock): string {
  const value = jsyaml.load(block.text);
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    if ("apiVersion" in obj && "kind" in obj) return block.text;
    if ("containers" in obj) {
      const indented = block.text
        .split("\n")
        .map((l) => (l === "" ? l : `  ${l}`))
        .join("\n");
      return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: docs-example\nspec:\n${indented}`;
    }
  }
  throw new Error(`yaml block at line ${block.line}: expected a full object (apiVersion, kind) or a pod spec snippet with 'containers:'`);
}
