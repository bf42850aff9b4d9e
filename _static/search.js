/* Peninsula Papers: the search page, on Pagefind's JavaScript API (peninsula.search).
 *
 * The query and the chosen filters live in the page's address
 * (search.html?q=...&author=...&topic=...&year=...), so a search can be shared
 * and reproduces its results. Pagefind fetches only the index chunks of the
 * words searched and the fragments of the results shown, in pages of ten.
 */
"use strict";

(() => {
  const form = document.getElementById("search-form");
  if (!form) return;
  const input = document.getElementById("search-input");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const filterBox = document.getElementById("search-filters");
  const filterDetails = document.getElementById("search-filter-box");

  /* the filters readers narrow by, made from the essays' front matter */
  const FACETS = [
    { name: "author", label: "Author" },
    { name: "topic", label: "Topic" },
    { name: "year", label: "Year" },
  ];
  const PER_PAGE = 10;
  /* the site's root, wherever it is hosted (/, /en/latest/, ...) */
  const root = new URL(document.documentElement.dataset.content_root || "./", location.href);

  let pagefind = null;
  /* pagefind/essays/: the essays' records by filter value, each file fetched when first needed */
  const essayFiles = new Map();
  let current = null; /* the results of the last search */
  let shown = 0;
  let serial = 0; /* a later search makes the results of an earlier one stale */

  function say(text) {
    status.textContent = text;
  }

  function notice(html) {
    const p = document.createElement("p");
    p.className = "search-notice";
    p.innerHTML = html;
    form.after(p);
  }

  /* Pagefind loads its index with fetch(), which browsers refuse for file:// pages */
  if (location.protocol === "file:") {
    input.disabled = true;
    form.querySelector("button").disabled = true;
    notice(
      "Search needs the site to be served over HTTP: a browser does not let a page opened " +
        "from disk load the search index. In the project folder run <kbd>make serve</kbd>, " +
        'then open <a href="http://127.0.0.1:8000/search.html">http://127.0.0.1:8000/search.html</a>.'
    );
    return;
  }

  function chosen() {
    const filters = {};
    for (const facet of FACETS) {
      const values = [...filterBox.querySelectorAll(`input[name="${facet.name}"]:checked`)].map(
        (box) => box.value
      );
      if (values.length) filters[facet.name] = { any: values };
    }
    return filters;
  }

  function remember() {
    const params = new URLSearchParams();
    if (input.value.trim()) params.set("q", input.value.trim());
    for (const box of filterBox.querySelectorAll("input:checked")) params.append(box.name, box.value);
    const query = params.toString();
    history.replaceState(null, "", query ? `?${query}` : location.pathname);
  }

  function order(facet, values) {
    if (facet === "year") return values.sort().reverse();
    if (facet === "author") {
      const family = (name) => name.split(" ").slice(-1)[0].toLowerCase() + " " + name.toLowerCase();
      return values.sort((a, b) => family(a).localeCompare(family(b)));
    }
    return values.sort((a, b) => a.localeCompare(b));
  }

  function drawFilters(totals, wanted) {
    filterBox.replaceChildren();
    for (const facet of FACETS) {
      const values = Object.keys(totals[facet.name] || {});
      if (!values.length) continue;
      const fieldset = document.createElement("fieldset");
      fieldset.className = `search-facet search-facet-${facet.name}`;
      const legend = document.createElement("legend");
      legend.textContent = facet.label;
      fieldset.append(legend);
      const ul = document.createElement("ul");
      for (const value of order(facet.name, values)) {
        const li = document.createElement("li");
        const label = document.createElement("label");
        const box = document.createElement("input");
        box.type = "checkbox";
        box.name = facet.name;
        box.value = value;
        box.checked = (wanted.getAll(facet.name) || []).includes(value);
        const count = document.createElement("span");
        count.className = "search-count";
        count.dataset.facet = facet.name;
        count.dataset.value = value;
        label.append(box, ` ${value} `, count);
        li.append(label);
        ul.append(li);
      }
      fieldset.append(ul);
      filterBox.append(fieldset);
    }
    filterDetails.hidden = !filterBox.children.length;
    /* open beside the results on a wide screen, and wherever a filter is on;
       on a phone, folded above the results until the reader asks */
    filterDetails.open =
      window.matchMedia("(min-width: 40em)").matches ||
      FACETS.some((facet) => wanted.getAll(facet.name).length > 0);
  }

  /* the number of results each value would give, with the query and the other filters */
  function drawCounts(counts) {
    for (const span of filterBox.querySelectorAll(".search-count")) {
      const n = (counts[span.dataset.facet] || {})[span.dataset.value] || 0;
      span.textContent = `(${n})`;
      span.closest("li").classList.toggle("search-count-none", n === 0);
    }
  }

  /* Pagefind's excerpts are HTML-escaped text with <mark> around matches: keep
     exactly that, so that nothing else of the index can become markup */
  function excerptNodes(excerpt) {
    const template = document.createElement("template");
    template.innerHTML = excerpt;
    const out = [];
    for (const node of template.content.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) out.push(document.createTextNode(node.textContent));
      else if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.push(mark);
      } else out.push(document.createTextNode(node.textContent));
    }
    return out;
  }

  /* the section of the page with the most matches, to link the result to */
  function bestSection(data) {
    const subs = (data.sub_results || []).slice();
    subs.sort((a, b) => (b.locations || []).length - (a.locations || []).length);
    return subs[0] || null;
  }

  function resultItem(data) {
    const li = document.createElement("li");
    li.className = "search-result";
    const section = bestSection(data);
    const heading = document.createElement("h2");
    heading.className = "search-result-title";
    const link = document.createElement("a");
    link.href = section ? section.url : data.url;
    link.textContent = data.meta.title || data.url;
    heading.append(link);
    li.append(heading);
    const meta = document.createElement("p");
    meta.className = "search-result-meta";
    meta.textContent =
      data.meta.kind === "Essay"
        ? `${data.meta.byline} · ${data.meta.date}`
        : "Reference page";
    li.append(meta);
    if (section && section.anchor && section.title && section.title !== data.meta.title) {
      const where = document.createElement("p");
      where.className = "search-result-section";
      where.textContent = `In “${section.title}”`;
      li.append(where);
    }
    const excerpt = document.createElement("p");
    excerpt.className = "search-result-excerpt";
    if (data.topics) excerpt.textContent = `Topics: ${data.topics}`;
    else excerpt.append(...excerptNodes(section ? section.excerpt : data.excerpt));
    li.append(excerpt);
    return li;
  }

  /* With filters and no words, Pagefind would fetch every chunk of its index;
     the essays' records hold all that a list by filters needs. They are split
     by filter value (peninsula.search): only the files of the values chosen
     are fetched, and put back newest first. */
  function essayFile(name) {
    if (!essayFiles.has(name)) {
      const url = new URL(`pagefind/essays/${name}`, root);
      essayFiles.set(
        name,
        fetch(url).then((response) => {
          if (!response.ok) throw new Error(`pagefind/essays/${name}: ${response.status}`);
          return response.json();
        })
      );
    }
    return essayFiles.get(name);
  }

  /* every essay having one of the chosen values of at least one filter */
  async function loadEssays(filters) {
    const index = await essayFile("index.json");
    const names = new Set();
    for (const [facet, filter] of Object.entries(filters)) {
      for (const value of filter.any) {
        const name = (index[facet] || {})[value];
        if (name) names.add(name);
      }
    }
    const byUrl = new Map();
    for (const listed of await Promise.all([...names].map(essayFile))) {
      for (const essay of listed) byUrl.set(essay.url, essay);
    }
    return [...byUrl.values()].sort((a, b) => a.order - b.order);
  }

  function matches(essay, filters, skip) {
    return Object.entries(filters).every(
      ([facet, filter]) => facet === skip || filter.any.some((v) => (essay[facet] || []).includes(v))
    );
  }

  /* as Pagefind counts: the results a value would give, with the other
     filters. Every essay those could count is among the records fetched for
     another filter chosen; a filter alone counts as with no filter: Pagefind's
     totals (*totals*). */
  function listCounts(some, filters, totals) {
    const counts = {};
    for (const facet of FACETS) {
      if (!Object.keys(filters).some((name) => name !== facet.name)) {
        counts[facet.name] = totals[facet.name] || {};
        continue;
      }
      const of = (counts[facet.name] = {});
      for (const essay of some) {
        if (!matches(essay, filters, facet.name)) continue;
        for (const value of essay[facet.name] || []) of[value] = (of[value] || 0) + 1;
      }
    }
    return counts;
  }

  function listItem(essay) {
    return {
      url: new URL(essay.url.replace(/^\//, ""), root).pathname,
      meta: { title: essay.title, kind: "Essay", byline: essay.byline, date: essay.date },
      excerpt: "",
      topics: essay.topic.join(", "),
    };
  }

  async function showMore() {
    const mine = serial;
    const next = current.results.slice(shown, shown + PER_PAGE);
    const data = await Promise.all(next.map((r) => (r.data ? r.data() : r)));
    if (mine !== serial) return;
    for (const item of data) list.append(resultItem(item));
    shown += next.length;
    more.hidden = shown >= current.results.length;
  }

  function describe(query, filters, count) {
    const parts = [];
    if (query) parts.push(`for “${query}”`);
    const names = Object.entries(filters).map(([facet, f]) => `${facet} ${f.any.join(" or ")}`);
    if (names.length) parts.push(`with ${names.join(", ")}`);
    const noun = count === 1 ? "result" : "results";
    return `${count === 0 ? "No" : count} ${noun} ${parts.join(" ")}.`;
  }

  /* the words of the query outside quoted phrases */
  function looseWords(query) {
    return query
      .replace(/"[^"]*"?/g, " ")
      .split(/\s+/)
      .filter((word) => /\w/.test(word));
  }

  /* Pagefind is generous with a word it does not know: it leaves it out when
     other words match, and failing that matches the longest indexed word that
     begins it ("Yeonpyeong" would find every "Y."). A reader asking for every
     word must get no result instead, and be told why. A word counts as present
     when its stem is in the index: a quoted word is matched on its stem alone.
     The index chunks these searches need are those of the search itself. */
  async function missingWord(query) {
    const words = looseWords(query);
    const each = await Promise.all(
      words.map((word) => pagefind.search(`"${word.replace(/"/g, "")}"`))
    );
    const index = each.findIndex((search) => search && search.results.length === 0);
    return index < 0 ? null : words[index];
  }

  async function run() {
    const mine = ++serial;
    /* a reader may ask before the index has loaded: the search waits for it */
    if (!(await loaded) || mine !== serial) return;
    remember();
    const query = input.value.trim();
    const filters = chosen();
    if (!query && !Object.keys(filters).length) {
      list.replaceChildren();
      more.hidden = true;
      current = null;
      drawCounts(await pagefind.filters());
      say("");
      return;
    }
    if (!query) {
      const [some, totals] = await Promise.all([loadEssays(filters), pagefind.filters()]);
      if (mine !== serial) return;
      const found = some.filter((essay) => matches(essay, filters));
      current = { results: found.map(listItem) };
      shown = 0;
      list.replaceChildren();
      drawCounts(listCounts(some, filters, totals));
      await showMore();
      say(describe(query, filters, found.length));
      return;
    }
    const [search, missing] = await Promise.all([
      pagefind.search(query, { filters }),
      missingWord(query),
    ]);
    if (mine !== serial || search === null) return;
    if (missing) {
      current = null;
      list.replaceChildren();
      more.hidden = true;
      drawCounts({});
      say(`No results: no page has the word “${missing}”.`);
      return;
    }
    current = search;
    shown = 0;
    list.replaceChildren();
    drawCounts(search.filters);
    await showMore();
    if (mine !== serial) return;
    say(describe(query, filters, search.results.length));
  }

  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    if (pagefind) pagefind.preload(input.value);
    timer = setTimeout(run, 250);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  filterBox.addEventListener("change", () => run());
  more.addEventListener("click", () => showMore());

  /* Loads Pagefind; resolves to whether search can run. */
  async function load() {
    const wanted = new URLSearchParams(location.search);
    /* what the reader typed while the page loaded wins over the address */
    if (!input.value) input.value = wanted.get("q") || "";
    try {
      pagefind = await import(new URL("pagefind/pagefind.js", root).href);
      await pagefind.options({ baseUrl: root.pathname, excerptLength: 30 });
      drawFilters(await pagefind.filters(), wanted);
    } catch (err) {
      notice(
        "The search index could not be loaded. If this copy of the site was opened from disk, " +
          "serve it instead: run <kbd>make serve</kbd> in the project folder."
      );
      say("Search is unavailable.");
      return false;
    }
    form.classList.add("search-ready");
    return true;
  }

  const loaded = load();
  run();
})();
