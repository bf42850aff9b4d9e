"""The published site's addresses: one base URL, a complete sitemap, robots.txt, a 404 page.

Why this exists: every absolute URL of the site (canonical links, sitemap,
feed, the 404 page's assets) must come from the one setting ``html_baseurl``,
whether or not it ends with a slash. Sphinx joins it properly for canonical
links; the two extensions that also need it do not:

- sphinx-sitemap 2.9 appends page names to the base URL as given, so a base
  without its final slash yields wrong addresses; it also lists only the pages
  written by the current build, so after an incremental build the sitemap
  would lose every page that did not change;
- sphinx-notfound-page makes the 404 page's asset and sidebar URLs absolute
  with a path prefix of its own (``/en/latest/`` by default), and leaves the
  links written in the page's body relative, which break when the page is
  served at ``/en/latest/some/missing/page.html``.

Here the base URL is checked and normalised once, both extensions are given
what they need from it, the sitemap is completed with the pages not written
this time, and ``robots.txt`` points crawlers at the sitemap.

The sitemap lists what search engines are to index: an essay's earlier
versions (``articles/<slug>/v<N>``, ``peninsula.records.versions``) are left out, as
their pages say ``noindex`` and name the current version as canonical
(``peninsula.pages.head``). Each essay gets a ``lastmod``, the date of its current
version, when that date is a day: sitemaps.org's schema types ``lastmod`` as
an XML Schema date or date-time (``YYYY-MM-DD``), and an essay dated to its
month or year alone would need a day invented for it. No other page gets one:
its date would be the build's or the file's, which say nothing of its content.
(sphinx-sitemap's own ``lastmod`` reads git history, which a build does not
need; ``sitemap_show_lastmod`` stays off.)

Two things an incremental build would otherwise leave stale on the site:
Sphinx leaves the page of a document that no longer exists in the output, where
it would stay published (it is deleted here); and every page's sidebar shows
the whole navigation (furo's toctree of every page's title), which Sphinx
does not track: when a page enters or leaves a toctree, or a listed page's
title changes, every page is written again.
"""

from __future__ import annotations

import queue
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import sphinx_sitemap
from docutils import nodes
from sphinx.util import logging
from sphinx_sitemap import add_html_link

from ..core.builder import base_url, is_site_builder, setting_location, write_if_changed

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

ROBOTS = "robots.txt"


def check_base_url(app: Sphinx, config: Config) -> None:
    parts = urlsplit(config.html_baseurl or "")
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        logger.warning(
            "html_baseurl %r is not the address of the site: set it to an absolute "
            "http(s) URL such as https://peninsula-papers.readthedocs.io/en/latest/, "
            "or set PENINSULA_BASE_URL",
            config.html_baseurl,
            location=setting_location(app, "html_baseurl"),
            type="site",
            subtype="baseurl",
        )
        return
    config.site_url = base_url(config)
    config.notfound_urls_prefix = urlsplit(base_url(config)).path


def absolute_body_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Links in the 404 page's own text, made absolute like its assets."""
    if docname != app.config.notfound_pagename or not is_site_builder(app):
        return
    here = app.config.notfound_urls_prefix + app.builder.get_target_uri(docname)
    for ref in doctree.findall(nodes.reference):
        uri = ref.get("refuri", "")
        if uri and not uri.startswith("#") and not urlsplit(uri).scheme:
            ref["refuri"] = urljoin(here, uri)


def essay_dates(app: Sphinx) -> tuple[set[str], dict[str, str]]:
    """The sitemap links of the earlier versions, and the ``lastmod`` of each
    essay whose current version is dated to the day, by link."""
    # peninsula.records.essays imports this module: its domain is looked up when a build ends
    from ..records.essays import essays_domain

    suffix = app.config.html_file_suffix or ".html"
    domain = essays_domain(app.env)
    earlier = {docname + suffix for docname in domain.versions}
    lastmods = {
        docname + suffix: record.modified.iso
        for docname, record in domain.essays.items()
        if record.modified.day is not None
    }
    return earlier, lastmods


def complete_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """Queue every page for sphinx-sitemap, not only those written this time,
    once each and in a fixed order (parallel writers queue them at random);
    earlier versions of essays left out, each essay with its ``lastmod``."""
    links = getattr(app, "sitemap_links", None)
    if exception is not None or links is None or not is_site_builder(app):
        return
    for docname in app.env.found_docs:
        add_html_link(app, docname, None, {}, None)
    earlier, lastmods = essay_dates(app)
    unique: dict[str, str | None] = {}
    while True:
        try:
            link, lastmod = links.get_nowait()
        except queue.Empty:
            break
        if link not in earlier:
            unique[link] = lastmods.get(link) or unique.get(link) or lastmod
    for link in sorted(unique):
        links.put((link, unique[link]))


def sitemap_queue(app: Sphinx) -> None:
    """What sphinx-sitemap does when the builder starts, with a plain queue in
    place of its ``multiprocessing.Manager().Queue()``: the manager is a
    process of its own, forked from the build's at every build, a no-op
    included (a tenth of a no-op's time at 200 essays). Its one use is to
    gather the pages that parallel writers write, and ``complete_sitemap``
    queues every page itself in the main process."""
    builder = getattr(app, "builder", None)
    if builder is None:
        return
    builder.env.is_directory_builder = type(builder).__name__ == "DirectoryHTMLBuilder"  # type: ignore[attr-defined]
    app.sitemap_links = queue.Queue()  # type: ignore[attr-defined]


def remove_pages_of_removed_documents(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Delete the page of every document gone since the last build (an author
    page whose author signs no essay any more, a deleted essay): Sphinx forgets
    the document but leaves its page in the output, which would stay published."""
    if is_site_builder(app):
        for docname in removed:
            Path(app.builder.get_outfilename(docname)).unlink(missing_ok=True)
    return []


def _navigation(env: BuildEnvironment) -> tuple[dict[str, list[str]], dict[str, str]]:
    """What every page's sidebar shows: the toctrees, and the title of each page
    they list (furo's navigation has titles only)."""
    includes = {doc: list(children) for doc, children in env.toctree_includes.items()}
    listed = sorted({child for children in includes.values() for child in children})
    return includes, {doc: env.titles[doc].astext() for doc in listed if doc in env.titles}


def note_navigation(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    env.peninsula_navigation_before = _navigation(env)  # type: ignore[attr-defined]
    return []


def navigation_changed(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Every page, when the navigation its sidebar shows has changed."""
    before = getattr(env, "peninsula_navigation_before", None)
    if before is None or before == _navigation(env) or not is_site_builder(app):
        return []
    return sorted(env.found_docs)


def write_robots(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not is_site_builder(app):
        return
    sitemap = base_url(app.config) + app.config.sitemap_filename
    text = f"User-agent: *\nDisallow:\n\nSitemap: {sitemap}\n"
    write_if_changed(Path(app.outdir) / ROBOTS, text.encode())


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx_sitemap")
    for listener in list(app.events.listeners.get("builder-inited", ())):
        if listener.handler is sphinx_sitemap.record_builder_type:
            app.disconnect(listener.id)
    app.connect("builder-inited", sitemap_queue)
    app.setup_extension("notfound.extension")
    # before the two extensions read the settings derived here
    app.connect("config-inited", check_base_url, priority=400)
    app.connect("build-finished", complete_sitemap, priority=400)
    app.connect("build-finished", write_robots)
    app.connect("env-get-outdated", remove_pages_of_removed_documents)
    app.connect("env-get-outdated", note_navigation)
    app.connect("env-get-updated", navigation_changed)
    app.connect("doctree-resolved", absolute_body_links)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
