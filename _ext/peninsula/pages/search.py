"""Search: exact phrases, stemmed words and filters, from static files, with Pagefind.

Why this exists: Sphinx's own search has no phrase search and no filters, lists
every topic and author page that repeats an essay's abstract as a result of its
own, and makes a reader's browser fetch its whole index and then every result
page in full to cut an excerpt from it (9.4 MB for one query at 200 essays).
Pagefind indexes the built HTML into chunks that the browser fetches per word
and per result, stems English words, matches a quoted phrase exactly and counts
filter values; it is a binary shipped on PyPI (pagefind-bin) and writes only
static files, so search works on any host with no service and no network.

What this module adds:

* which pages are results: essays and reference pages (glossary, chronology,
  bibliography). A page whose front matter says ``nosearch: true`` (Sphinx's own
  convention: the front page, the topic and author pages, the 404 page) is not;
* each result page carries its search record as ``<meta>`` tags in its head,
  which Pagefind reads: the filters ``author``, ``topic`` and ``year``, the
  metadata ``byline``, ``date`` and ``kind``, and the sort key ``date``, all from
  the essay's record (peninsula.records.essays), the one source of these facts. Each
  tag is named (``<meta name="search-topic" content="China"
  data-pagefind-filter="topic[content]">``): HTML allows a ``<meta>`` with
  ``content`` only with a ``name``, ``property``, ``itemprop`` or
  ``http-equiv``, and Pagefind takes the value from the attribute the
  ``[content]`` names, whatever else the tag carries (its own example is an
  OpenGraph tag, https://pagefind.app/docs/filtering/);
* when the HTML build finishes, Pagefind indexes the result pages as written and
  the new index replaces ``pagefind/`` in the output only once it is complete.
  It is made again whenever a result page was written, so an edited essay is
  found by its new words and not by its old ones after an incremental build;
* beside the index, ``pagefind/essays.json`` lists every essay's record (title,
  byline, date, authors, topics, year), and ``pagefind/essays/`` the same
  records split by filter value: with filters and no words, the search page
  lists and counts from the files of the values chosen, since Pagefind would
  fetch every chunk of its index to answer a search with no words (1.4 MB at
  200 essays), and the whole catalogue grows with the collection (250 KB at
  1,000 essays). A retracted essay is not in them: it is not a result
  either (``peninsula.records.history`` marks its page ``nosearch``, as it does an
  earlier version's), so a filter must neither list nor count it;
* the search page itself is ``_templates/search.html`` with ``_static/search.js``
  (Pagefind's JavaScript API; results, filters and the shareable address);
* Sphinx's own index is not made: the HTML builder's search is turned off, so
  no page is stemmed and fed to an index nobody loads (a fifth of a clean
  build's time at 200 essays, and a 968 KB ``searchindex.js``). The search page
  is then added as a page of its own, and templates are still told it exists
  (``hasdoc('search')``), so every page keeps its link to it.
"""

from __future__ import annotations

import errno
import hashlib
import html
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from ..core.builder import is_site_builder
from ..records.essays import Essay, byline_text, credits, essays_domain, newest_first

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

INDEX_DIR = "pagefind"
#: the essays' records, for listing by filters alone
CATALOGUE = "essays.json"
#: the same records split by filter value: ``essays/index.json`` names, for
#: each filter and value, the file of the records having it
BY_VALUE = "essays"
#: what Pagefind leaves out of a page: furo's navigation, header and footer,
#: and the parts of our pages that repeat what is said elsewhere (the cite box
#: repeats the title, a "cited in" note the titles of the essays citing a work)
EXCLUDE = [
    ".sidebar-drawer",
    ".toc-drawer",
    ".mobile-header",
    ".content-icon-container",
    ".back-to-top",
    ".related-pages",
    ".bottom-of-page",
    ".headerlink",
    ".essay-pdf",
    ".essay-topics",
    ".cite-box",
    ".cited-in",
    ".backlinks",
]
#: the ``name`` of the ``<meta>`` tags of a page's search record, before the
#: filter's or metadata's own name (``search-author``, ``search-kind``)
META_PREFIX = "search-"
#: kinds of result, as the results list names them
ESSAY, REFERENCE = "Essay", "Reference"
#: the filters, in the order the search page shows them
FACETS = ("author", "topic", "year")
#: bump when what is indexed changes, so that the next build indexes again
INDEX_VERSION = "2"


def is_result(app: Sphinx, docname: str) -> bool:
    """Whether a page is a search result: not marked ``nosearch``."""
    return "nosearch" not in app.env.metadata.get(docname, {})


def search_record(record: Essay | None, config: Config) -> list[tuple[str, str, str]]:
    """What Pagefind stores of a result page, as (what, name, value): filters
    narrow the results, metadata is shown with them. The author filter names
    whom the head tags credit (the editors, for an unsigned original); the
    byline shown is the one on the page."""
    if record is None:
        return [("meta", "kind", REFERENCE)]
    topics = config.peninsula_topics
    tags = [("filter", "author", name) for name in credits(record, config).names]
    tags += [("filter", "topic", topics[t]) for t in record.topics]
    tags.append(("filter", "year", str(record.date.year)))
    tags += [("meta", "kind", ESSAY), ("meta", "byline", byline_text(record))]
    tags.append(("meta", "date", record.date_text))
    return tags


def meta_name(name: str) -> str:
    """The ``name`` of the ``<meta>`` tag carrying a filter or metadata value."""
    return f"{META_PREFIX}{name}"


def meta_tags(record: list[tuple[str, str, str]]) -> str:
    """The record as named ``<meta>`` tags with Pagefind's ``data-pagefind-*`` attributes."""
    return "\n" + "".join(
        f'<meta name="{meta_name(name)}" content="{html.escape(value)}" '
        f'data-pagefind-{what}="{name}[content]" />\n'
        for what, name, value in record
    )


def add_record(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if doctree is None or not is_site_builder(app) or not is_result(app, pagename):
        return
    record = essays_domain(app.env).essays.get(pagename)
    tags = meta_tags(search_record(record, app.config))
    context["metatags"] = context.get("metatags", "") + tags


def catalogue(app: Sphinx) -> list[dict[str, Any]]:
    """Every essay's record as the search page lists it, newest first, but
    for the retracted ones; the filter fields hold the values of the page's
    ``data-pagefind-filter`` tags."""
    out = []
    listed = (r for r in essays_domain(app.env).essays.values() if not r.retracted)
    for record in newest_first(listed):
        fields: dict[str, Any] = {
            "url": "/" + app.builder.get_target_uri(record.docname),
            "title": record.title,
        }
        for what, name, value in search_record(record, app.config):
            if what == "filter":
                fields.setdefault(name, []).append(value)
            elif what == "meta" and name != "kind":
                fields[name] = value
        fields.setdefault("author", [])
        out.append(fields)
    return out


def by_value(records: list[dict[str, Any]]) -> dict[str, bytes]:
    """The catalogue split by filter value, for a search page that lists by
    filters alone to fetch only the records of the values chosen: file name
    (in ``essays/``) -> its JSON. Each record keeps its place in the whole
    catalogue (``order``), so that records gathered from several files are
    put back newest first. A file is named by a digest of its filter and
    value, which may hold any character."""
    files: dict[str, list[dict[str, Any]]] = {}
    index: dict[str, dict[str, str]] = {}
    for order, record in enumerate(records):
        for facet in FACETS:
            for value in record.get(facet, []):
                key = hashlib.sha256(f"{facet}\0{value}".encode()).hexdigest()[:20]
                name = f"{facet}-{key}.json"
                index.setdefault(facet, {})[value] = name
                files.setdefault(name, []).append({**record, "order": order})
    out = {name: _json(listed) for name, listed in sorted(files.items())}
    out["index.json"] = _json({facet: dict(sorted(index[facet].items())) for facet in index})
    return out


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def result_pages(app: Sphinx) -> dict[str, Path]:
    """URL path (from the site's root) -> file of every result page written."""
    builder = app.builder
    pages = {}
    for docname in sorted(app.env.found_docs):
        if is_result(app, docname):
            path = Path(builder.get_outfilename(docname))
            if path.is_file():
                pages["/" + builder.get_target_uri(docname)] = path
    return pages


def index_stamp(pages: dict[str, Path], language: str, essays: str) -> str:
    """What the index is made from: every result page's name, size and date,
    and the catalogue of essays."""
    state = [INDEX_VERSION, language, EXCLUDE, essays]
    for url, path in pages.items():
        stat = path.stat()
        state.append([url, stat.st_size, stat.st_mtime_ns])
    return hashlib.sha256(json.dumps(state).encode()).hexdigest()


def _index(pages: dict[str, Path], outdir: Path, output: Path, language: str) -> int:
    """Index *pages* into *output* with Pagefind's own program, which has
    written every file when it exits. (Its Python API hands the index to an
    asynchronous service: ``write_files`` returned before the files were
    complete in about one clean build in five, and reading the files back
    through the service's pipe stalls past 2 MiB, a fraction of a journal's
    index.) The program is shown a folder of hard links to the result pages
    alone, at their places in the site, so their addresses are the site's."""
    from pagefind.service import get_executable

    program = get_executable()
    if program is None:
        raise RuntimeError("the pagefind program is not installed")
    shown = outdir / f".{INDEX_DIR}-pages"
    shutil.rmtree(shown, ignore_errors=True)
    try:
        for url, path in pages.items():
            link = shown / url.lstrip("/")
            link.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, link)
        result = subprocess.run(
            [str(program), "--site", str(shown), "--output-path", str(output)]
            + ["--force-language", language, "--exclude-selectors", ", ".join(EXCLUDE)]
            + ["--quiet"],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        shutil.rmtree(shown, ignore_errors=True)
    if result.returncode != 0 or not (output / "pagefind-entry.json").is_file():
        raise RuntimeError((result.stdout + result.stderr).strip() or f"exit {result.returncode}")
    return len(pages)


def build_index(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not is_site_builder(app):
        return
    outdir = Path(app.outdir)
    target = outdir / INDEX_DIR
    pages = result_pages(app)
    language = app.config.language or "en"
    records = catalogue(app)
    essays = _json(records).decode()
    stamp = index_stamp(pages, language, essays)
    stamp_file = Path(app.doctreedir) / "pagefind-index.sha256"
    if (
        stamp_file.is_file()
        and stamp_file.read_text() == stamp
        and (target / "pagefind-entry.json").is_file()
    ):
        return
    fresh = outdir / f".{INDEX_DIR}-new"
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        count = _index(pages, outdir, fresh, language)
        (fresh / CATALOGUE).write_text(essays, encoding="utf-8")
        (fresh / BY_VALUE).mkdir()
        for name, data in by_value(records).items():
            (fresh / BY_VALUE / name).write_bytes(data)
    except (OSError, RuntimeError) as err:
        shutil.rmtree(fresh, ignore_errors=True)
        fix = "reinstall the pinned pagefind and pagefind-bin (make html does it)"
        if isinstance(err, OSError) and err.errno == errno.ENOSPC:
            fix = "free some space on that disk"
        logger.warning(
            "the search index could not be written: %s: %s and build again",
            err,
            fix,
            type="search",
            subtype="index",
        )
        return
    old = outdir / f".{INDEX_DIR}-old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    stamp_file.write_text(stamp)
    logger.info("search: indexed %d pages into %s/", count, INDEX_DIR)


def no_sphinx_index(app: Sphinx) -> None:
    """Turn off the HTML builder's own search index: Pagefind is the search."""
    if is_site_builder(app):
        app.builder.search = False  # type: ignore[attr-defined]


def search_page(app: Sphinx) -> Iterator[tuple[str, dict, str]]:
    """The search page, which Sphinx writes only with its own index."""
    if is_site_builder(app):
        yield "search", {}, "search.html"


def search_exists(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Templates ask ``hasdoc('search')`` before linking the search page."""
    hasdoc = context.get("hasdoc")
    if hasdoc is not None and is_site_builder(app):
        context["hasdoc"] = lambda name: name == "search" or hasdoc(name)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("peninsula.records.essays")
    app.connect("builder-inited", no_sphinx_index)
    app.connect("html-collect-pages", search_page)
    app.connect("html-page-context", search_exists, priority=100)
    app.connect("html-page-context", add_record)
    app.connect("build-finished", build_index)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
