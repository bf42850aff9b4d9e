"""The EPUB edition: the whole collection as one EPUB 3 book (``make epub``).

Why this exists: some readers read on e-readers, and screen-reader users often
prefer EPUB to PDF, which LaTeX on this platform cannot tag (tagging needs
LuaLaTeX from TeX Live 2025; Debian 12 ships 2022). The EPUB holds what the PDF
edition holds, the pages of the front page's toctrees: the front page, every
essay with its header, References and History, the bibliography, the glossary,
the chronology and the corrections. As in the PDF, an essay's earlier versions
and the topic and author pages are not in it: a link to one of them leads to
that page on the published site (``html_baseurl``), and so does a link to any
page outside the book. A retracted essay stays in it, as it stays in the PDF
edition, opening with its notice; its entry in the table of contents says
"(retracted)". Like a PDF, an EPUB travels without its page, so every essay
says which version it is under its byline, as the PDF does.

Sphinx's ``epub`` builder is the base; :class:`EpubEdition` replaces it under
the same name, so that ``make epub`` (``sphinx-build -M epub``) builds this:

* the website's parts that do nothing in a book are left out: no script (the
  previews, copy buttons and search need a browser and the site), none of the
  head tags made for search engines and citation managers (the book's metadata
  is its package document's), only the book's own stylesheets
  (``epub_css_files``, and the font's), and the cite box reduced to the APA
  reference, as in the PDF (its downloads are the site's);
* of the chronology's two timelines, the narrow one, drawn for screens less
  than 40em wide, which an e-reader's is;
* every page says its language (``lang`` and ``xml:lang``), and every run of
  Hangul is marked Korean (``lang="ko"``), so that a screen reader reads it
  with a Korean voice. E-readers may have no Korean font, so the characters of
  the book outside Latin scripts (Hangul and CJK) are embedded, as a subset of
  the font the PDF sets them in (``peninsula_epub_hangul_font``, Noto Serif
  CJK KR from fonts-noto-cjk). Its licence, the SIL Open Font License 1.1,
  allows embedding a subset in a document; the subset keeps the font's
  copyright and licence fields, and the book's last page, "About this
  edition", names the font and gives the licence in full;
* the package document (``content.opf``) is written here, with lxml, from
  the essays' records: the editors as creator (editor, and author of an
  unsigned original, as everywhere else), each author as contributor, the
  topics as subjects, the date of the newest version as the book's date; an
  identifier derived from the site's address, so that every build of the
  collection is the same publication; and the EPUB Accessibility 1.1 metadata.
  Every text reaches it as an XML text node or attribute, escaped by lxml;
* the navigation document, second in the reading order, lists each page with
  each essay's sections (its References and History among them), and the
  landmarks: cover, contents, start of the essays, bibliography, glossary,
  "About this edition". The book opens with a title page in text; its cover
  picture, which reading systems show in their library, is drawn with
  matplotlib in DejaVu Serif (which matplotlib ships: the same on every
  machine), from conf.py's title and description;
* the book is reproducible: its dates are the content's, or
  ``SOURCE_DATE_EPOCH``, and the zip's entries are written in a fixed order
  with that date, never the time of the build.

On the website, ``{epub-edition}`text``` links the EPUB where the PDF edition
is linked, and the HTML build copies the published EPUB (``_build/epub``, named
by ``peninsula_epub_dir``, which tools/build.py sets) into ``epub/``. Only a
published EPUB is linked: without one the text stays plain and the build says
how to make it; a page linking it is written again when it appears or goes.
"""

from __future__ import annotations

import datetime
import html
import os
import posixpath
import re
import subprocess
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from lxml import etree
from sphinx.builders.epub3 import Epub3Builder, validate_config_values
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.osutil import copyfile, relative_uri

from ..core.builder import base_url, is_site_builder, page_url
from ..records.essays import Essay, credits, essays_domain
from .chronology import NARROW
from .feed import timestamp
from .pdfs import (
    THIS_PAGE,
    THIS_VERSION,
    add_version_line,
    has_history,
    pages_holding,
    track_pages_holding,
)

if TYPE_CHECKING:
    from docutils.parsers.rst.states import Inliner
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: where the website carries the EPUB edition
EPUB_DIR = "epub"
#: the pages the book adds to the site's
COVER_PAGE = "cover.xhtml"
COVER_IMAGE = "cover.png"
COLOPHON_PAGE = "colophon.xhtml"
NAV_PAGE = "nav.xhtml"
FONT_FILE = "_static/fonts/NotoSerifCJKkr-subset.otf"
FONT_CSS = "epub/fonts.css"  # under _static/, linked from every page
#: the SIL Open Font License 1.1, given in full with the embedded font
OFL = Path(__file__).resolve().parents[3] / "_static" / "epub" / "OFL.txt"

OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: Hangul: Jamo, Compatibility Jamo, Jamo Extended-A and -B, Syllables
HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
#: a run of Korean words, spaces between them included
HANGUL_RUN = re.compile(f"[{HANGUL}]+(?:\\s+[{HANGUL}]+)*")
#: what the embedded font is for: Hangul, and the CJK characters a Korean text
#: may hold (ideographs, their punctuation, full-width forms), which fonts for
#: Latin scripts lack
CJK = (
    HANGUL + "\u2e80-\u2fdf\u3000-\u303f\u3200-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
)
CJK_CHAR = re.compile(f"[{CJK}]")

#: the EPUB Accessibility 1.1 claim (docs/editing.md, "EPUB edition", says why it holds)
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
FEATURES = (
    "structuralNavigation",
    "tableOfContents",
    "readingOrder",
    "alternativeText",
    "displayTransformability",
)
SUMMARY = (
    "Reflowable text with headings for every essay and section, a table of contents "
    "and landmarks, in the reading order of the PDF edition. Every picture has a text "
    "alternative, and the chronology's timeline is also given as the list of events "
    "that follows it. Every page states its language, Korean text is marked as "
    "Korean, and the font to show it is embedded. No page list: the PDF edition's "
    "page breaks are set by TeX and have no place in this book. Evaluated by the "
    "publisher, whose tests check every page with EPUBCheck and axe-core."
)
#: MARC relator codes of the creators' roles
EDITOR, AUTHOR = "edt", "aut"


# -- What is in the book ----------------------------------------------------------------


def edition_docs(env: BuildEnvironment, root: str) -> list[str]:
    """The pages of the edition in reading order: the root page, then every
    page its toctrees bring in, depth first, as the PDF edition holds them."""
    order: list[str] = []

    def visit(docname: str) -> None:
        if docname in order or docname not in env.all_docs:
            return
        order.append(docname)
        for child in env.toctree_includes.get(docname, ()):
            visit(child)

    visit(root)
    return order


@dataclass
class TocEntry:
    """A line of the table of contents: its text, address and the lines under it."""

    text: str
    href: str
    children: list[TocEntry] = field(default_factory=list)


def nested(flat: Iterable[tuple[int, str, str]]) -> list[TocEntry]:
    """(level, text, href) lines, level 1 the pages, as a tree."""
    top: list[TocEntry] = []
    stack: list[tuple[int, list[TocEntry]]] = [(0, top)]
    for level, text, href in flat:
        while stack[-1][0] >= level:
            stack.pop()
        entry = TocEntry(text, href)
        stack[-1][1].append(entry)
        stack.append((level, entry.children))
    return top


def toctree_level(node: nodes.reference) -> int:
    """The depth of a link of a resolved toctree (its item's ``toctree-l<N>``), 0 if none."""
    for cls in node.parent.get("classes", []) if node.parent is not None else ():
        if cls.startswith("toctree-l") and cls[9:].isdigit():
            return int(cls[9:])
    return 0


# -- The package document ---------------------------------------------------------------


def book_identifier(config: Config) -> str:
    """The book's identifier: a UUID (version 5) of the site's address, so that
    every build of the collection from the same site is the same publication."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, base_url(config))}"


def book_date(records: Iterable[Essay]) -> str:
    """The book's date: the day of the newest version of any essay, as
    precise as its front matter gives it (``2026-12-05``, ``2023-02``)."""
    return max(r.modified for r in records).iso


def modified(records: Iterable[Essay]) -> str:
    """``dcterms:modified``, a full UTC timestamp: ``SOURCE_DATE_EPOCH`` when it
    is set (reproducible builds), otherwise midnight of the newest version's day."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        moment = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
    else:
        moment = timestamp(max(r.modified for r in records))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Creators:
    """Who the book credits: the editors as its creator, and each essay's
    authors, in the order of the book, as contributors."""

    editors: str
    editor_roles: tuple[str, ...]
    authors: tuple[str, ...]


def creators(records: list[Essay], config: Config) -> Creators:
    """The editors edit every edition, and author an unsigned one (as in the
    head tags, the cite box and the PDFs: ``essays.credits``)."""
    roles = [EDITOR]
    authors: list[str] = []
    for record in records:
        credited = credits(record, config)
        if credited.group:
            if AUTHOR not in roles:
                roles.append(AUTHOR)
            continue
        authors += [name for name in credited.names if name not in authors]
    return Creators(config.peninsula_editors, tuple(roles), tuple(authors))


def subjects(records: list[Essay], config: Config) -> list[str]:
    """The topics of the book's essays, as ``peninsula_topics`` labels and orders them."""
    used = {topic for record in records for topic in record.topics}
    return [label for slug, label in config.peninsula_topics.items() if slug in used]


def licences(records: list[Essay], config: Config) -> list[tuple[str, str]]:
    """(name, address) of each licence the essays are published under."""
    keys = sorted({record.license for record in records})
    return [tuple(config.peninsula_licenses[key]) for key in keys]  # type: ignore[misc]


@dataclass(frozen=True)
class ManifestItem:
    href: str
    media_type: str
    properties: str = ""


def _sub(parent: etree._Element, tag: str, text: str = "", **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attributes.items()})
    if text:
        element.text = text
    return element


def package_document(
    config: Config,
    records: list[Essay],
    manifest: list[ManifestItem],
    spine: list[str],
    access_modes: list[str],
    font_notice: str,
) -> bytes:
    """``content.opf``: the book's metadata, its files and its reading order."""
    dc = f"{{{DC_NS}}}"
    package = etree.Element(
        f"{{{OPF_NS}}}package",
        {"version": "3.0", "unique-identifier": "pub-id", XML_LANG: config.epub_language},
        nsmap={None: OPF_NS},
    )
    metadata = etree.SubElement(package, f"{{{OPF_NS}}}metadata", nsmap={"dc": DC_NS})
    opf = f"{{{OPF_NS}}}"
    _sub(metadata, dc + "identifier", book_identifier(config), id="pub-id")
    _sub(metadata, dc + "title", config.epub_title, id="title")
    _sub(metadata, dc + "language", config.epub_language)
    who = creators(records, config)
    _sub(metadata, dc + "creator", who.editors, id="editors")
    for role in who.editor_roles:
        _sub(
            metadata,
            opf + "meta",
            role,
            refines="#editors",
            property="role",
            scheme="marc:relators",
        )
    for number, name in enumerate(who.authors, start=1):
        _sub(metadata, dc + "contributor", name, id=f"author-{number}")
        _sub(
            metadata,
            opf + "meta",
            AUTHOR,
            refines=f"#author-{number}",
            property="role",
            scheme="marc:relators",
        )
    _sub(metadata, dc + "publisher", config.project)
    _sub(metadata, dc + "date", book_date(records))
    _sub(metadata, opf + "meta", modified(records), property="dcterms:modified")
    _sub(metadata, dc + "description", config.epub_description)
    for subject in subjects(records, config):
        _sub(metadata, dc + "subject", subject)
    copyright = config.epub_copyright
    rights = [copyright] if isinstance(copyright, str) else list(copyright)
    rights += [f"Essays under the {name} licence, {url}" for name, url in licences(records, config)]
    if font_notice:
        rights.append(font_notice)
    for line in rights:
        _sub(metadata, dc + "rights", line)
    for mode in access_modes:
        _sub(metadata, opf + "meta", mode, property="schema:accessMode")
    _sub(metadata, opf + "meta", "textual", property="schema:accessModeSufficient")
    if access_modes != ["textual"]:
        _sub(metadata, opf + "meta", ",".join(access_modes), property="schema:accessModeSufficient")
    for feature in FEATURES:
        _sub(metadata, opf + "meta", feature, property="schema:accessibilityFeature")
    _sub(metadata, opf + "meta", "none", property="schema:accessibilityHazard")
    _sub(metadata, opf + "meta", SUMMARY, property="schema:accessibilitySummary")
    _sub(metadata, opf + "meta", CONFORMANCE, property="dcterms:conformsTo", id="conformance")
    # the party that evaluated the book, which EPUB Accessibility 1.1 requires
    # with a claim ("Evaluator name"): here the publisher, as in its first example
    _sub(
        metadata, opf + "meta", config.project, property="a11y:certifiedBy", refines="#conformance"
    )
    _sub(metadata, opf + "meta", name="cover", content=item_id(COVER_IMAGE))
    items = etree.SubElement(package, opf + "manifest")
    for item in manifest:
        attributes = {"id": item_id(item.href), "href": item.href, "media-type": item.media_type}
        if item.properties:
            attributes["properties"] = item.properties
        etree.SubElement(items, opf + "item", attributes)
    order = etree.SubElement(package, opf + "spine")
    for href in spine:
        etree.SubElement(order, opf + "itemref", idref=item_id(href))
    return etree.tostring(package, xml_declaration=True, encoding="utf-8", pretty_print=True)


def item_id(href: str) -> str:
    """A manifest id from a path: an XML name, the same on every build."""
    return "item-" + re.sub(r"[^A-Za-z0-9_.-]", "_", href)


# -- Pages the book makes itself ---------------------------------------------------------


def xhtml_page(title: str, language: str, css: list[str]) -> tuple[etree._Element, etree._Element]:
    """A new XHTML page with *title*, its stylesheets and an empty body."""
    root = etree.Element(
        f"{{{XHTML_NS}}}html",
        {"lang": language, XML_LANG: language},
        nsmap={None: XHTML_NS, "epub": EPUB_NS},
    )
    head = etree.SubElement(root, f"{{{XHTML_NS}}}head")
    etree.SubElement(head, f"{{{XHTML_NS}}}meta", charset="utf-8")
    etree.SubElement(head, f"{{{XHTML_NS}}}title").text = title
    for href in css:
        etree.SubElement(head, f"{{{XHTML_NS}}}link", rel="stylesheet", type="text/css", href=href)
    body = etree.SubElement(root, f"{{{XHTML_NS}}}body")
    return root, body


def xhtml_bytes(root: etree._Element) -> bytes:
    return b"<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE html>\n" + etree.tostring(
        root, encoding="utf-8", pretty_print=True
    )


def h(parent: etree._Element, tag: str, text: str = "", **attributes: str) -> etree._Element:
    """An XHTML element in *parent*; ``epub_type`` is ``epub:type``."""
    attrs = {}
    for name, value in attributes.items():
        if name == "epub_type":
            attrs[f"{{{EPUB_NS}}}type"] = value
        else:
            attrs[name.rstrip("_").replace("_", "-")] = value
    element = etree.SubElement(parent, f"{{{XHTML_NS}}}{tag}", attrs)
    if text:
        element.text = text
    return element


def toc_list(parent: etree._Element, entries: list[TocEntry]) -> None:
    listing = h(parent, "ol")
    for entry in entries:
        item = h(listing, "li")
        h(item, "a", entry.text, href=entry.href)
        if entry.children:
            toc_list(item, entry.children)


def cover_text(config: Config) -> tuple[str, str, str]:
    """What the cover shows: the title, the description, who edits it."""
    editors = config.peninsula_editors
    return (
        config.epub_title,
        config.epub_description,
        f"Edited by the {editors[:1].lower()}{editors[1:]}",
    )


def draw_cover(path: Path, config: Config) -> None:
    """The cover picture, 1600 × 2400 pixels: the title, the description and the
    editors, in DejaVu Serif (shipped with matplotlib: the same on every machine)."""
    import textwrap

    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    title, description, editors = cover_text(config)
    ink, paper, accent = "#1b2a3a", "#f4efe6", "#9c3d2e"
    with matplotlib.rc_context({"font.family": "DejaVu Serif"}):
        fig = Figure(figsize=(8, 12), dpi=200, facecolor=paper)
        rule = Rectangle((0.08, 0.62), 0.84, 0.006, transform=fig.transFigure, color=accent)
        fig.patches.append(rule)
        fig.text(0.08, 0.70, title, fontsize=44, color=ink, weight="bold", parse_math=False)
        fig.text(
            0.08,
            0.58,
            "\n".join(textwrap.wrap(description, 34)),
            fontsize=21,
            color=ink,
            va="top",
            linespacing=1.4,
            parse_math=False,
        )
        fig.text(0.08, 0.08, editors, fontsize=17, color=ink, parse_math=False)
        fig.text(0.08, 0.045, "EPUB edition", fontsize=15, color=accent, parse_math=False)
        fig.savefig(path, format="png", facecolor=paper, metadata={"Software": None})


# -- The font for Hangul --------------------------------------------------------------


@dataclass(frozen=True)
class FontSource:
    path: Path
    index: int
    family: str
    copyright: str


def find_font(family: str) -> FontSource | str:
    """The regular face of *family* as fontconfig knows it, or what is wrong."""
    try:
        found = subprocess.run(
            ["fc-list", f":family={family}:style=Regular", "--format=%{file}\t%{index}\n"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split("\n")[0]
    except OSError:
        found = ""
    if not found:
        return (
            f"the font {family!r} (peninsula_epub_hangul_font), which the EPUB embeds "
            "for its Hangul, is not installed: install fonts-noto-cjk "
            "(sudo apt-get install fonts-noto-cjk)"
        )
    path, index = found.split("\t")
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=int(index), lazy=True)
    names = font["name"]
    copyright = names.getDebugName(0) or ""
    return FontSource(Path(path), int(index), names.getDebugName(1) or family, copyright)


def subset_font(source: FontSource, text: str, target: Path) -> None:
    """The glyphs of *text* from *source*, as an OpenType (CFF) font; the
    font's names are kept whole (copyright, licence and its address)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # the source's own timestamps, not the time of the build
    font = TTFont(str(source.path), fontNumber=source.index, recalcTimestamp=False)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(target))


def unicode_ranges(chars: Iterable[str]) -> str:
    """``U+AC00, U+C724-C725``: the code points of *chars*, for ``unicode-range``."""
    points = sorted({ord(c) for c in chars})
    spans: list[list[int]] = []
    for point in points:
        if spans and point == spans[-1][1] + 1:
            spans[-1][1] = point
        else:
            spans.append([point, point])
    return ", ".join(f"U+{a:04X}" if a == b else f"U+{a:04X}-{b:04X}" for a, b in spans)


# -- The builder ----------------------------------------------------------------------


class EpubEdition(Epub3Builder):
    """Sphinx's EPUB 3 builder, writing the edition described in this module's docstring."""

    name = "epub"

    def init(self) -> None:
        super().init()
        self._edition: tuple[list[str], frozenset[str]] | None = None

    # what the pages are and link to

    def _pages(self) -> tuple[list[str], frozenset[str]]:
        """The book's pages, in reading order and as a set, read from the
        toctrees once per build (they are read by the time pages are written)."""
        if self._edition is None:
            order = edition_docs(self.env, self.config.root_doc)
            self._edition = (order, frozenset(order))
        return self._edition

    @property
    def edition(self) -> list[str]:
        return self._pages()[0]

    def in_edition(self, docname: str) -> bool:
        return docname in self._pages()[1]

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        if docname in self.env.all_docs and not self.in_edition(docname):
            return page_url(self.config, docname)
        return super().get_target_uri(docname, typ)

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        if to in self.env.all_docs and not self.in_edition(to):
            return page_url(self.config, to)
        return super().get_relative_uri(from_, to, typ)

    def write_documents(self, docnames: Any) -> None:
        wanted = set(self.edition)
        super().write_documents({d for d in docnames if d in wanted})

    # what every page loads: the book's stylesheets, no script

    def init_js_files(self) -> None:
        self._js_files = []

    def add_js_file(self, filename: str, **kwargs: Any) -> None:
        pass  # the site's scripts (previews, copy buttons) need a browser and the site

    def init_css_files(self) -> None:
        self._css_files = []
        self.own_css = [name for name, _ in self.get_builder_config("css_files", "epub")]
        self.own_css.append(FONT_CSS)
        for filename in self.own_css:
            self.add_css_file(filename)

    def add_css_file(self, filename: str, **kwargs: Any) -> None:
        # the site's stylesheets (furo's, the previews', the copy buttons') style
        # what the book does not have
        if filename in getattr(self, "own_css", ()):
            super().add_css_file(filename, **kwargs)

    def prepare_writing(self, docnames: Any) -> None:
        self._edition = None  # read again: the toctrees may have changed since
        super().prepare_writing(docnames)
        language = html.escape(self.config.epub_language)
        self.globalcontext["html_tag"] = (
            f'<html xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}" '
            f'lang="{language}" xml:lang="{language}">'
        )

    @property
    def css_hrefs(self) -> list[str]:
        """The stylesheets, from a page at the top of the book."""
        return [css.filename for css in self._css_files]

    # the book

    def handle_finish(self) -> None:
        records = [
            r for d in self.edition if (r := essays_domain(self.env).essays.get(d)) is not None
        ]
        if not records:
            logger.warning(
                "the EPUB edition holds no essay: list the essays in a toctree of %s",
                self.config.root_doc,
                type="epub",
                subtype="empty",
            )
            return
        self.build_mimetype()
        self.build_container()
        font_notice = self.write_font()
        self.write_cover()
        self.write_colophon(records, font_notice)
        toc = self.toc_entries()
        self.write_nav(toc)
        pictures = self.pictures()
        manifest, spine = self.manifest_and_spine(pictures)
        # pictures in the pages (the timeline, an essay's picture) are seen
        access_modes = ["textual", "visual"] if pictures else ["textual"]
        (self.outdir / "content.opf").write_bytes(
            package_document(self.config, records, manifest, spine, access_modes, font_notice)
        )
        self.files = [item.href for item in manifest]
        self.build_epub()

    def page_file(self, docname: str) -> str:
        return docname + self.out_suffix

    def toc_entries(self) -> list[TocEntry]:
        """Each page of the book with its sections, to ``epub_tocdepth``, from the
        front page's toctrees; a retracted essay's entry says so."""
        root = self.config.root_doc
        doctree = self.env.get_and_resolve_doctree(
            root, self, tags=self.tags, prune_toctrees=False, includehidden=True
        )
        domain = essays_domain(self.env)
        title = self.env.titles[root].astext()
        flat: list[tuple[int, str, str]] = [(1, title, self.page_file(root))]
        for ref in doctree.findall(nodes.reference):
            level = toctree_level(ref)
            uri = ref.get("refuri", "")
            if not level or level > self.config.epub_tocdepth or "://" in uri:
                continue
            page, _, anchor = uri.partition("#")
            text = ref.astext()
            record = domain.essays.get(page[: -len(self.out_suffix)])
            if level == 1 and record is not None and record.retracted:
                text += " (retracted)"
            href = page + ("#" + self.fix_fragment("", anchor) if anchor else "")
            flat.append((level, text, href))
        return nested(flat)

    def write_nav(self, toc: list[TocEntry]) -> None:
        """``nav.xhtml``: the table of contents and the landmarks."""
        root, body = xhtml_page("Contents", self.config.epub_language, self.css_hrefs)
        main = h(body, "main")  # the book's contents are this page's
        nav = h(main, "nav", epub_type="toc", role="doc-toc", id="toc", aria_labelledby="toc-title")
        h(nav, "h1", "Contents", id="toc-title")
        toc_list(nav, toc)
        landmarks = h(body, "nav", epub_type="landmarks", id="landmarks", hidden="hidden")
        h(landmarks, "h2", "Landmarks")
        listing = h(landmarks, "ol")
        essays = [d for d in self.edition if d in essays_domain(self.env).essays]
        for kind, text, href in (
            ("cover", "Cover", COVER_PAGE),
            ("toc", "Contents", NAV_PAGE + "#toc"),
            ("bodymatter", "Essays", self.page_file(essays[0]) if essays else ""),
            ("bibliography", "Bibliography", self.page_of("bibliography")),
            ("glossary", "Glossary", self.page_of("glossary")),
            ("colophon", "About this edition", COLOPHON_PAGE),
        ):
            if href:
                h(h(listing, "li"), "a", text, href=href, epub_type=kind)
        (self.outdir / NAV_PAGE).write_bytes(xhtml_bytes(root))

    def page_of(self, docname: str) -> str:
        return self.page_file(docname) if self.in_edition(docname) else ""

    def write_cover(self) -> None:
        """The cover: a picture, which reading systems show in their library,
        and a page opening the book that says the same in text (a picture of
        text would not reflow, nor take the reader's font and colours)."""
        draw_cover(self.outdir / COVER_IMAGE, self.config)
        title, description, editors = cover_text(self.config)
        root, body = xhtml_page(title, self.config.epub_language, self.css_hrefs)
        body.set(f"{{{EPUB_NS}}}type", "cover")
        main = h(body, "main", class_="cover")
        h(main, "h1", title)
        h(main, "p", description, class_="cover-description")
        h(main, "p", editors, class_="cover-editors")
        h(main, "p", "EPUB edition", class_="cover-edition")
        (self.outdir / COVER_PAGE).write_bytes(xhtml_bytes(root))

    def write_colophon(self, records: list[Essay], font_notice: str) -> None:
        """The book's last page, "About this edition": who publishes it, its
        rights and licences, where its pages are on the web, its accessibility,
        and the embedded font's notice and licence in full."""
        config = self.config
        root, body = xhtml_page("About this edition", config.epub_language, self.css_hrefs)
        main = h(body, "main")
        section = h(main, "section", epub_type="colophon", role="doc-colophon", class_="colophon")
        h(section, "h1", "About this edition")
        site = base_url(config)
        para = h(
            section, "p", f"{config.epub_title}, EPUB edition, published by {config.project} at "
        )
        h(para, "a", site, href=site).tail = (
            ". The website has every essay with its earlier versions, the pages of each "
            "topic and author, a search, and each essay's citation to download for a "
            "reference manager; the PDF edition holds the same essays and reference pages "
            "as this book."
        )
        copyright = config.epub_copyright
        for line in [copyright] if isinstance(copyright, str) else copyright:
            h(section, "p", f"© {line}.")
        for name, url in licences(records, config):
            para = h(section, "p", f"The essays are published under the {name} licence, ")
            h(para, "a", url, href=url).tail = "."
        h(section, "h2", "Accessibility")
        h(section, "p", SUMMARY)
        h(section, "p", f"Conformance: {CONFORMANCE}, as evaluated by {config.project}.")
        if font_notice:
            h(section, "h2", "Font")
            h(section, "p", font_notice + " The licence follows.")
            for block in OFL.read_text(encoding="utf-8").split("\n\n"):
                lines = [line for line in block.splitlines() if line.strip(" -")]
                text = " ".join(" ".join(lines).split())
                if text.isupper() or text.startswith("SIL OPEN FONT LICENSE"):
                    h(section, "h3", text)
                elif text:
                    h(section, "p", text, class_="licence")
        (self.outdir / COLOPHON_PAGE).write_bytes(xhtml_bytes(root))

    def write_font(self) -> str:
        """Embed the characters of the book that Latin fonts lack; write the
        stylesheet that uses them. The font's notice, or "" when none is needed."""
        chars = set()
        for docname in self.edition:
            page = self.outdir / self.page_file(docname)
            chars |= set(CJK_CHAR.findall(page.read_text(encoding="utf-8")))
        css = self.outdir / "_static" / FONT_CSS
        css.parent.mkdir(parents=True, exist_ok=True)
        font = self.outdir / FONT_FILE
        if not chars:
            font.unlink(missing_ok=True)
            css.write_text("/* no character of this book needs an embedded font */\n")
            return ""
        family = self.config.peninsula_epub_hangul_font
        source = find_font(family)
        if isinstance(source, str):
            logger.warning(source, type="epub", subtype="font")
            css.write_text("/* the font for Hangul was not found */\n")
            return ""
        text = "".join(sorted(chars))
        subset_font(source, text, font)
        href = posixpath.relpath(FONT_FILE, posixpath.dirname("_static/" + FONT_CSS))
        css.write_text(
            f"/* {source.family}, {source.copyright} A subset: the characters of this\n"
            "   book that fonts for Latin scripts lack. SIL Open Font License 1.1,\n"
            f"   given in full in {COLOPHON_PAGE}. */\n"
            "@font-face {\n"
            f'  font-family: "{family} (embedded)";\n'
            f'  src: url("{href}") format("opentype");\n'
            f"  unicode-range: {unicode_ranges(chars)};\n"
            "}\n"
            f'body, :lang(ko) {{ font-family: "{family} (embedded)", serif; }}\n',
            encoding="utf-8",
        )
        return (
            f"Hangul and other CJK characters are set in {source.family}, "
            f"{source.copyright.rstrip('.')}; a subset of it is embedded under the "
            "SIL Open Font License, Version 1.1."
        )

    def pictures(self) -> list[str]:
        """The pictures the pages show, by their path in the book: read from the
        pages, since an incremental build writes only some of them."""
        found: set[str] = set()
        for docname in self.edition:
            page = etree.parse(str(self.outdir / self.page_file(docname)))
            folder = posixpath.dirname(docname)
            for src in page.xpath("//x:img/@src", namespaces={"x": XHTML_NS}):
                found.add(posixpath.normpath(posixpath.join(folder, src)))
        return sorted(found)

    def manifest_and_spine(self, pictures: list[str]) -> tuple[list[ManifestItem], list[str]]:
        """Every file of the book, and the reading order: cover, contents, the
        edition's pages, "About this edition"."""
        pages = [COVER_PAGE, NAV_PAGE] + [self.page_file(d) for d in self.edition]
        pages.append(COLOPHON_PAGE)
        items = [
            ManifestItem(page, "application/xhtml+xml", "nav" if page == NAV_PAGE else "")
            for page in pages
        ]
        items.append(ManifestItem(COVER_IMAGE, "image/png", "cover-image"))
        for css in self.css_hrefs:
            items.append(ManifestItem(css, "text/css"))
        if (self.outdir / FONT_FILE).is_file():
            items.append(ManifestItem(FONT_FILE, "font/otf"))
        for picture in pictures:
            kind = self.media_types[posixpath.splitext(picture)[1].lower()]
            items.append(ManifestItem(picture, kind))
        return items, pages

    def build_epub(self) -> None:
        """The zip: ``mimetype`` first and stored, then every file in the
        manifest's order, each dated ``dcterms:modified`` (or 1980, the first
        date zip can hold), so that the same sources give the same bytes."""
        stamp = modified(
            [r for d in self.edition if (r := essays_domain(self.env).essays.get(d)) is not None]
        )
        date_time = tuple(int(part) for part in re.findall(r"\d+", stamp)[:6])
        date_time = max(date_time, (1980, 1, 1, 0, 0, 0))
        target = self.outdir / f"{self.config.epub_basename}.epub"
        with zipfile.ZipFile(target, "w") as book:
            for name, compress in (
                ("mimetype", zipfile.ZIP_STORED),
                ("META-INF/container.xml", zipfile.ZIP_DEFLATED),
                ("content.opf", zipfile.ZIP_DEFLATED),
                *((f, zipfile.ZIP_DEFLATED) for f in self.files),
            ):
                info = zipfile.ZipInfo(name, date_time=date_time)  # type: ignore[arg-type]
                info.compress_type = compress
                info.external_attr = 0o644 << 16
                book.writestr(info, (self.outdir / name).read_bytes())


# -- What the pages of the book hold --------------------------------------------------


class BookPages(SphinxPostTransform):
    """The site's parts a book has no use for, or says otherwise.

    * the cite box keeps its APA reference (its downloads are the site's);
    * the wide timeline goes: an e-reader's screen is narrow;
    * each essay says which version it is, and its History calls it "this version".
    """

    builders = ("epub",)
    default_priority = 6  # after the cite boxes are filled (5), before links are resolved (10)

    def run(self, **kwargs: Any) -> None:
        for box in list(self.document.findall(nodes.container)):
            if "cite-box" in box["classes"]:
                apa = [p for p in box.findall(nodes.paragraph) if "cite-apa" in p["classes"]]
                box.replace_self(
                    [nodes.paragraph("", "", *apa[0].children, classes=["cite-apa"])] if apa else []
                )
        for image in list(self.document.findall(nodes.image)):
            if (
                "chronology-figure" in image.parent.get("classes", [])
                and NARROW.html_class not in image["classes"]
            ):
                image.parent.remove(image)
        record = essays_domain(self.env).essays.get(self.env.docname)
        if record is None:
            return
        for header in self.document.findall(nodes.container):
            if "essay-header" in header["classes"]:
                add_version_line(header, record, has_history(self.document))
                break
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if text.endswith(THIS_PAGE) and "history-version-title" in _classes_up(parent):
                parent.replace(text, nodes.Text(text[: -len(THIS_PAGE)] + THIS_VERSION))


def _classes_up(node: nodes.Node | None) -> set[str]:
    classes: set[str] = set()
    while node is not None:
        if isinstance(node, nodes.Element):
            classes.update(node.get("classes", []))
        node = node.parent
    return classes


class MarkKorean(SphinxPostTransform):
    """Every run of Hangul in a span with ``lang="ko"``: a screen reader reads it
    with a Korean voice, and the stylesheet sets it in the embedded font."""

    builders = ("epub",)
    default_priority = 900  # after everything that adds text

    def run(self, **kwargs: Any) -> None:
        for text in list(self.document.findall(nodes.Text)):
            if isinstance(text.parent, (nodes.raw, nodes.literal_block)):
                continue
            value = str(text)
            if not HANGUL_RUN.search(value):
                continue
            parts: list[nodes.Node] = []
            at = 0
            for match in HANGUL_RUN.finditer(value):
                if match.start() > at:
                    parts.append(nodes.Text(value[at : match.start()]))
                parts.append(nodes.inline("", match.group(), classes=["language-ko"]))
                at = match.end()
            if at < len(value):
                parts.append(nodes.Text(value[at:]))
            text.parent.replace(text, parts)


def book_context(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """A page of the book carries none of the site's head tags: the book's
    metadata is in its package document."""
    if app.builder.name == "epub":
        context["metatags"] = ""


# -- The website: a link to the published EPUB ---------------------------------------------


class epub_edition(nodes.Inline, nodes.TextElement):
    """Placeholder for a link to the EPUB edition, made on the website when it is published."""


def epub_edition_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Inliner,
    options: dict | None = None,
    content: list[str] | None = None,
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """``{epub-edition}`the EPUB edition``: a link to the EPUB of the whole collection."""
    return [epub_edition(rawtext, text)], []


def site_epub(config: Config) -> str:
    """The site-relative path of the EPUB edition: ``epub/peninsula-papers.epub``."""
    return f"{EPUB_DIR}/{config.epub_basename}.epub"


def epub_source(app: Sphinx) -> Path:
    """The EPUB readers already have: where tools/build.py publishes it
    (``peninsula_epub_dir``), by default the EPUB build beside this one."""
    folder = Path(app.config.peninsula_epub_dir or Path(app.outdir).parent / "epub")
    return folder / f"{app.config.epub_basename}.epub"


def epub_published(env: BuildEnvironment) -> bool:
    """Whether this build of the website publishes the EPUB, so that a page may link it."""
    return bool(getattr(env, "peninsula_epub", False))


#: where the pages that link the EPUB edition (``{epub-edition}``) are kept
EPUB_PAGES = "peninsula_epub_pages"


def note_published_epub(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Decide, once, before the pages are written, whether this build publishes
    the EPUB: whether it is built in :func:`epub_source`. The pages linking it
    are written again when it appeared or went away since the last build."""
    if not is_site_builder(app):
        return []
    now = epub_source(app).is_file()
    before = getattr(env, "peninsula_epub", None)
    env.peninsula_epub = now  # type: ignore[attr-defined]
    if before is None or before == now:
        return []
    return sorted(pages_holding(env, EPUB_PAGES) & env.found_docs)


def make_epub_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """A link on the website when it publishes the EPUB; plain text otherwise
    (and in the PDFs and the EPUB itself)."""
    linked = is_site_builder(app) and epub_published(app.env)
    here = app.builder.get_target_uri(docname) if linked else ""
    for node in list(doctree.findall(epub_edition)):
        text = node.astext()
        if linked:
            uri = relative_uri(here, site_epub(app.config))
            node.replace_self(nodes.reference(node.rawsource, text, refuri=uri))
        else:
            node.replace_self(nodes.Text(text))


def copy_epub(app: Sphinx, exception: Exception | None) -> None:
    """Publish the EPUB under ``epub/`` when the pages link it; say how to build it
    when there is none."""
    if exception is not None or not is_site_builder(app):
        return
    source = epub_source(app)
    target = Path(app.outdir) / site_epub(app.config)
    if not epub_published(app.env):
        target.unlink(missing_ok=True)  # an earlier build's, which no page links now
        logger.info(
            "EPUB: none built yet in %s, so no page links it; to publish it, run "
            "`make site` (or `make epub`, then `make html`)",
            source.parent,
        )
        return
    if not source.is_file():
        logger.warning(
            "EPUB: %s was removed during the build, and its pages link it: build again",
            source,
            type="epub",
            subtype="vanished",
        )
        return
    target.parent.mkdir(exist_ok=True)
    copyfile(source, target, force=True)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("peninsula.records.essays")
    app.setup_extension("peninsula.pages.pdfs")
    app.add_builder(EpubEdition, override=True)
    # Sphinx asks for settings of its own package document (epub_uid, epub_scheme,
    # version for ibooks:version) that this one does not use
    for listener in list(app.events.listeners.get("builder-inited", [])):
        if listener.handler is validate_config_values:
            app.disconnect(listener.id)
    # not "env": where the EPUB is read from changes no page
    app.add_config_value("peninsula_epub_dir", "", "", str)
    app.add_config_value("peninsula_epub_hangul_font", "Noto Serif CJK KR", "epub", str)
    app.add_post_transform(BookPages)
    app.add_post_transform(MarkKorean)
    app.connect("html-page-context", book_context, priority=900)
    app.add_node(epub_edition)
    app.add_role("epub-edition", epub_edition_role)
    track_pages_holding(app, epub_edition, EPUB_PAGES)
    app.connect("env-get-updated", note_published_epub)
    app.connect("doctree-resolved", make_epub_links)
    app.connect("build-finished", copy_epub)
    return {
        "version": "1.0",
        # the pages that link the EPUB are noted while reading
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
