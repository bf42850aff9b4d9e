// The reference-list entry and in-text citations of each work, as citeproc-js
// sets them with the APA 7 CSL style, for tests/citeproc/report.py.
//
// Reads {"items": [CSL-JSON item, ...]} on stdin and prints
// {"style": {...}, "order": [id, ...], "entries": {id: {...}}} where each
// entry holds the reference (plain text and HTML), the parenthetical
// citation and the narrative one. All items form one reference list, so year
// suffixes and the names added to tell authors apart are those of the list.
//
// The style and the en-US locale are the copies @citation-js/plugin-csl ships,
// the engine is the npm `citeproc` package: both pinned in package-lock.json,
// nothing is fetched.

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const CSL = require("citeproc");
const STYLE = require("@citation-js/plugin-csl/lib/styles.json").apa;
const LOCALES = require("@citation-js/plugin-csl/lib/locales.json");

const input = JSON.parse(readFileSync(0, "utf8"));
const items = new Map(input.items.map((item) => [item.id, item]));

function engine(format) {
  const sys = {
    retrieveLocale: (lang) => LOCALES[lang] ?? LOCALES["en-US"],
    retrieveItem: (id) => items.get(id),
  };
  const eng = new CSL.Engine(sys, STYLE, "en-US", true);
  eng.setOutputFormat(format);
  eng.updateItems([...items.keys()]);
  return eng;
}

function bibliography(eng) {
  const [params, entries] = eng.makeBibliography();
  const out = new Map();
  params.entry_ids.forEach((ids, index) => out.set(ids[0], entries[index].trim()));
  return { order: params.entry_ids.map((ids) => ids[0]), entries: out };
}

const text = engine("text");
const html = engine("html");
const plainList = bibliography(text);
const htmlList = bibliography(html);

const entries = {};
// CSL 1.0 has no narrative form: the narrative citation is citeproc's author
// part, then its citation with the author suppressed. The ampersand of the
// parenthetical form is spelled out, as APA 8.17 does in running text.
// A work whose citation shows no author part (a legal text, cited by its
// name inside the parentheses) has no narrative form here: null.
const NO_AUTHOR = "[NO_PRINTED_FORM]";
for (const id of items.keys()) {
  let author = text.makeCitationCluster([{ id, "author-only": true }]);
  author = author === NO_AUTHOR ? "" : author.replace(/ & /g, " and ");
  const year = text.makeCitationCluster([{ id, "suppress-author": true }]);
  entries[id] = {
    bibliography: plainList.entries.get(id) ?? "",
    bibliography_html: htmlList.entries.get(id) ?? "",
    citation: text.makeCitationCluster([{ id }]),
    citation_html: html.makeCitationCluster([{ id }]),
    narrative: author ? `${author} ${year}` : null,
  };
}

const info = (tag) => (STYLE.match(new RegExp(`<${tag}>([^<]*)</${tag}>`)) ?? [, ""])[1];
const pkg = (name) => require(`${name}/package.json`).version;
process.stdout.write(
  JSON.stringify({
    style: {
      title: info("title"),
      id: info("id"),
      updated: info("updated"),
      citeproc: pkg("citeproc"),
      package: `@citation-js/plugin-csl ${pkg("@citation-js/plugin-csl")}`,
    },
    order: plainList.order,
    entries,
  }),
);
