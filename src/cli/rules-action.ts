import { allRules } from "../analyze/registry.js";
import { ruleDocsUrl } from "../report/rule-docs.js";
import { colorsFor } from "../report/colors.js";
import { checkOutput, emit, parseFormat } from "./output.js";

export async function rulesAction(opts: { format: string; output?: string }): Promise<void> {
  const format = parseFormat(opts.format, ["text", "json"] as const);
  await checkOutput(opts.output);
  const rules = allRules();
  if (format === "json") {
    await emit(JSON.stringify({ rules: rules.map((r) => ({ ...r, helpUri: ruleDocsUrl(r.id) })) }, null, 2) + "\n", opts.output);
    return;
  }
  const c = colorsFor(opts.output ? {} : process.stdout);
  const width = Math.max(...rules.map((r) => r.id.length));
  const lines = rules.map((r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.summary}\n${" ".repeat(width + 11)}${c.dim(ruleDocsUrl(r.id))}`);
  await emit(lines.join("\n") + "\n", opts.output);
}
