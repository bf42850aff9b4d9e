"""Essays: one metadata record per essay, read from its YAML front matter.

Why this exists: the title, authors, date and abstract of an essay are
written once, at the top of its Markdown file, and every output (the page
header, the list of essays on the front page, later the cite box, head tags
and feed) is made from that one record. The front matter is validated on every
read with an error naming the file, the line, the field and the fix.

The record's title becomes the page's only top-level heading: essays do not
repeat it as a ``# heading``. As in refs.bib, braces in the title mark words
that keep their capitals when a citation puts the title in sentence case
(``{North Korea}``); they are not shown.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.domains import Domain
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import apa
from .citations import bib_entries

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

FIELDS = (
    "title",
    "subtitle",
    "authors",
    "date",
    "abstract",
    "topics",
    "source",
    "license",
    "image",
)
REQUIRED = ("title", "authors", "date", "abstract", "topics", "license")
AUTHOR_FIELDS = ("name", "affiliation", "orcid")
IMAGE_FIELDS = ("file", "alt", "credit")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".svg")
ORCID_RE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
TITLE_MARKUP_RE = re.compile(r"[*_`\[\]<>#|\\]")
#: where the pages listing the essays of a topic or of an author live
TOPIC_PAGE = "topics/{slug}"
AUTHOR_PAGE = "authors/{slug}"
#: the mean silent reading rate for non-fiction in Brysbaert's 2019
#: meta-analysis of 190 studies (Journal of Memory and Language, 109)
WORDS_PER_MINUTE = 238


def doc_slug(docname: str) -> str:
    """``articles/broadened-diplomacy`` -> ``broadened-diplomacy``."""
    return docname.rsplit("/", 1)[-1]


def name_separators(count: int) -> list[str]:
    """What goes before each of *count* names: ``A and B``, ``A, B, and C``."""
    if count == 2:
        return ["", " and "]
    return [""] + [", "] * max(count - 2, 0) + [", and "] * (count > 1)


def slugify(text: str) -> str:
    """``Pronoy Chatterji`` -> ``pronoy-chatterji``; accents are dropped."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass
class Author:
    name: str
    affiliation: str = ""
    orcid: str = ""

    @property
    def slug(self) -> str:
        return slugify(self.name)


@dataclass
class Image:
    """An essay's picture: a file beside the essay, its alt text and credit."""

    file: str  #: path relative to the source directory
    alt: str
    credit: str


@dataclass
class Essay:
    """The metadata record of one essay."""

    docname: str
    title: str  #: as shown, without the braces of ``title_bibtex``
    date: str  #: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``
    abstract: str
    license: str
    authors: list[Author] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    subtitle: str = ""
    source: str = ""  #: bib key of the original publication
    image: Image | None = None
    title_bibtex: str = ""  #: as written, braces marking protected capitals
    subtitle_bibtex: str = ""  #: likewise
    reading_minutes: int = 0  #: set when the body is read

    @property
    def slug(self) -> str:
        return doc_slug(self.docname)

    @property
    def byline(self) -> str:
        names = [a.name for a in self.authors]
        if not names:
            return "Unsigned"
        return "".join(s + n for s, n in zip(name_separators(len(names)), names, strict=True))

    @property
    def date_text(self) -> str:
        year, *rest = self.date.split("-")
        if not rest:
            return year
        month = apa.MONTHS[int(rest[0]) - 1]
        return f"{month} {year}" if len(rest) == 1 else f"{month} {int(rest[1])}, {year}"


class EssaysDomain(Domain):
    """The essay records, and the pages that list every essay."""

    name = "essays"
    label = "Essays of the corpus"
    data_version = 1
    initial_data: dict[str, Any] = {"essays": {}, "corpus_pages": {}}

    @property
    def essays(self) -> dict[str, Essay]:
        return self.data["essays"]

    @property
    def corpus_pages(self) -> dict[str, str]:
        """Pages whose content depends on every essay -> what of it they show:
        ``records`` (essay lists) or ``citations`` (also who cites what)."""
        return self.data["corpus_pages"]

    def clear_doc(self, docname: str) -> None:
        self.essays.pop(docname, None)
        self.corpus_pages.pop(docname, None)

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict) -> None:
        for docname in docnames:
            if docname in otherdata["essays"]:
                self.essays[docname] = otherdata["essays"][docname]
            if docname in otherdata["corpus_pages"]:
                self.corpus_pages[docname] = otherdata["corpus_pages"][docname]

    def resolve_any_xref(self, *args: Any) -> list:
        return []


def essays_domain(env: BuildEnvironment) -> EssaysDomain:
    return cast(EssaysDomain, env.get_domain("essays"))


def is_essay(app: Sphinx, docname: str) -> bool:
    return docname.startswith(app.config.peninsula_essay_dir.rstrip("/") + "/")


# -- Front matter ------------------------------------------------------------


class FrontMatterError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def split_front_matter(source: str) -> tuple[str, int] | None:
    """The YAML text between the ``---`` fences and the number of lines the
    block takes, fences included; None when the file has no front matter."""
    lines = source.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[1:index]), index + 1
    raise FrontMatterError(
        1, "front matter opened with '---' is never closed: end it with a line holding only '---'"
    )


def _text(value: Any, name: str, line: int, multiline: bool = False) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FrontMatterError(line, f"field '{name}' must be non-empty text")
    value = " ".join(value.split()) if multiline else value.strip()
    if not multiline and "\n" in value:
        raise FrontMatterError(line, f"field '{name}' must fit on one line")
    return value


def orcid_ok(orcid: str) -> bool:
    """ISO 7064 11,2 check digit, as ORCID defines it."""
    if not ORCID_RE.match(orcid):
        return False
    digits = orcid.replace("-", "")
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def parse_front_matter(app: Sphinx, docname: str, yaml_text: str) -> Essay:
    """Validate the front matter of *docname* into its record."""
    try:
        root = yaml.compose(yaml_text)
    except yaml.MarkedYAMLError as err:
        context = ""
        if err.context and err.context_mark:
            context = f" ({err.context} started at line {err.context_mark.line + 2})"
        line = err.problem_mark.line + 2 if err.problem_mark else 2
        raise FrontMatterError(
            line, f"front matter is not valid YAML{context}: {err.problem}"
        ) from None
    if not isinstance(root, yaml.MappingNode):
        raise FrontMatterError(2, "front matter must be 'field: value' lines")
    lines: dict[str, int] = {}
    for key_node, _ in root.value:
        key = key_node.value
        line = key_node.start_mark.line + 2
        if key in lines:
            raise FrontMatterError(line, f"field '{key}' is given twice (also line {lines[key]})")
        if key not in FIELDS:
            raise FrontMatterError(
                line, f"unknown field '{key}': the fields are {', '.join(FIELDS)}"
            )
        lines[key] = line
    data = yaml.safe_load(yaml_text)
    for name in REQUIRED:
        if name not in data:
            raise FrontMatterError(
                1,
                f"required field '{name}' is missing: add '{name}:' "
                "to the front matter (see templates/essay.md)",
            )

    title = _text(data["title"], "title", lines["title"])
    if TITLE_MARKUP_RE.search(title):
        raise FrontMatterError(
            lines["title"],
            "field 'title' must be plain text, without "
            "Markdown or HTML characters such as * _ ` [ ] < > #",
        )
    if not _braces_balanced(title):
        raise FrontMatterError(
            lines["title"],
            "field 'title' has unbalanced braces: braces mark words that keep their "
            "capitals, as in 'Talks with {North Korea}'",
        )
    record = Essay(
        docname=docname,
        title=title.replace("{", "").replace("}", ""),
        title_bibtex=title,
        date="",
        abstract="",
        license="",
    )
    if "subtitle" in data:
        subtitle = _text(data["subtitle"], "subtitle", lines["subtitle"])
        if not _braces_balanced(subtitle):
            raise FrontMatterError(
                lines["subtitle"],
                "field 'subtitle' has unbalanced braces: braces mark words that keep "
                "their capitals, as in 'A view from {Seoul}'",
            )
        record.subtitle = subtitle.replace("{", "").replace("}", "")
        record.subtitle_bibtex = subtitle

    raw_date = data["date"]
    if isinstance(raw_date, datetime.date):
        raw_date = raw_date.isoformat()
    raw_date = str(raw_date)
    match = apa.DATE_RE.match(raw_date)
    try:
        if not match:
            raise ValueError
        datetime.date(int(match["year"]), int(match["month"] or 1), int(match["day"] or 1))
    except ValueError:
        raise FrontMatterError(
            lines["date"],
            f"field 'date': {raw_date!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD",
        ) from None
    record.date = raw_date

    record.abstract = _text(data["abstract"], "abstract", lines["abstract"], multiline=True)

    authors = data["authors"]
    if not isinstance(authors, list):
        raise FrontMatterError(
            lines["authors"],
            "field 'authors' must be a list of '- name: ...' items, or [] for an unsigned essay",
        )
    for author in authors:
        if not isinstance(author, dict) or "name" not in author:
            raise FrontMatterError(
                lines["authors"], "each author needs a 'name': write '- name: Pronoy Chatterji'"
            )
        unknown = set(author) - set(AUTHOR_FIELDS)
        if unknown:
            raise FrontMatterError(
                lines["authors"],
                f"unknown author field '{sorted(unknown)[0]}': "
                f"author fields are {', '.join(AUTHOR_FIELDS)}",
            )
        orcid = str(author.get("orcid", "")).strip()
        if orcid and not orcid_ok(orcid):
            raise FrontMatterError(
                lines["authors"],
                f"ORCID {orcid!r} of {author['name']} is "
                "not valid (format 0000-0002-1825-0097, last "
                "character a checksum): copy it from orcid.org",
            )
        record.authors.append(
            Author(
                name=_text(author["name"], "name", lines["authors"]),
                affiliation=str(author.get("affiliation", "")).strip(),
                orcid=orcid,
            )
        )

    topics = data["topics"]
    known = app.config.peninsula_topics
    if not isinstance(topics, list) or not topics:
        raise FrontMatterError(
            lines["topics"], "field 'topics' must be a list such as [deterrence, sanctions]"
        )
    for topic in topics:
        if topic not in known:
            raise FrontMatterError(
                lines["topics"],
                f"unknown topic {topic!r}: choose from "
                f"{', '.join(sorted(known))} (peninsula_topics in conf.py)",
            )
    record.topics = list(topics)

    if "source" in data:
        source = str(data["source"])
        entries = bib_entries(app.env)
        if source not in entries:
            raise FrontMatterError(
                lines["source"],
                f"field 'source': {source!r} is not a key "
                "of refs.bib: add the original publication "
                "there and give its key",
            )
        record.source = source

    license_ = str(data["license"])
    if license_ not in app.config.peninsula_licenses:
        raise FrontMatterError(
            lines["license"],
            f"unknown license {license_!r}: use one of {', '.join(app.config.peninsula_licenses)}",
        )
    record.license = license_

    if "image" in data:
        record.image = _image(app, docname, data["image"], lines["image"])
    return record


def _braces_balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _image(app: Sphinx, docname: str, value: Any, line: int) -> Image:
    if not isinstance(value, dict):
        raise FrontMatterError(
            line, "field 'image' must hold 'file:', 'alt:' and 'credit:' lines, indented under it"
        )
    unknown = sorted(set(value) - set(IMAGE_FIELDS))
    if unknown:
        raise FrontMatterError(
            line, f"unknown image field '{unknown[0]}': image fields are {', '.join(IMAGE_FIELDS)}"
        )
    for name in IMAGE_FIELDS:
        if name not in value:
            hint = {
                "file": "the picture's path, relative to the essay",
                "alt": "what the picture shows, for readers who cannot see it",
                "credit": "who made the picture and under what licence",
            }[name]
            raise FrontMatterError(line, f"image needs '{name}:' — {hint}")
    file = _text(value["file"], "image file", line)
    alt = _text(value["alt"], "image alt", line, multiline=True)
    credit = _text(value["credit"], "image credit", line, multiline=True)
    if not file.lower().endswith(IMAGE_SUFFIXES):
        raise FrontMatterError(
            line, f"image file {file!r} is not a picture: use {', '.join(IMAGE_SUFFIXES)}"
        )
    relative = Path(app.env.doc2path(docname, base=False)).parent / file
    path = Path(app.srcdir) / relative
    if ".." in Path(file).parts or not path.is_file():
        raise FrontMatterError(
            line,
            f"image file {file!r} is not there: put it beside the essay "
            f"(expected at {relative.as_posix()})",
        )
    return Image(file=relative.as_posix(), alt=alt, credit=credit)


def _report(docname: str, err: FrontMatterError) -> None:
    logger.warning(
        "front matter: %s", err, location=(docname, err.line), type="essays", subtype="front_matter"
    )


def read_front_matter(app: Sphinx, docname: str, source: list[str]) -> None:
    """Take an essay's front matter into its record, and leave MyST its body.

    The front matter block is replaced by as many lines, blank but the last,
    which becomes the ``# title`` heading, so line numbers stay those of the file.
    """
    if not is_essay(app, docname):
        return
    text = source[0]
    try:
        found = split_front_matter(text)
        if found is None:
            raise FrontMatterError(
                1,
                "an essay starts with YAML front matter between "
                "'---' lines: copy templates/essay.md",
            )
    except FrontMatterError as err:
        _report(docname, err)
        return
    yaml_text, length = found
    body_lines = text.split("\n")[length:]
    try:
        record = parse_front_matter(app, docname, yaml_text)
    except FrontMatterError as err:
        _report(docname, err)
        # the page still gets a title, so that this is the only error reported
        source[0] = "\n" * (length - 1) + f"# {docname}\n" + "\n".join(body_lines)
        return
    for number, line in enumerate(body_lines, start=length + 1):
        if re.match(r"^#\s", line):
            logger.warning(
                "the title comes from the front matter: remove this '# ' "
                "heading and start sections with '## '",
                location=(docname, number),
                type="essays",
                subtype="title",
            )
    essays_domain(app.env).essays[docname] = record
    source[0] = "\n" * (length - 1) + f"# {record.title}\n" + "\n".join(body_lines)


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


def byline_nodes(record: Essay, fromdoc: str) -> list[nodes.Node]:
    """The byline, each author's name a link to the author's page."""
    if not record.authors:
        return [nodes.Text("Unsigned")]
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
        if any(isinstance(a, nodes.title) for a in _ancestors(node, section)):
            continue
        words += len(node.astext().split())
    return words


def _ancestors(node: nodes.Node, stop: nodes.Node) -> Iterable[nodes.Node]:
    parent = node.parent
    while parent is not None and parent is not stop:
        yield parent
        parent = parent.parent


def add_header(app: Sphinx, doctree: nodes.document) -> None:
    """Under the title: subtitle, byline with date and reading time, the work
    it edits, picture, abstract and topics, with links to author and topic pages."""
    docname = app.env.docname
    record = essays_domain(app.env).essays.get(docname)
    if record is None:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not isinstance(section[0], nodes.title):
        return
    record.reading_minutes = max(1, math.ceil(count_words(section) / WORDS_PER_MINUTE))
    header = nodes.container("", classes=["essay-header"])
    if record.subtitle:
        header += nodes.paragraph("", record.subtitle, classes=["essay-subtitle"])
    header += nodes.paragraph(
        "",
        "",
        nodes.inline("", "", *byline_nodes(record, docname), classes=["essay-authors"]),
        nodes.Text(" · "),
        nodes.inline("", record.date_text, classes=["essay-date"]),
        nodes.Text(" · "),
        nodes.inline("", f"{record.reading_minutes} min read", classes=["essay-reading-time"]),
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
    """The essays of a topic, or of an author (by slug), newest first."""
    return newest_first(
        e
        for e in essays
        if (not topic or topic in e.topics)
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
        records = essays_domain(self.env).essays.values()
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
                    f"{record.byline} · {record.date_text} · {record.reading_minutes} min read",
                    classes=["essay-byline"],
                )
                card += nodes.paragraph("", record.abstract, classes=["essay-card-abstract"])
                box += card
            placeholder.replace_self(box)


def _corpus_state(env: BuildEnvironment) -> tuple[dict, dict]:
    """What pages made from the whole corpus depend on: every essay's record
    and every page's cited keys (records are replaced, never changed, on a read)."""
    cited = env.get_domain("citations").data["cited"]  # type: ignore[attr-defined]
    return dict(essays_domain(env).essays), {doc: list(keys) for doc, keys in cited.items()}


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
    app.setup_extension("peninsula.citations")
    app.add_config_value("peninsula_essay_dir", "articles", "env", str)
    app.add_config_value("peninsula_topics", {}, "env", dict)
    app.add_config_value("peninsula_licenses", {}, "env", dict)
    app.add_domain(EssaysDomain)
    app.add_node(essay_list)
    app.add_directive("essay-list", EssayListDirective)
    app.setup_extension("peninsula.browse")
    app.connect("source-read", read_front_matter)
    # before peninsula.citations (400) notes the citation the header adds
    app.connect("doctree-read", add_header, priority=350)
    app.connect("env-before-read-docs", note_corpus_state)
    app.connect("env-get-updated", updated_corpus_pages)
    app.add_post_transform(FillEssayLists)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
