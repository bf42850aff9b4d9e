"""Essays: one metadata record per essay, read from its YAML front matter.

Why this exists: the title, authors, date and abstract of an essay are
written once, at the top of its Markdown file, and every output (the page
header, the list of essays on the front page, the cite box, head tags and
feed) is made from that one record. The record and its parser are
``peninsula.records.frontmatter``, free of Sphinx; this module is the glue: it gives
the parser what conf.py and refs.bib allow, reports every problem it finds
with the file and line, keeps the records in the ``essays`` domain, and makes
the page header and the lists of essays from them.

The record's title becomes the page's only top-level heading: essays do not
repeat it as a ``# heading``. As in refs.bib, braces in the title mark words
that keep their capitals when a citation puts the title in sentence case
(``{North Korea}``); they are not shown.

The reading time is measured on the parsed body, after the record is made, so
it is not part of the record: the domain keeps it beside the records, by page.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.domains import Domain
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..core.builder import is_site_builder, setting_location
from ..works.citations import bib_entries, citations_domain
from . import frontmatter
from .frontmatter import Author, Essay, Known, name_separators
from .frontmatter import doc_slug as doc_slug  # pdfs takes it from here
from .frontmatter import slugify as slugify  # browse takes it from here

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: an essay's file name, without .md: its address everywhere
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

#: where the pages listing the essays of a topic or of an author live
TOPIC_PAGE = "topics/{slug}"
AUTHOR_PAGE = "authors/{slug}"
#: the mean silent reading rate for non-fiction in Brysbaert's 2019
#: meta-analysis of 190 studies (Journal of Memory and Language, 109)
WORDS_PER_MINUTE = 238
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: what Markdown or MyST could read as markup: CommonMark lets a backslash
#: escape every ASCII punctuation character, and then reads it as itself
MARKDOWN_PUNCTUATION_RE = re.compile(r"([!-/:-@\[-`{-~])")
TOPICS_EXAMPLE = "{'sanctions': 'Sanctions'}"
LICENSE_EXAMPLE = (
    "('Creative Commons Attribution 4.0 International', "
    "'https://creativecommons.org/licenses/by/4.0/')"
)


class EssaysDomain(Domain):
    """The essay records, their reading times, and the pages that list every essay."""

    name = "essays"
    label = "Essays of the corpus"
    data_version = 3
    initial_data: dict[str, Any] = {
        "essays": {},
        "versions": {},
        "reading_minutes": {},
        "corpus_pages": {},
    }

    @property
    def essays(self) -> dict[str, Essay]:
        """The current version of every essay, by page."""
        return self.data["essays"]

    @property
    def versions(self) -> dict[str, Essay]:
        """Earlier versions (``articles/<slug>/v<N>``), by page: each the record
        its front matter gave when it was current."""
        return self.data["versions"]

    def record(self, docname: str) -> Essay | None:
        """The record of the essay or earlier version the page *docname* is."""
        return self.essays.get(docname) or self.versions.get(docname)

    @property
    def reading_minutes(self) -> dict[str, int]:
        """Page -> minutes to read its body, measured when the page is read."""
        return self.data["reading_minutes"]

    @property
    def corpus_pages(self) -> dict[str, str]:
        """Pages whose content depends on every essay -> what of it they show:
        ``records`` (essay lists) or ``citations`` (also who cites what)."""
        return self.data["corpus_pages"]

    def clear_doc(self, docname: str) -> None:
        self.essays.pop(docname, None)
        self.versions.pop(docname, None)
        self.reading_minutes.pop(docname, None)
        self.corpus_pages.pop(docname, None)

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict) -> None:
        for docname in docnames:
            for key in ("essays", "versions", "reading_minutes", "corpus_pages"):
                if docname in otherdata[key]:
                    self.data[key][docname] = otherdata[key][docname]

    def resolve_any_xref(self, *args: Any) -> list:
        return []


def essays_domain(env: BuildEnvironment) -> EssaysDomain:
    return cast(EssaysDomain, env.get_domain("essays"))


def remove_files_of_removed_essays(
    app: Sphinx, files: Callable[[Essay], list[str]], *, site_only: bool = True
) -> None:
    """Delete from the output folder the *files* (paths in it) of every essay or
    version removed since the last build, which an incremental build would
    otherwise keep publishing; at ``env-get-outdated`` its record is still
    there, since Sphinx forgets a removed document after this event. With
    *site_only*, only the website's builders have such files."""

    def remove(
        app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
    ) -> list[str]:
        if site_only and not is_site_builder(app):
            return []
        domain = essays_domain(env)
        for docname in removed:
            if record := domain.record(docname):
                for path in files(record):
                    (Path(app.outdir) / path).unlink(missing_ok=True)
        return []

    app.connect("env-get-outdated", remove)


def is_essay(app: Sphinx, docname: str) -> bool:
    return docname.startswith(app.config.peninsula_essay_dir.rstrip("/") + "/")


# -- Settings ------------------------------------------------------------------


class FaultySetting(dict):
    """What could be used of a setting reported as wrong. A name it lacks
    reads as itself, and essays are not checked against it: the one message
    at conf.py is not followed by one per essay, and the build goes on to
    report everything else."""

    def __missing__(self, key: str) -> Any:
        return key


class FaultyTopics(FaultySetting):
    @classmethod
    def salvage(cls, value: object) -> FaultyTopics:
        """Every topic named in text keeps its page, labelled by its slug if need be."""
        pairs = value.items() if isinstance(value, Mapping) else ()
        if isinstance(value, (list, tuple, set)):
            pairs = ((slug, slug) for slug in value)
        return cls(
            (slug, label if isinstance(label, str) and label.strip() else slug)
            for slug, label in pairs
            if isinstance(slug, str)
        )


class FaultyLicenses(FaultySetting):
    @classmethod
    def salvage(cls, value: object) -> FaultyLicenses:
        pairs = value.items() if isinstance(value, Mapping) else ()
        return cls((k, v) for k, v in pairs if not licenses_problems({k: v}))

    def __missing__(self, key: str) -> Any:
        return (key, "")


def _type_name(value: object) -> str:
    return {dict: "a dict", list: "a list", tuple: "a tuple", str: "text"}.get(
        type(value), f"a {type(value).__name__}"
    )


def topics_problems(value: object) -> list[str]:
    """What is wrong with a value of ``peninsula_topics``: slug -> label."""
    if not isinstance(value, Mapping):
        return [
            f"peninsula_topics is {_type_name(value)}, not a dict: give each topic's "
            f"slug and label, as in {TOPICS_EXAMPLE}"
        ]
    problems = []
    for slug, label in value.items():
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            problems.append(
                f"peninsula_topics: topic {slug!r} is not a slug: write lowercase words "
                "joined by hyphens, as in 'missile-tests'"
            )
        elif not isinstance(label, str) or not label.strip():
            problems.append(
                f"peninsula_topics: the label of {slug!r} is {label!r}, not text: "
                f"give each topic its label, as in {TOPICS_EXAMPLE}"
            )
    return problems


def licenses_problems(value: object) -> list[str]:
    """What is wrong with a value of ``peninsula_licenses``: id -> (name, URL)."""
    if not isinstance(value, Mapping):
        return [
            f"peninsula_licenses is {_type_name(value)}, not a dict: give each licence's "
            f"identifier, name and address, as in {{'CC-BY-4.0': {LICENSE_EXAMPLE}}}"
        ]
    problems = []
    for key, entry in value.items():
        if not isinstance(key, str) or not key.strip() or key != key.strip():
            problems.append(
                f"peninsula_licenses: {key!r} is not a licence identifier: "
                "write one such as 'CC-BY-4.0'"
            )
        elif not (
            isinstance(entry, (tuple, list))
            and len(entry) == 2
            and all(isinstance(part, str) and part.strip() for part in entry)
            and entry[1].startswith(("https://", "http://"))
        ):
            problems.append(
                f"peninsula_licenses: {key!r} is {entry!r}: give the licence's name and "
                f"address, as in {LICENSE_EXAMPLE}"
            )
    return problems


def check_settings(app: Sphinx, config: Config) -> None:
    """Report a wrong ``peninsula_topics`` or ``peninsula_licenses`` at its
    line of conf.py, and keep what of it can be used."""
    for name, problems_of, faulty in (
        ("peninsula_topics", topics_problems, FaultyTopics),
        ("peninsula_licenses", licenses_problems, FaultyLicenses),
    ):
        value = getattr(config, name)
        problems = problems_of(value)
        for problem in problems:
            logger.warning(
                problem,
                location=setting_location(app, name),
                type="essays",
                subtype="config",
            )
        if problems:
            setattr(config, name, faulty.salvage(value))


def known_names(app: Sphinx) -> Known:
    """What an essay's front matter may name: conf.py's topics and licences
    (unless they are faulty, and reported) and the keys of refs.bib."""
    topics, licenses = app.config.peninsula_topics, app.config.peninsula_licenses
    return Known(
        topics=None if isinstance(topics, FaultySetting) else topics,
        licenses=None if isinstance(licenses, FaultySetting) else licenses,
        # a withheld entry is a key of refs.bib, reported at its own line there
        bib_keys=set(bib_entries(app.env)) | set(citations_domain(app.env).withheld),
    )


# -- Front matter ------------------------------------------------------------


def markdown_text(text: str) -> str:
    """*text* as Markdown that MyST reads as exactly that text, on one line:
    never a link, a role, raw HTML or an entity. Every text the project writes
    into a Markdown page (a title, an author's name, a topic's label) goes
    through here."""
    return MARKDOWN_PUNCTUATION_RE.sub(r"\\\1", " ".join(text.split()))


def set_title(section: nodes.section, text: str) -> None:
    """Make the title of *section* exactly *text*: smart quotes have turned
    the straight quotes and double hyphens of the Markdown heading it was read
    from into typographic ones, which the head tags, cite box and feed, made
    from the same record, do not show. Before Sphinx notes the page's title
    (``doctree-read``, priority 500)."""
    section[0][:] = [nodes.Text(text)]


def _report(docname: str, problem: frontmatter.Problem) -> None:
    logger.warning(
        "front matter: %s",
        problem.message,
        location=(docname, problem.line),
        type="essays",
        subtype="front_matter",
    )


def read_front_matter(app: Sphinx, docname: str, source: list[str]) -> None:
    """Take an essay's front matter into its record, and leave MyST its body.

    Every problem of the front matter is reported, each at its line. The
    front matter block is replaced by as many lines, blank but the last,
    which becomes the ``# title`` heading, so line numbers stay those of the file.

    Another page's front matter is MyST's to read; what of it no reader should
    build a value from (an alias, deep nesting, a mistake of syntax) is
    reported at its line, and the block is left out of what MyST reads.
    """
    text = source[0]
    if not is_essay(app, docname):
        problems = frontmatter.page_problems(text)
        for problem in problems:
            _report(docname, problem)
        if problems:
            block = frontmatter.split(text)
            assert block is not None  # there are problems only in a block
            source[0] = "\n" * block.length + "\n".join(text.split("\n")[block.length :])
        return
    slug = frontmatter.doc_slug(docname)
    frozen = frontmatter.VERSION_DOC_RE.match(docname) is not None
    nested = "/" in docname[len(app.config.peninsula_essay_dir.rstrip("/")) + 1 :]
    if nested and not frozen:
        # an essay's folder holds its pictures and its earlier versions only
        logger.warning(
            "%r is not an essay nor an earlier version (v1.md, v2.md, ... made by "
            "make revise): move an essay to %s/<slug>.md",
            docname + ".md",
            app.config.peninsula_essay_dir,
            location=(docname, 1),
            type="essays",
            subtype="file_name",
        )
        return
    named = SLUG_RE.fullmatch(slug) is not None
    if not named:
        # the slug is the essay's address in the sitemap, the feed, the cite
        # files and the PDF's name, all of which want it plain
        logger.warning(
            "the essay's file name %r is not a slug: rename it with lower-case letters, "
            "digits and hyphens, as articles/%s.md",
            slug + ".md",
            frontmatter.slugify(slug) or "broadened-diplomacy",
            location=(docname, 1),
            type="essays",
            subtype="file_name",
        )
    folder = Path(app.env.doc2path(docname)).parent
    if frozen:  # its pictures are the essay's, beside it
        folder = folder.parent
    record = frontmatter.parse(text, docname, known_names(app), folder)
    if not isinstance(record, Essay):
        for problem in record:
            _report(docname, problem)
    try:
        block = frontmatter.split(text)
    except frontmatter.FrontMatterError:
        block = None
    if block is None:
        return
    body_lines = text.split("\n")[block.length :]
    for number, line in enumerate(body_lines, start=block.length + 1):
        if re.match(r"^#\s", line):
            logger.warning(
                "the title comes from the front matter: remove this '# ' "
                "heading and start sections with '## '",
                location=(docname, number),
                type="essays",
                subtype="title",
            )
    if isinstance(record, Essay) and named:
        domain = essays_domain(app.env)
        (domain.versions if frozen else domain.essays)[docname] = record
        if frozen:  # its banner names the versions after it: written when they change
            domain.corpus_pages[docname] = "records"
        title = record.title
    else:
        # the page still gets a title, so that only the front matter's problems are reported
        title = docname
    source[0] = "\n" * (block.length - 1) + f"# {markdown_text(title)}\n" + "\n".join(body_lines)


# -- Page header ---------------------------------------------------------------


def doc_link(docname: str, text: str, fromdoc: str) -> addnodes.pending_xref:
    """A link to a page of the site, resolved by Sphinx like {doc}."""
    return addnodes.pending_xref(
        "",
        nodes.inline("", text),
        refdomain="std",
        reftype="doc",
        reftarget="/" + docname,
        refexplicit=True,
        refdoc=fromdoc,
    )


# -- Who is credited -------------------------------------------------------------


@dataclass(frozen=True)
class Credits:
    """Who an edition credits: the original's authors as its authors, the
    editors (``peninsula_editors``, a group) as its editors.

    An unsigned original still needs an author wherever machines read one
    (Google Scholar drops a page without ``citation_author``): as APA 7 does
    for a group author (9.11), it is credited to the editors as a group. The
    visible byline still says the original is unsigned. Head tags, the cite
    box, the feed, the search record and the PDF's metadata are all made from
    this one value, so they agree.
    """

    authors: tuple[Author, ...]
    editors: str
    #: the authors are the editors as a group author (the original is unsigned)
    group: bool

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.authors]

    @property
    def edited_by(self) -> str:
        """``edited by the editors of Peninsula Papers``: the group's name in
        running text, after "the", with a lowercase first letter."""
        return f"edited by the {self.editors[:1].lower()}{self.editors[1:]}"


def credits(record: Essay, config: Config) -> Credits:
    editors = config.peninsula_editors
    if record.authors:
        return Credits(record.authors, editors, group=False)
    return Credits((Author(editors),), editors, group=True)


def byline_text(record: Essay) -> str:
    """The byline as readers see it: the original's authors, or "Unsigned original"."""
    return record.byline if record.authors else "Unsigned original"


def byline_nodes(record: Essay, fromdoc: str) -> list[nodes.Node]:
    """The byline, each author's name a link to the author's page."""
    if not record.authors:
        return [nodes.Text(byline_text(record))]
    out: list[nodes.Node] = []
    for sep, author in zip(name_separators(len(record.authors)), record.authors, strict=True):
        if sep:
            out.append(nodes.Text(sep))
        out.append(doc_link(AUTHOR_PAGE.format(slug=author.slug), author.name, fromdoc))
    return out


def count_words(section: nodes.Element) -> int:
    """Words a reader reads: the body's text, with a citation counted once
    however long its label is."""
    words = 0
    for node in section.findall(nodes.Text):
        if any(isinstance(a, nodes.title) for a in ancestors(node, section)):
            continue
        words += len(node.astext().split())
    return words


def ancestors(node: nodes.Node, stop: nodes.Node | None = None) -> Iterable[nodes.Node]:
    """The elements that hold *node*, innermost first, up to *stop* (excluded)."""
    parent = node.parent
    while parent is not None and parent is not stop:
        yield parent
        parent = parent.parent


def add_header(app: Sphinx, doctree: nodes.document) -> None:
    """Under the title: subtitle, byline with date and reading time, the work
    it edits, picture, abstract and topics, with links to author and topic pages."""
    docname = app.env.docname
    record = essays_domain(app.env).record(docname)
    if record is None:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not isinstance(section[0], nodes.title):
        return
    set_title(section, record.title)
    minutes = max(1, math.ceil(count_words(section) / WORDS_PER_MINUTE))
    essays_domain(app.env).reading_minutes[docname] = minutes
    header = nodes.container("", classes=["essay-header"])
    if record.subtitle:
        header += nodes.paragraph("", record.subtitle, classes=["essay-subtitle"])
    header += nodes.paragraph(
        "",
        "",
        nodes.inline("", "", *byline_nodes(record, docname), classes=["essay-authors"]),
        nodes.Text(" · "),
        nodes.inline("", credits(record, app.config).edited_by, classes=["essay-editors"]),
        nodes.Text(" · "),
        nodes.inline("", record.date.long(), classes=["essay-date"]),
        nodes.Text(" · "),
        nodes.inline("", f"{minutes} min read", classes=["essay-reading-time"]),
        classes=["essay-byline"],
    )
    affiliated = [a for a in record.authors if a.affiliation]
    if affiliated:
        header += nodes.paragraph(
            "",
            "; ".join(f"{a.name}, {a.affiliation}" for a in affiliated),
            classes=["essay-affiliations"],
        )
    if record.source:
        xref = addnodes.pending_xref(
            "",
            nodes.inline("", record.source),
            refdomain="cite",
            reftype="t",
            reftarget=record.source,
            refdoc=docname,
            refexplicit=False,
        )
        xref.source, xref.line = section[0].source, section[0].line
        header += nodes.paragraph("", "An edition of ", xref, classes=["essay-source"])
    if record.image:
        figure = nodes.figure("", classes=["essay-image"], ids=["essay-image"])
        figure += nodes.image("", uri="/" + record.image.file, alt=record.image.alt)
        figure += nodes.caption("", record.image.credit, classes=["essay-image-credit"])
        header += figure
    abstract = nodes.container("", classes=["essay-abstract"])
    abstract += nodes.rubric("", "Abstract")
    abstract += nodes.paragraph("", record.abstract)
    header += abstract
    topics = nodes.paragraph("", "Topics: ", classes=["essay-topics"])
    for index, topic in enumerate(record.topics):
        if index:
            topics += nodes.Text(", ")
        label = app.config.peninsula_topics[topic]
        topics += doc_link(TOPIC_PAGE.format(slug=topic), label, docname)
    header += topics
    section.insert(1, header)


# -- The list of essays ----------------------------------------------------------


class essay_list(nodes.General, nodes.Element):
    """Placeholder for the list of all essays, filled at write time."""


class EssayListDirective(SphinxDirective):
    """``{essay-list}``: every essay, newest first, from the front matter;
    ``:topic: <slug>`` or ``:author: <slug>`` keeps those of one topic or author."""

    has_content = False
    option_spec = {
        "limit": directives.positive_int,
        "topic": directives.unchanged_required,
        "author": directives.unchanged_required,
    }

    def run(self) -> list[nodes.Node]:
        essays_domain(self.env).corpus_pages.setdefault(self.env.docname, "records")
        topic = self.options.get("topic", "")
        if topic and topic not in self.config.peninsula_topics:
            logger.warning(
                "unknown topic %r: choose from %s (peninsula_topics in conf.py)",
                topic,
                ", ".join(sorted(self.config.peninsula_topics)),
                location=self.get_location(),
                type="essays",
                subtype="essay_list",
            )
        node = essay_list(
            "",
            limit=self.options.get("limit", 0),
            topic=topic,
            author=self.options.get("author", ""),
        )
        self.set_source_info(node)
        return [node]


def selected(essays: Iterable[Essay], topic: str = "", author: str = "") -> list[Essay]:
    """The essays of a topic, or of an author (by slug), newest first; a
    retracted essay is listed on the Corrections page only."""
    return newest_first(
        e
        for e in essays
        if not e.retracted
        and (not topic or topic in e.topics)
        and (not author or author in {a.slug for a in e.authors})
    )


def newest_first(essays: Iterable[Essay]) -> list[Essay]:
    return sorted(essays, key=lambda e: (e.date, e.title), reverse=True)


def author_profile(slug: str, essays: list[Essay]) -> list[nodes.Node]:
    """Affiliation and ORCID iD of an author, as the newest essay gives them."""
    author = next((a for e in essays for a in e.authors if a.slug == slug), None)
    if author is None:
        return []
    profile = nodes.paragraph("", "", classes=["author-profile"])
    if author.affiliation:
        profile += nodes.inline("", author.affiliation, classes=["author-affiliation"])
    if author.orcid:
        if author.affiliation:
            profile += nodes.Text(" · ")
        url = f"https://orcid.org/{author.orcid}"
        profile += nodes.Text("ORCID ")
        profile += nodes.reference("", url, refuri=url, classes=["author-orcid"])
    count = f"{len(essays)} essay{'' if len(essays) == 1 else 's'}"
    profile += nodes.Text((" · " if len(profile) else "") + count)
    return [profile]


class FillEssayLists(SphinxPostTransform):
    default_priority = 5  # before the doc links are resolved (10)

    def run(self, **kwargs: Any) -> None:
        domain = essays_domain(self.env)
        records = domain.essays.values()
        for placeholder in list(self.document.findall(essay_list)):
            essays = selected(records, placeholder["topic"], placeholder["author"])
            limit = placeholder["limit"] or len(essays)
            box = nodes.container("", classes=["essay-list"])
            if placeholder["author"]:
                box += author_profile(placeholder["author"], essays)
            if not essays:
                box += nodes.paragraph("", "No essays yet.", classes=["essay-list-empty"])
            for record in essays[:limit]:
                card = nodes.container("", classes=["essay-card"])
                link = doc_link(record.docname, record.title, self.env.docname)
                card += nodes.paragraph(
                    "", "", nodes.strong("", "", link), classes=["essay-card-title"]
                )
                card += nodes.paragraph(
                    "",
                    f"{byline_text(record)} · {record.date.long()} · "
                    f"{domain.reading_minutes.get(record.docname, 1)} min read",
                    # not "…byline…": Zotero takes any element whose class holds
                    # that word for the page's byline, and a list is not by them
                    classes=["essay-card-credit"],
                )
                card += nodes.paragraph("", record.abstract, classes=["essay-card-abstract"])
                box += card
            placeholder.replace_self(box)


def _corpus_state(env: BuildEnvironment) -> tuple[dict, dict]:
    """What pages made from the whole corpus depend on: every essay's record
    and reading time (the essay lists show both), and every page's cited keys."""
    cited = citations_domain(env).cited
    domain = essays_domain(env)
    minutes = domain.reading_minutes
    shown = {doc: (record, minutes.get(doc)) for doc, record in domain.essays.items()}
    return shown, {doc: list(keys) for doc, keys in cited.items()}


def note_corpus_state(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    env.peninsula_corpus_before = _corpus_state(env)  # type: ignore[attr-defined]


def updated_corpus_pages(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages made from the whole corpus (the essay list, the bibliography and
    its "cited in" notes) are filled at write time: they are written again when
    a record, a page's citations or a bib entry changed, and not when only the
    text of an essay did."""
    before = getattr(env, "peninsula_corpus_before", None) or ({}, {})
    records, cited = _corpus_state(env)
    pages = essays_domain(env).corpus_pages
    if before[0] != records:
        return list(pages)
    if before[1] != cited or getattr(env, "peninsula_changed_keys", None):
        return [page for page, shows in pages.items() if shows == "citations"]
    return []


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("peninsula.works.citations")
    app.add_config_value("peninsula_essay_dir", "articles", "env", str)
    # checked by check_settings, whose messages say where and how to fix
    app.add_config_value("peninsula_topics", {}, "env", Any)
    app.add_config_value("peninsula_licenses", {}, "env", Any)
    # the group that edits every edition, and authors an unsigned one
    app.add_config_value("peninsula_editors", "Editors", "env", str)
    app.setup_extension("peninsula.core.sources")
    app.add_domain(EssaysDomain)
    app.add_node(essay_list)
    app.add_directive("essay-list", EssayListDirective)
    app.connect("config-inited", check_settings)
    app.connect("source-read", read_front_matter)
    # before peninsula.works.citations (400) notes the citation the header adds
    app.connect("doctree-read", add_header, priority=350)
    app.connect("env-before-read-docs", note_corpus_state)
    app.connect("env-get-updated", updated_corpus_pages)
    app.add_post_transform(FillEssayLists)
    return {
        "version": "1.0",
        "env_version": 2,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
