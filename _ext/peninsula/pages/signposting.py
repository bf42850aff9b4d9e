"""FAIR Signposting: typed links from each essay's page to what machines look for.

Why this exists: a machine that finds an essay's page should not have to
scrape it to learn the address to cite, who wrote it, its licence, where its
metadata and its PDF are. FAIR Signposting (https://signposting.org/FAIR/)
says it with typed links, which this module writes from the essay's record:

* Level 1, in the page's head as ``<link rel=… href=…>``: Read the Docs and
  GitHub Pages send no headers of a site's choosing, and HTML links work on
  every host. Hosts that read ``_headers`` (Netlify, Cloudflare Pages) also
  send them as a ``Link`` header, one rule per page (``peninsula.pages.security``
  writes the file; this module gives it the rules);
* Level 2, a link set (RFC 9264, ``application/linkset+json``):
  ``cite/<slug>.linkset.json``, linked from the page with ``rel="linkset"``.
  It holds the page's links and those whose origin is the PDF (``collection``,
  back to the page) and each metadata file (``describes``): links that only an
  HTTP header of those files could carry otherwise, and no host of the site
  sends one.

The links of a page, per the profile's Level 1 table:

* ``cite-as``: the page's own address. "Dereferencing the target of a link
  with a cite-as relation type must lead to the landing page that provided
  that cite-as link", so an earlier version (``articles/<slug>/v<N>.html``)
  says its own address, not the current version's: it is what its cite box
  cites, and the text at the current address is another version. (Its
  ``<link rel="canonical">`` names the current page, for search engines; the
  two say different things.) The essays have no DOI or other persistent
  identifier; the page's address under ``html_baseurl`` is the one the site
  keeps for it;
* ``type``: ``https://schema.org/ScholarlyArticle``, the JSON-LD's type.
  Not ``AboutPage``: the profile asks for that second type only when the
  identifier leads to "an actual landing page", and not "when the persistent
  identifier of the scholarly object directly resolves to a content resource,
  such as an HTML article, without presenting an intermediate landing page",
  which is what an essay's page is. Pages that are not essays (the front
  page, topic and author lists) describe no scholarly object and carry none;
* ``author``: each author's ORCID iD, when given (the profile asks for
  persistent identifiers of authors, which a page of this site is not);
* ``license``: the licence's address from ``peninsula_licenses``;
* ``describedby``: the cite box's downloads (BibTeX, RIS, CSL-JSON, each with
  its media type) and the page's JSON-LD as a file, ``cite/<slug>.jsonld``;
* ``item``: the PDF, ``application/pdf``, when the build publishes it
  (``pdfs.pdf_published``); an earlier version has none.

The JSON-LD link carries no ``profile`` attribute: HTML's ``<link>`` has none
(the Nu Html Checker refuses it), and the link set and header say the same as
the page.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..core.builder import base_url, is_site_builder, page_url, write_if_changed
from ..records.essays import Essay, essays_domain, remove_files_of_removed_essays
from .cite import CITE_DIR, DOWNLOADS, file_stem, jsonld_path
from .pdfs import essay_pdf, pdf_published

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

SCHOLARLY_ARTICLE = "https://schema.org/ScholarlyArticle"
LINKSET_TYPE = "application/linkset+json"
#: the link back to the page from the target of each of its links that has one
BACK_LINKS = {"item": "collection", "describedby": "describes"}
#: the media type of each metadata file, by suffix
MEDIA_TYPES = {
    "bib": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
    "json": "application/vnd.citationstyles.csl+json",
    "jsonld": "application/ld+json",
}


@dataclass(frozen=True)
class Link:
    """A typed link from an essay's page; *type* is the target's media type."""

    rel: str
    href: str
    type: str = ""

    def html(self) -> str:
        kind = f' type="{html.escape(self.type)}"' if self.type else ""
        return f'<link rel="{self.rel}"{kind} href="{html.escape(self.href)}" />'

    def header(self) -> str:
        """The link in a ``Link`` header's syntax (RFC 8288)."""
        kind = f'; type="{self.type}"' if self.type else ""
        return f'<{self.href}>; rel="{self.rel}"{kind}'

    def target(self) -> dict[str, str]:
        """The link's target object in a JSON link set."""
        return {"href": self.href, **({"type": self.type} if self.type else {})}


def linkset_path(record: Essay) -> str:
    """The site-relative path of the page's link set: ``cite/<slug>.linkset.json``."""
    return f"{CITE_DIR}/{file_stem(record)}.linkset.json"


def metadata_paths(record: Essay) -> list[tuple[str, str]]:
    """Each file describing the version *record* is, with its media type: the
    cite box's downloads, then the JSON-LD."""
    stem = file_stem(record)
    files = [(f"{CITE_DIR}/{stem}.{suffix}", MEDIA_TYPES[suffix]) for *_, suffix, _ in DOWNLOADS]
    return files + [(jsonld_path(record), MEDIA_TYPES["jsonld"])]


def page_links(env: BuildEnvironment, config: Config, record: Essay) -> list[Link]:
    """The typed links of the page of *record*, the link set's excepted."""
    base = base_url(config)
    links = [Link("cite-as", page_url(config, record.docname)), Link("type", SCHOLARLY_ARTICLE)]
    links += [Link("author", f"https://orcid.org/{a.orcid}") for a in record.authors if a.orcid]
    links.append(Link("license", config.peninsula_licenses[record.license][1]))
    links += [Link("describedby", base + path, kind) for path, kind in metadata_paths(record)]
    pdf = essay_pdf(record.docname)
    if not record.frozen and pdf_published(env, pdf):
        links.append(Link("item", base + pdf, "application/pdf"))
    return links


def linkset_link(config: Config, record: Essay) -> Link:
    return Link("linkset", base_url(config) + linkset_path(record), LINKSET_TYPE)


def linkset(links: list[Link], page: str) -> dict[str, Any]:
    """The link set of a page (RFC 9264's JSON form): the page's links, then
    each item's ``collection`` and each metadata file's ``describes`` link
    back to the page. Every origin is explicit, as the profile asks."""
    own: dict[str, Any] = {"anchor": page}
    for link in links:
        own.setdefault(link.rel, []).append(link.target())
    back = {"type": "text/html", "href": page}
    contexts = [own]
    for link in links:
        if link.rel in BACK_LINKS:
            contexts.append({"anchor": link.href, BACK_LINKS[link.rel]: [back]})
    return {"linkset": contexts}


def add_signposts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The page's links in its head, and its link set beside its downloads."""
    record = essays_domain(app.env).record(pagename)
    if record is None or doctree is None or not is_site_builder(app):
        return
    links = page_links(app.env, app.config, record)
    tags = [link.html() for link in [*links, linkset_link(app.config, record)]]
    context["metatags"] = context.get("metatags", "") + "\n".join(tags) + "\n"
    data = linkset(links, page_url(app.config, record.docname))
    path = Path(app.outdir) / linkset_path(record)
    path.parent.mkdir(exist_ok=True)
    write_if_changed(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode())


def header_rules(app: Sphinx) -> str:
    """The ``_headers`` rules that send each essay page's links as a ``Link``
    header, under the path of ``html_baseurl``: one rule per page."""
    domain = essays_domain(app.env)
    prefix = urlsplit(base_url(app.config)).path
    suffix = app.config.html_file_suffix or ".html"
    rules = []
    for docname in sorted({**domain.essays, **domain.versions}):
        record = domain.record(docname)
        assert record is not None
        links = [*page_links(app.env, app.config, record), linkset_link(app.config, record)]
        value = ", ".join(link.header() for link in links)
        rules.append(f"{prefix}{docname}{suffix}\n  Link: {value}\n")
    return "".join(rules)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("peninsula.pages.cite")
    app.setup_extension("peninsula.pages.security")
    # after peninsula.pages.head (400), whose JSON-LD file the links name
    app.connect("html-page-context", add_signposts, priority=420)
    remove_files_of_removed_essays(app, lambda record: [linkset_path(record)])
    app.connect("peninsula-header-rules", header_rules)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
