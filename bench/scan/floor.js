// The floor as a command of its own: read every YAML file of the corpus and parse it with
// js-yaml, in a fresh process like the scan it is compared with (start-up, module loading
// and a cold JIT included). Prints the number of documents. Run by bench/scan/run.js.
import { readFileSync } from "node:fs";
import fg from "fast-glob";
import jsyaml from "js-yaml";

const corpus = process.argv[2];
// the schema shipshape parses with (YAML 1.2 core, as Kubernetes reads it, and merge keys): ~25% faster than the default
const schema = jsyaml.CORE_SCHEMA.extend([jsyaml.types.merge]);
let docs = 0;
for (const f of fg.sync("**/*.yaml", { cwd: corpus, absolute: true })) jsyaml.loadAll(readFileSync(f, "utf8"), () => docs++, { schema, json: true });
console.log(docs);
