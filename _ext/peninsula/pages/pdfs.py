"""One PDF per essay beside the PDF edition, and links to them from the site.

Why this exists: a reader who wants one essay on paper, or one file to cite
and pass on, should not have to print the whole collection. Sphinx's LaTeX
builder writes one ``.tex`` file, hence one PDF, per entry of
``latex_documents``, and reads that list only when it starts writing, after
every essay's record has been read. So conf.py names the PDF edition alone,
and this module adds an entry per essay from its record at ``write-started``:
a new essay gets its PDF with no edit anywhere.

An essay's PDF is a ``howto`` document (the article class): the record's
title, subtitle, byline and date make its title block, then come its header,
its text and its own References. A cross-reference to a page that is not in
the PDF (a glossary term, an event of the chronology, the bibliography)
cannot be a link inside it; it becomes a link to that page on the published
site (``html_baseurl``), so the text reads as written and still leads somewhere.

A PDF travels without its page, so it says which version of the essay it holds
(``peninsula.records.history`` keeps the versions): an essay's title block ends with
its version line, "Version 2 · corrected December 5, 2026", and the edition
prints the same line under each essay's byline; an essay never revised says
"Version 1 · published February 2023", which its web page, always the current
text, has no need to say. Earlier versions are web pages only, outside every
PDF (their History links lead to the site). A retracted essay stays in the
edition, as a journal keeps a retracted article in its issue: the retraction
notice is boxed on its first page and every page of it is marked RETRACTED,
so that no page of it can be read, printed or passed on as endorsed.

Making the PDFs is most of what `make latexpdf` costs, so the LaTeX build
does no more than an edit asks. Sphinx's LaTeX builder writes every document
on every build; here (:class:`EssayLaTeXBuilder`) an essay's ``.tex`` is
written again only when its page is (Sphinx read it again, or another
extension asked for the page), when the settings changed, or when the last
build stopped before writing it; the edition is written on every build. The
Makefile of the LaTeX folder (``_static/latex/Makefile``) compiles what
changed, and dumps the preamble every essay shares once as a format, which
each essay loads instead of its two dozen packages: this module writes that
preamble, ``peninsula-essay.ltx``, up to the line with ``\\endofdump``
(conf.py's ``latex_elements``).

On the site, each essay's header links its PDF, ``{pdf-edition}`text``` links
the PDF edition, and the HTML build copies the PDFs from the LaTeX build
beside it (``_build/latex`` for ``_build/html``) into ``pdf/``; ``make site``
builds both in that order. A page links only a PDF that its build publishes:
``make html`` before any ``make latexpdf`` links none, and says how to add
them. Which PDFs are published is decided once, before the pages are written
(``note_published_pdfs``), and every link, head tag and signpost asks
:func:`pdf_published`; the pages whose PDF appeared or went away since the
last build are written again, so an incremental build links exactly what it
copies.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Set
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import sphinx
from docutils import nodes
from sphinx import addnodes
from sphinx.builders.latex import LaTeXBuilder
from sphinx.errors import NoUri
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util._serialise import stable_hash
from sphinx.util.nodes import clean_astext
from sphinx.util.osutil import copyfile, relative_uri
from sphinx.util.texescape import escape

from ..core.builder import base_url, is_site_builder, page_url
from ..core.dates import Date
from ..records.essays import Essay, ancestors, byline_text, credits, doc_slug, essays_domain
from ..records.frontmatter import name_separators
from ..records.history import HISTORY_ID, version_line

if TYPE_CHECKING:
    from docutils.parsers.rst.states import Inliner
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

PDF_DIR = "pdf"
#: the parts of the LaTeX template an essay's PDF sets for itself
ESSAY_CONTEXT = ("date", "maketitle", "tableofcontents", "classoptions")
#: in the LaTeX folder: the preamble every essay shares, which the Makefile
#: dumps as their format
SHARED_PREAMBLE = "peninsula-essay.ltx"
#: what ends that preamble, on a line of conf.py's ``latex_elements["preamble"]``
END_OF_SHARED = r"\endofdump"
#: in the LaTeX folder: the settings the essays' .tex were written with, and
#: the essays a build set out to write and had not written yet
WRITTEN = "peninsula-essays.json"
#: settings no .tex depends on: the essays' entries come from their pages
UNWRITTEN_SETTINGS = frozenset({"latex_documents", "peninsula_pdf_dir", "peninsula_epub_dir"})
#: how the History names the version a web page shows; a PDF has pages of its own
THIS_PAGE = " (this page)"
THIS_VERSION = " (this version)"


def essay_pdf(docname: str) -> str:
    """The site-relative path of an essay's PDF: ``pdf/<slug>.pdf``."""
    return f"{PDF_DIR}/{doc_slug(docname)}.pdf"


def pdf_published(env: BuildEnvironment, path: str) -> bool:
    """Whether this build publishes the PDF at the site-relative *path*
    (:func:`essay_pdf`, :func:`corpus_pdf`), so that a page may link it."""
    return path in getattr(env, "peninsula_pdfs", frozenset())


def corpus_pdf(config: Config) -> str:
    """The site-relative path of the PDF edition: ``pdf/peninsula-papers.pdf``,
    named by the entry of ``latex_documents`` for the root document."""
    for entry in config.latex_documents:
        if entry[0] == config.root_doc:
            return f"{PDF_DIR}/{Path(entry[1]).stem}.pdf"
    return f"{PDF_DIR}/{config.project}.pdf"


# -- LaTeX: one document per essay -------------------------------------------------


def essay_document(record: Essay, config: Config) -> tuple[str, str, str, str, str, bool]:
    """The ``latex_documents`` entry of an essay; its title and author are
    LaTeX. The author is whom the essay credits (the PDF's Author field); the
    title block prints the byline readers see (``set_title_block``)."""
    names = credits(record, config).names
    author = "".join(s + n for s, n in zip(name_separators(len(names)), names, strict=True))
    return (
        record.docname,
        f"{record.slug}.tex",
        escape(record.title, config.latex_engine),
        escape(author, config.latex_engine),
        "howto",
        False,
    )


def add_essay_documents(app: Sphinx, builder: Builder) -> None:
    """Give every essay its entry in ``latex_documents``, and keep the parts of
    the template its title block changes, to restore them for the PDF edition."""
    if builder.name != "latex":
        return
    essays = essays_domain(app.env).essays
    config = app.config
    # entries for essays come from their records, never from an earlier build
    named = [entry for entry in config.latex_documents if entry[0] not in essays]
    config.latex_documents = named + [
        essay_document(essays[docname], config) for docname in sorted(essays)
    ]
    context: dict[str, Any] = builder.context  # type: ignore[attr-defined]
    if not context["printindex"].strip():
        # \makeindex would have every glossary term write an entry, and latexmk
        # run makeindex and then xelatex once more whenever an entry moved to
        # another page, for an index that no PDF prints
        context["makeindex"] = ""
    if essays:
        set_edition_title(context, list(essays.values()), config)
    builder.peninsula_defaults = {key: context[key] for key in ESSAY_CONTEXT}  # type: ignore[attr-defined]


def pdf_info(subject: str, keywords: Iterable[str], engine: str) -> str:
    """``\\peninsulapdfinfo{subject}{keywords}`` (peninsula.sty): the PDF's
    Subject and Keywords fields, each text through LaTeX's one escape."""
    return r"\peninsulapdfinfo{%s}{%s}" % (
        escape(" ".join(subject.split()), engine),
        escape(", ".join(keywords), engine),
    )


def edition_date(records: list[Essay]) -> Date:
    """The date of what the edition holds: the newest of its essays' dates,
    each the date of the version printed (a correction's, a retraction's).
    Its title page says this, not the day it was built, so that two builds
    of the same essays print the same date."""
    return max(record.modified for record in records)


def set_edition_title(context: dict[str, Any], records: list[Essay], config: Config) -> None:
    """The edition's title page and PDF fields: dated by its content, its
    Subject the collection's description (``peninsula_feed_subtitle``), its
    Keywords the topics of its essays."""
    engine = config.latex_engine
    context["date"] = escape(edition_date(records).long(), engine)
    held = {topic for record in records for topic in record.topics}
    topics = [name for key, name in config.peninsula_topics.items() if key in held]
    subject = getattr(config, "peninsula_feed_subtitle", "")
    context["maketitle"] = pdf_info(subject, topics, engine) + context["maketitle"]


def version_text(record: Essay) -> str:
    """Which version a PDF holds: the version line of the essay's web page,
    ``Version 2 · corrected December 5, 2026``, or for an essay never revised
    ``Version 1 · published February 2023``."""
    if record.history:
        return version_line(record).astext()
    return f"Version 1 · published {record.date.long()}"


def has_history(doctree: nodes.Node) -> bool:
    """Whether the essay's History section is there for the version line to link to."""
    return any(HISTORY_ID in s["ids"] for s in doctree.findall(nodes.section))


def set_title_block(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Give an essay's PDF its title block: title, subtitle, byline, and the
    version line, linked to the History.

    The LaTeX builder resolves the references of each document just before it
    renders the document's template, so the template's context is set here,
    per document; the header's subtitle, byline and version line go, the title
    block has them. The block says when the essay was first published only
    once it has been revised: a first version's line has that date already.
    """
    defaults = getattr(app.builder, "peninsula_defaults", None)
    if app.builder.name != "latex" or defaults is None:
        return
    context: dict[str, Any] = app.builder.context  # type: ignore[attr-defined]
    context.update(defaults)
    record = essays_domain(app.env).essays.get(docname)
    if record is None:
        return
    engine = app.config.latex_engine
    label = r"\detokenize{%s:%s}" % (docname, HISTORY_ID) if has_history(doctree) else ""
    first = f"First published {record.date.long()}" if record.history else ""
    context["date"] = r"\peninsulaversion{%s}{%s}{%s}" % (
        label,
        escape(version_text(record), engine),
        escape(first, engine),
    )
    topics = [app.config.peninsula_topics[topic] for topic in record.topics]
    context["maketitle"] = pdf_info(record.abstract, topics, engine)
    context["maketitle"] += r"\peninsulaessaytitle{%s}{%s}{%s}{%s}" % (
        escape(app.config.project, engine),
        escape(record.subtitle, engine),
        escape(byline_text(record), engine),
        escape(credits(record, app.config).edited_by, engine),
    )
    context["tableofcontents"] = ""  # an essay is read through, not looked up
    context["classoptions"] = defaults["classoptions"] + ",oneside"  # read on screen
    for para in list(doctree.findall(nodes.paragraph)):
        if {"essay-subtitle", "essay-byline", "essay-version"} & set(para["classes"]):
            para.parent.remove(para)


def essays_in(doctree: nodes.document, docname: str) -> Iterable[tuple[str, nodes.Element]]:
    """Each essay a LaTeX document holds, as (its page, its part of the tree):
    the document itself, or the pages the edition's toctrees bring in."""
    yield docname, doctree
    for part in doctree.findall(addnodes.start_of_file):
        yield part["docname"], part


def print_versions(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """What a PDF says of the versions of the essays it holds: the version line
    under each byline of the edition, the History, the retraction notice."""
    if app.builder.name != "latex":
        return
    domain = essays_domain(app.env)
    for essay, part in essays_in(doctree, docname):
        record = domain.essays.get(essay)
        if record is None:
            continue
        own = part is doctree  # the essay's own PDF, not the edition
        if not own:
            for header in _own(part, nodes.container, "essay-header"):
                add_version_line(header, record, has_history(part))
        print_history(part, base_url(app.config))
        for notice in _own(part, nodes.container, "retraction-notice"):
            for para in notice.children:
                if "retraction-notice-title" in para["classes"]:
                    # LaTeX styles an inline by its class, not a paragraph
                    para[:] = [nodes.inline("", "", *para.children, classes=para["classes"])]
            if not own:
                # the mark on every page of a retracted essay ends with its last page
                part += nodes.raw("", r"\peninsulaendretracted", format="latex")


def add_version_line(header: nodes.Element, record: Essay, linked: bool) -> None:
    """The version line under an essay's byline in the edition, where its web
    page has it once revised; it is printed for every essay, since a printed
    copy is not updated when the essay is."""
    if any("essay-version" in n["classes"] for n in header.children):
        return  # peninsula.records.history's, in the same words
    line = nodes.paragraph("", "", classes=["essay-version"])
    text = nodes.Text(version_text(record))
    line += nodes.reference("", "", text, refid=HISTORY_ID, internal=True) if linked else text
    bylines = [i for i, n in enumerate(header.children) if "essay-byline" in n["classes"]]
    header.insert(bylines[0] + 1 if bylines else 0, line)


def print_history(part: nodes.Element, base: str) -> None:
    """The History as a PDF prints it: the version printed is "this version"
    (the PDF's pages are not the web page "this page" means), and each earlier
    version, a page of the site only, shows its address, which a printed copy
    cannot follow as a link."""
    for title in _own(part, nodes.paragraph, "history-version-title"):
        for text in list(title.findall(nodes.Text)):
            if text.endswith(THIS_PAGE):
                text.parent.replace(text, nodes.Text(text[: -len(THIS_PAGE)] + THIS_VERSION))
        for ref in list(title.findall(nodes.reference)):
            uri = ref.get("refuri", "")
            if uri.startswith(base):
                address = nodes.paragraph("", "", classes=["history-address"])
                address += nodes.reference("", uri, refuri=uri)
                title.parent += address  # after the note, closing the entry


def _own(part: nodes.Element, cls: type[nodes.Element], name: str) -> list[nodes.Element]:
    """The elements of class *name* in *part*, not in the pages it brings in."""
    return [
        node
        for node in part.findall(cls)
        if name in node["classes"]
        and next((a for a in ancestors(node) if isinstance(a, addnodes.start_of_file)), part)
        is part
    ]


class _SiteURIs:
    """The LaTeX builder as domains see it, except that a page outside the PDF
    being written is addressed on the published site instead of raising NoUri."""

    def __init__(self, builder: Builder) -> None:
        self._builder = builder
        self.base = base_url(builder.config)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._builder, name)

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        try:
            return self._builder.get_target_uri(docname, typ)
        except NoUri:
            return page_url(self._builder.config, docname)

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        return self.get_target_uri(to, typ)


class LinkPagesOutsideThePdf(SphinxPostTransform):
    """A reference to a page outside this PDF becomes a link to it on the site.

    Sphinx would print its text alone (the builder raises NoUri for a page it
    does not hold). Here each reference is first resolved as usual but with the
    site's addresses for such pages; only a result pointing at the site is
    kept, everything else is left to MyST's and Sphinx's resolvers.
    """

    default_priority = 8  # before MyST's (9) and Sphinx's (10) resolvers
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        if not self.config.html_baseurl:
            return  # no published site to point at: Sphinx prints the text alone
        # the builder being written, as Sphinx's own ReferencesResolver reaches it
        site = _SiteURIs(self.env._app.builder)
        for node in list(self.document.findall(addnodes.pending_xref)):
            newnode = self.resolve(node, site)
            if newnode is not None and newnode.get("refuri", "").startswith(site.base):
                node.replace_self(newnode)

    def resolve(self, node: addnodes.pending_xref, site: _SiteURIs) -> nodes.Element | None:
        contnode = node[0].deepcopy() if len(node) else nodes.inline()
        refdoc = node.get("refdoc", self.env.docname)
        domain, typ, target = node.get("refdomain"), node["reftype"], node["reftarget"]
        if typ == "myst" and domain == "doc":  # a Markdown link to a page
            if target not in self.env.all_docs:
                return None
            if not contnode.astext():
                contnode = nodes.inline("", clean_astext(self.env.titles[target]))
            anchor = node.get("reftargetid")
            uri = site.get_target_uri(target) + (f"#{anchor}" if anchor else "")
            return nodes.reference("", "", contnode, refuri=uri)
        if typ == "myst":  # a Markdown link to a label
            domain, typ = "std", "ref"
        if not domain or domain == "cite" or domain not in self.env.domains:
            return None
        # a failure is for the real resolvers to report, once
        with logging.suppress_logging():
            try:
                return self.env.domains[domain].resolve_xref(
                    self.env,
                    refdoc,
                    site,
                    typ,
                    target,
                    node,
                    contnode,  # type: ignore[arg-type]
                )
            except NoUri:
                return None


class EssayLaTeXBuilder(LaTeXBuilder):
    """Sphinx's LaTeX builder, which writes an essay's ``.tex`` only when it may
    have changed: when its page is written (Sphinx read it again, or an
    extension asked for it), when a setting changed (any of them, as
    Sphinx's HTML builder judges its pages), or when the build that set out
    to write it stopped first. The edition, and any other document of
    ``latex_documents``, is written on every build, as Sphinx does."""

    def get_outdated_docs(self) -> list[str]:
        return [entry[0] for entry in self.config.latex_documents]

    def write_documents(self, docnames: Set[str]) -> None:
        essays = essays_domain(self.env).essays
        written = Path(self.outdir) / WRITTEN
        settings = self.settings_hash()
        try:
            before = json.loads(written.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            before = {}
        if not isinstance(before, dict) or before.get("settings") != settings:
            wanted = set(essays)
        else:
            wanted = (set(docnames) | set(before.get("unwritten", []))) & set(essays)
            wanted |= {
                entry[0]
                for entry in self.document_data
                if entry[0] in essays and not (Path(self.outdir) / entry[1]).is_file()
            }
        self.document_data = [
            entry for entry in self.document_data if entry[0] not in essays or entry[0] in wanted
        ]
        # noted first: a build stopped while writing leaves them to the next
        self.note_written(settings, sorted(wanted))
        super().write_documents(docnames)
        self.note_written(settings, [])
        ours = [entry[1] for entry in self.document_data if entry[0] in essays]
        everyone = [f"{essays[doc].slug}.tex" for doc in sorted(essays)]
        write_shared_preamble(Path(self.outdir), ours + everyone)

    def settings_hash(self) -> str:
        values = {
            value.name: value.value for value in self.config if value.name not in UNWRITTEN_SETTINGS
        }
        return stable_hash([sphinx.__version__, values, sorted(self.tags)])

    def note_written(self, settings: str, unwritten: list[str]) -> None:
        text = json.dumps({"settings": settings, "unwritten": unwritten}, indent=1) + "\n"
        (Path(self.outdir) / WRITTEN).write_text(text, encoding="utf-8")


def write_shared_preamble(outdir: Path, essays: list[str]) -> None:
    """Write the preamble of the essays up to the line that ends what they
    share (:data:`END_OF_SHARED`), for the Makefile to dump as their format;
    only when it changed, so that the format is not made again for nothing.
    It is read from the first of *essays* (their .tex files, those written
    by this build first) that is there: every essay is written from the same
    template and settings, and the Makefile compiles with the format only an
    essay whose .tex opens with it, byte for byte. Without that line (a
    project that does not mark its shared preamble) there is no format."""
    shared = outdir / SHARED_PREAMBLE
    for name in essays:
        try:
            text = (outdir / name).read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        head, found, rest = text.partition("\n" + END_OF_SHARED)
        if not found:
            break
        preamble = head + found + rest.partition("\n")[0] + "\n"
        if not shared.is_file() or shared.read_text(encoding="utf-8") != preamble:
            shared.write_text(preamble, encoding="utf-8")
        return
    shared.unlink(missing_ok=True)


# -- HTML: links to the PDFs, and the PDFs themselves ------------------------------


class essay_pdf_link(nodes.General, nodes.Element):
    """Placeholder for the link to an essay's PDF, made on the website only."""


class pdf_edition(nodes.Inline, nodes.TextElement):
    """Placeholder for a link to the PDF edition, made on the website only."""


def add_pdf_link(app: Sphinx, doctree: nodes.document) -> None:
    """Put the link to the essay's PDF in its header, after the byline."""
    if app.env.docname not in essays_domain(app.env).essays:
        return
    for header in doctree.findall(nodes.container):
        if "essay-header" not in header["classes"]:
            continue
        placeholder = essay_pdf_link("", docname=app.env.docname)
        after = [i for i, n in enumerate(header.children) if "essay-byline" in n["classes"]]
        header.insert(after[0] + 1 if after else len(header), placeholder)
        return


def pdf_edition_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Inliner,
    options: dict | None = None,
    content: list[str] | None = None,
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """``{pdf-edition}`the PDF edition``: a link to the PDF of the whole collection."""
    return [pdf_edition(rawtext, text)], []


def make_pdf_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Links on the website to the PDFs it publishes; a PDF not built yet is
    not linked (its essay's header has no PDF button, ``{pdf-edition}`` is
    text), and elsewhere (the PDFs themselves) the links have no use."""
    on_site = is_site_builder(app)
    here = app.builder.get_target_uri(docname) if on_site else ""
    for node in list(doctree.findall(essay_pdf_link)):
        path = essay_pdf(node["docname"])
        if not on_site or not pdf_published(app.env, path):
            node.parent.remove(node)
            continue
        link = nodes.reference(
            "",
            "PDF",
            refuri=relative_uri(here, path),
            reftitle="This essay as a PDF",
        )
        node.replace_self(nodes.paragraph("", "", link, classes=["essay-pdf"]))
    for node in list(doctree.findall(pdf_edition)):
        text = node.astext()
        if on_site and pdf_published(app.env, corpus_pdf(app.config)):
            uri = relative_uri(here, corpus_pdf(app.config))
            node.replace_self(nodes.reference(node.rawsource, text, refuri=uri))
        else:
            node.replace_self(nodes.Text(text))


def pdf_source(app: Sphinx) -> Path:
    """Where the website takes its PDFs from: the published ones (tools/build.py
    names them, since it builds the HTML in a staging folder); by default, the
    LaTeX build beside this one."""
    return Path(app.config.peninsula_pdf_dir or Path(app.outdir).parent / "latex")


def wanted_pdfs(app: Sphinx) -> dict[str, str | None]:
    """Every PDF the site would carry, by site-relative path: the edition's
    (with no page), then each essay's (with its page)."""
    essays = essays_domain(app.env).essays
    return {corpus_pdf(app.config): None} | {essay_pdf(doc): doc for doc in sorted(essays)}


def pages_holding(env: BuildEnvironment, attribute: str) -> set[str]:
    """The pages kept in ``env.<attribute>`` by :func:`track_pages_holding`."""
    if not hasattr(env, attribute):
        setattr(env, attribute, set())
    return getattr(env, attribute)


def track_pages_holding(app: Sphinx, node_type: type[nodes.Node], attribute: str) -> None:
    """Keep in ``env.<attribute>`` the pages whose doctree holds a *node_type*
    (a link to an edition), across incremental and parallel reads, so that
    they can be written again when what they link appears or goes away."""

    def note(app: Sphinx, doctree: nodes.document) -> None:
        if any(True for _ in doctree.findall(node_type)):
            pages_holding(app.env, attribute).add(app.env.docname)

    def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        pages_holding(env, attribute).discard(docname)

    def merge(
        app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
    ) -> None:
        pages_holding(env, attribute).update(pages_holding(other, attribute) & docnames)

    app.connect("doctree-read", note)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)


#: where the pages that link the PDF edition (``{pdf-edition}``) are kept
EDITION_PAGES = "peninsula_pdf_edition_pages"


def note_published_pdfs(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Decide which PDFs this build publishes: those built in
    :func:`pdf_source`. The pages whose PDF appeared or went away since the
    last build are written again (an essay's, for its header, head tags and
    signposts; a page linking the edition, for that link)."""
    if not is_site_builder(app):
        return []
    latex = pdf_source(app)
    now = frozenset(
        path for path in wanted_pdfs(app) if (latex / PurePosixPath(path).name).is_file()
    )
    before = getattr(env, "peninsula_pdfs", None)
    env.peninsula_pdfs = now  # type: ignore[attr-defined]
    if before is None or before == now:
        return []
    changed = before ^ now
    pages = {doc for path, doc in wanted_pdfs(app).items() if doc and path in changed}
    if corpus_pdf(app.config) in changed:
        pages |= pages_holding(env, EDITION_PAGES)
    return sorted(pages & env.found_docs)


def copy_pdfs(app: Sphinx, exception: Exception | None) -> None:
    """Publish the PDFs that the pages link under ``pdf/``, and no other; say
    which are missing and how to build them."""
    if exception is not None or not is_site_builder(app):
        return
    latex = pdf_source(app)
    wanted = wanted_pdfs(app)
    folder = Path(app.outdir) / PDF_DIR
    missing, stale = [], []
    for path, docname in wanted.items():
        built = latex / PurePosixPath(path).name
        if not pdf_published(app.env, path):
            missing.append(built.name)
            continue
        if not built.is_file():
            logger.warning(
                "PDFs: %s was removed from %s during the build, and its pages link it: build again",
                built.name,
                latex,
                type="pdfs",
                subtype="vanished",
            )
            continue
        if docname and built.stat().st_mtime < Path(app.env.doc2path(docname)).stat().st_mtime:
            stale.append(built.name)
        folder.mkdir(exist_ok=True)
        copyfile(built, folder / built.name, force=True)
    if folder.is_dir():
        # a PDF of an earlier build that no page links any more
        for old in folder.glob("*.pdf"):
            if not pdf_published(app.env, f"{PDF_DIR}/{old.name}"):
                old.unlink()
    if len(missing) == len(wanted):
        logger.info(
            "PDFs: none built yet in %s, so no page links one; to publish them, "
            "run `make site` (or `make latexpdf`, then `make html`)",
            latex,
        )
    elif missing:
        logger.info(
            "PDFs: %s not built yet in %s, so no page links them; run `make site` to publish them",
            ", ".join(missing),
            latex,
        )
    if stale:
        logger.info(
            "PDFs: %s older than the essay; run `make site` to publish it as it is now",
            ", ".join(stale),
        )


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("peninsula.records.essays")
    app.add_builder(EssayLaTeXBuilder, override=True)
    # not "env": where the PDFs are read from changes no page
    app.add_config_value("peninsula_pdf_dir", "", "", str)
    app.add_node(essay_pdf_link)
    app.add_node(pdf_edition)
    app.add_role("pdf-edition", pdf_edition_role)
    # after peninsula.records.essays has made the header (350)
    app.connect("doctree-read", add_pdf_link, priority=360)
    track_pages_holding(app, pdf_edition, EDITION_PAGES)
    app.connect("env-get-updated", note_published_pdfs)
    app.connect("write-started", add_essay_documents)
    app.connect("doctree-resolved", set_title_block)
    app.connect("doctree-resolved", print_versions)
    app.connect("doctree-resolved", make_pdf_links)
    app.connect("build-finished", copy_pdfs)
    app.add_post_transform(LinkPagesOutsideThePdf)
    return {
        "version": "1.0",
        # the pages that link the edition are noted while reading
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
