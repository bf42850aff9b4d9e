// What citation-js reads from citation files: for tests/clients.py.
//
// Usage: node tests/citation_js.mjs FILE...
// Prints {"FILE": [CSL-JSON item, ...], ...}: each file read as a reader's
// program reads it, its format found by citation-js itself (BibTeX, RIS or
// CSL-JSON), with @citation-js/core and its BibTeX and RIS plugins as pinned
// in package-lock.json. citation-js's own bookkeeping (_graph) is left out.

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const { Cite } = require("@citation-js/core");
require("@citation-js/plugin-bibtex");
require("@citation-js/plugin-ris");

const out = {};
for (const path of process.argv.slice(2)) {
  const cite = await Cite.async(readFileSync(path, "utf8"));
  out[path] = cite.data.map(({ _graph, ...item }) => item);
}
process.stdout.write(JSON.stringify(out));
