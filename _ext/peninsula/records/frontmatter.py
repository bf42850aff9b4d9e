"""The front matter of an essay: its record, and the parser that checks it.

Why this exists: an essay's title, authors, date, abstract, topics, licence,
source and picture are written once, in YAML at the top of its Markdown file,
and every output (header, essay lists, cite box, head tags, feed, PDF title)
reads them from one record. The parser used to stop at the first problem and
to report a nested mistake (an author's ORCID) at its parent's line, so an
essay with three mistakes took three builds; and it handed the date on as text
that five places split again, one of which crashed on ``2023-02-30``.

Here, as PEPs' checker and MyST's field validators do, each field has one small
validator. The parser runs every validator on the YAML *nodes*, so that every
problem of a file is found at once, each at the line of the value that is wrong
(nested values included), and returns either a frozen :class:`Essay`, whole and
typed (one :class:`~peninsula.core.dates.Date`), or the list of :class:`Problem`.
A mistake gives one message: a misspelt field is reported once, with a
did-you-mean, not also as the missing field it was meant to be.

No Sphinx here: what the front matter may name (the topics and licences of
conf.py, the keys of refs.bib) is passed in, so the parser is tested on
documents alone, as apa.py is on entries. ``peninsula.records.essays`` is the glue.
"""

from __future__ import annotations

import difflib
import posixpath
import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from anyascii import anyascii

from ..core.dates import Date, DateError
from ..core.sources import PICTURES, why_not_a_picture, why_not_in_project

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
    "history",
)
REQUIRED = ("title", "authors", "date", "abstract", "topics", "license")
AUTHOR_FIELDS = ("name", "affiliation", "orcid")
IMAGE_FIELDS = ("file", "alt", "credit")
VERSION_FIELDS = ("version", "date", "kind", "note")
#: what a later version of an essay may be, and how its header says it
KINDS = {
    "correction": "corrected",  # a factual error fixed
    "update": "updated",  # new information added
    "revision": "revised",  # edited, with no change of substance
    "retraction": "retracted",  # withdrawn: the text stays, under a notice
}
#: the file of an earlier version of an essay: articles/<slug>/v<N>.md
VERSION_DOC_RE = re.compile(r"^(?P<essay>.+)/v(?P<number>[1-9][0-9]*)$")
ORCID_RE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
TITLE_MARKUP_RE = re.compile(r"[*_`\[\]<>#|\\]")
NULL_TAG = "tag:yaml.org,2002:null"
#: the YAML starts under the opening '---', on the file's second line
FIRST_LINE = 2
#: browse reads every essay's authors on every build: libyaml when PyYAML has it
#: (16 times faster here), for a block short enough that its nesting cannot
#: overflow libyaml's recursion, which crashes the process rather than raise
FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FAST_LOADER_MAX_CHARS = 4096
#: deeper than any front matter goes (an author's ORCID is at the third level),
#: and shallow enough that the composer, which recurses once per level, never
#: runs out of stack
MAX_DEPTH = 16
#: what breaks a one-line field into lines, as Python's str.splitlines sees it
LINE_BREAK_RE = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
#: the characters YAML's double-quoted escapes write (``"\a"``, ``"\x07"``...)
YAML_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
YAML_ESCAPE_RE = re.compile(r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.S)


# -- The record ------------------------------------------------------------------


def doc_slug(docname: str) -> str:
    """``articles/broadened-diplomacy`` -> ``broadened-diplomacy``; an earlier
    version, ``articles/broadened-diplomacy/v1``, has its essay's slug."""
    return current_doc(docname).rsplit("/", 1)[-1]


def current_doc(docname: str) -> str:
    """The page of the current version of the essay whose version *docname*
    is: ``articles/x/v1`` -> ``articles/x``; any other page is itself."""
    match = VERSION_DOC_RE.match(docname)
    return match["essay"] if match else docname


def name_separators(count: int) -> list[str]:
    """What goes before each of *count* names: ``A and B``, ``A, B, and C``."""
    if count == 2:
        return ["", " and "]
    return [""] + [", "] * max(count - 2, 0) + [", and "] * (count > 1)


def slugify(text: str) -> str:
    """``Pronoy Chatterji`` -> ``pronoy-chatterji``, ``김민준`` -> ``gimminjun``.

    Every script is transliterated to ASCII (anyascii: Revised Romanization
    for Hangul, pinyin for Chinese, accents dropped), so that a page's address
    is the same in every format that needs an ASCII URL (sitemap, feed) and on
    every file system, whatever the name is written in."""
    return re.sub(r"[^a-z0-9]+", "-", anyascii(text).lower()).strip("-")


def not_text(char: str) -> bool:
    """Whether *char* is not a character of text: a control character other
    than the tab and line breaks (which become spaces), a lone surrogate or a
    noncharacter. No reader sees them, and XML (the feed) cannot hold them."""
    if char in "\t\n\r":
        return False
    code = ord(char)
    return (
        unicodedata.category(char) in ("Cc", "Cs")
        or 0xFDD0 <= code <= 0xFDEF
        or code & 0xFFFE == 0xFFFE
    )


def not_text_message(label: str, char: str) -> str:
    kind = {"Cc": "the control character", "Cs": "the lone surrogate"}.get(
        unicodedata.category(char), "the non-character"
    )
    return f"{label} holds {kind} U+{ord(char):04X}, which is not text: delete it"


@dataclass(frozen=True)
class Author:
    name: str
    affiliation: str = ""
    orcid: str = ""

    @property
    def slug(self) -> str:
        return slugify(self.name)


@dataclass(frozen=True)
class Image:
    """An essay's picture: a file beside the essay, its alt text and credit."""

    file: str  #: path relative to the source directory
    alt: str
    credit: str


@dataclass(frozen=True)
class Version:
    """A version of an essay after the first, as its History entry gives it."""

    number: int
    date: Date
    kind: str  #: one of KINDS
    note: str  #: what changed and why, for readers
    line: int  #: of the entry, in the essay's file

    @property
    def done(self) -> str:
        """``corrected``, ``updated``, ``revised`` or ``retracted``."""
        return KINDS[self.kind]


@dataclass(frozen=True)
class Essay:
    """The metadata record of one essay, as its front matter gives it.

    What is measured from the body (the reading time) is not part of it: the
    record is made before the body is parsed, and never changed after."""

    docname: str
    title: str  #: as shown, without the braces of ``title_bibtex``
    date: Date
    abstract: str
    license: str
    authors: tuple[Author, ...] = ()
    topics: tuple[str, ...] = ()
    subtitle: str = ""
    source: str = ""  #: bib key of the original publication
    image: Image | None = None
    title_bibtex: str = ""  #: as written, braces marking protected capitals
    subtitle_bibtex: str = ""  #: likewise
    #: the versions after the first (published on ``date``), oldest first
    history: tuple[Version, ...] = ()

    @property
    def slug(self) -> str:
        return doc_slug(self.docname)

    @property
    def version(self) -> int:
        """This text's version: 1, and one more for each History entry."""
        return 1 + len(self.history)

    @property
    def frozen(self) -> bool:
        """An earlier version, kept at ``articles/<slug>/v<N>``."""
        return VERSION_DOC_RE.match(self.docname) is not None

    @property
    def current_doc(self) -> str:
        return current_doc(self.docname)

    @property
    def modified(self) -> Date:
        """The date of this version: the first publication's, or the last entry's."""
        return self.history[-1].date if self.history else self.date

    @property
    def retracted(self) -> bool:
        return bool(self.history) and self.history[-1].kind == "retraction"

    @property
    def byline(self) -> str:
        names = [a.name for a in self.authors]
        if not names:
            return "Unsigned"
        return "".join(s + n for s, n in zip(name_separators(len(names)), names, strict=True))

    @property
    def date_text(self) -> str:
        """The date as readers see it: ``February 5, 2023``."""
        return self.date.long()


# -- Problems and inputs -----------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One mistake: the file's line and ``what is wrong: how to fix``."""

    line: int
    message: str


class FrontMatterError(Exception):
    """The file has no well-formed front matter block at all."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass(frozen=True)
class Known:
    """What front matter may name; None where it is not to be checked (a
    faulty setting is reported once, at conf.py, not in every essay)."""

    topics: Collection[str] | None
    licenses: Collection[str] | None
    bib_keys: Collection[str] | None = None


@dataclass(frozen=True)
class Block:
    """The YAML between the ``---`` fences, and the lines the block takes."""

    text: str
    length: int


def split(source: str) -> Block | None:
    """The front matter block of *source*, None when the file has none."""
    lines = source.split("\n")
    if lines[0].strip() != "---":
        return None
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return Block("\n".join(lines[1:index]), index + 1)
    raise FrontMatterError(
        Problem(
            1,
            "front matter opened with '---' is never closed: end it with a line holding only '---'",
        )
    )


# -- Validators ----------------------------------------------------------------------


@dataclass
class _Context:
    known: Known
    docname: str
    folder: Path | None
    problems: list[Problem] = field(default_factory=list)
    #: the line of the field being checked, where a missing part of it is reported
    key_line: int = 1
    #: the essay's date, which its first later version may not precede
    essay_date: Date | None = None

    def report(self, where: yaml.Node | int, message: str) -> None:
        line = where if isinstance(where, int) else _line(where)
        self.problems.append(Problem(line, message))


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + FIRST_LINE


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "'field: value' lines"
    return "empty"


def _scalar(node: yaml.Node) -> str | None:
    """The text of a scalar that holds some, as written (YAML's typing aside:
    a title ``1984`` is text, a date is parsed here, not by YAML)."""
    if not isinstance(node, yaml.ScalarNode) or node.tag == NULL_TAG:
        return None
    return node.value if node.value.strip() else None


def _text(node: yaml.Node, label: str, ctx: _Context, multiline: bool = False) -> str | None:
    """The text of a field, its runs of spaces and line breaks made one space
    (every output shows it so: HTML, a RIS line, a LaTeX argument)."""
    value = _scalar(node)
    if value is None:
        if isinstance(node, yaml.ScalarNode):
            ctx.report(node, f"{label} must be non-empty text")
        else:
            ctx.report(node, f"{label} must be text, not {_kind(node)}")
        return None
    bad = next((char for char in value if not_text(char)), None)
    if bad is not None:
        ctx.report(_char_line(node, bad), not_text_message(label, bad))
        return None
    if not multiline and LINE_BREAK_RE.search(value.strip()):
        ctx.report(node, f"{label} must fit on one line")
        return None
    return " ".join(value.split())


def _char_line(node: yaml.Node, char: str) -> int:
    """The line of the file where the scalar *node* writes *char*, itself or
    as a double-quoted escape (``"\a"``); the node's first line otherwise."""
    mark, end = node.start_mark, node.end_mark
    written = mark.buffer[mark.index : end.index] if mark.buffer else ""
    at = written.find(char)
    if node.style == '"':
        for match in YAML_ESCAPE_RE.finditer(written):
            escape = match[0][1:]
            code = escape[1:] if len(escape) > 1 else ""
            shown = YAML_ESCAPES.get(escape) or (chr(int(code, 16)) if code else "")
            if shown == char and (at < 0 or match.start() < at):
                at = match.start()
                break
    return _line(node) + (written.count("\n", 0, at) if at > 0 else 0)


def _close(value: str, choices: Collection[str]) -> str | None:
    found = difflib.get_close_matches(value, list(choices), n=1)
    return found[0] if found else None


def _unknown_choice(kind: str, value: str, choices: Collection[str], setting: str) -> str:
    listed = ", ".join(sorted(choices))
    close = _close(value, choices)
    if close:
        return (
            f"unknown {kind} {value!r}: did you mean {close!r}? "
            f"The {kind}s are {listed} ({setting} in conf.py)"
        )
    return f"unknown {kind} {value!r}: choose from {listed} ({setting} in conf.py)"


def _fields(
    node: yaml.MappingNode,
    names: tuple[str, ...],
    required: tuple[str, ...],
    ctx: _Context,
    what: str,
    missing: Callable[[str], str],
    missing_line: int,
) -> tuple[dict[str, yaml.Node], dict[str, int]]:
    """The value nodes of a mapping by field name, and the lines of their
    names. Unknown, repeated and
    missing fields are reported; a misspelt field is reported once, as the
    field it was meant to be, not also as that field missing."""
    given: dict[str, yaml.Node] = {}
    lines: dict[str, int] = {}
    unknown: list[tuple[yaml.Node, str]] = []
    for key_node, value_node in node.value:
        key = _scalar(key_node)
        if key is None:
            ctx.report(key_node, f"{what} names must be words: the {what}s are {', '.join(names)}")
        elif key in lines:
            ctx.report(key_node, f"{what} {key!r} is given twice (also line {lines[key]})")
        elif key not in names:
            unknown.append((key_node, key))
        else:
            given[key] = value_node
            lines[key] = _line(key_node)
    absent = [name for name in names if name not in given]
    meant: set[str] = set()
    for key_node, key in unknown:
        close = _close(key, absent)
        lacking = [name for name in required if name not in given]
        if close is None and len(unknown) == 1 and len(lacking) == 1:
            close = lacking[0]  # the one field missing is what it stands for
        if close:
            meant.add(close)
            ctx.report(key_node, f"unknown {what} {key!r}: did you mean '{close}'?")
        else:
            ctx.report(key_node, f"unknown {what} {key!r}: the {what}s are {', '.join(names)}")
    for name in required:
        if name not in given and name not in meant:
            ctx.report(missing_line, missing(name))
    return given, lines


def check_title(node: yaml.Node, ctx: _Context) -> str | None:
    """Plain text on one line; braces, balanced, mark protected capitals."""
    title = _text(node, "field 'title'", ctx)
    if title is None:
        return None
    if TITLE_MARKUP_RE.search(title):
        ctx.report(
            node,
            "field 'title' must be plain text, without "
            "Markdown or HTML characters such as * _ ` [ ] < > #",
        )
        return None
    if not _braces_balanced(title):
        ctx.report(
            node,
            "field 'title' has unbalanced braces: braces mark words that keep their "
            "capitals, as in 'Talks with {North Korea}'",
        )
        return None
    return title


def check_subtitle(node: yaml.Node, ctx: _Context) -> str | None:
    subtitle = _text(node, "field 'subtitle'", ctx)
    if subtitle is not None and not _braces_balanced(subtitle):
        ctx.report(
            node,
            "field 'subtitle' has unbalanced braces: braces mark words that keep "
            "their capitals, as in 'A view from {Seoul}'",
        )
        return None
    return subtitle


def check_date(node: yaml.Node, ctx: _Context) -> Date | None:
    raw = _scalar(node)
    if raw is None:
        ctx.report(node, "field 'date' must be a date: write YYYY, YYYY-MM or YYYY-MM-DD")
        return None
    try:
        return Date.parse(raw)
    except DateError as err:
        ctx.report(node, f"field 'date': {raw.strip()!r} is not a date: {err.fix}")
        return None


def check_abstract(node: yaml.Node, ctx: _Context) -> str | None:
    return _text(node, "field 'abstract'", ctx, multiline=True)


def orcid_check(base: str) -> str:
    """The ISO 7064 11,2 check character, as ORCID defines it, of the first 15
    digits of an iD."""
    total = 0
    for char in base:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


def orcid_ok(orcid: str) -> bool:
    """An iD in ORCID's form whose last character is its check character."""
    if not ORCID_RE.match(orcid):
        return False
    digits = orcid.replace("-", "")
    return digits[-1] == orcid_check(digits[:-1])


AUTHOR_NEEDS_NAME = "each author needs a 'name': write '- name: Pronoy Chatterji'"


def check_author(node: yaml.Node, ctx: _Context) -> Author | None:
    """One ``- name:`` item, with optional ``affiliation`` and ``orcid``."""
    if not isinstance(node, yaml.MappingNode):
        ctx.report(node, AUTHOR_NEEDS_NAME)
        return None
    before = len(ctx.problems)
    given, _ = _fields(
        node,
        AUTHOR_FIELDS,
        ("name",),
        ctx,
        "author field",
        lambda name: AUTHOR_NEEDS_NAME,
        _line(node),
    )
    name = _text(given["name"], "an author's 'name'", ctx) if "name" in given else None
    if name is not None and not slugify(name):
        ctx.report(
            given["name"],
            f"an author's 'name' {name!r} has no letter or digit to name the author's "
            "page with: write the name as the author signs it",
        )
    affiliation = ""
    if "affiliation" in given:
        affiliation = _text(given["affiliation"], "an author's 'affiliation'", ctx) or ""
    orcid = ""
    if "orcid" in given:
        orcid = (_scalar(given["orcid"]) or "").strip()
        if not orcid_ok(orcid):
            ctx.report(
                given["orcid"],
                f"ORCID {orcid!r} of {name or 'this author'} is "
                "not valid (format 0000-0002-1825-0097, last "
                "character a checksum): copy it from orcid.org",
            )
    if name is None or len(ctx.problems) > before:
        return None
    return Author(name=name, affiliation=affiliation, orcid=orcid)


def check_authors(node: yaml.Node, ctx: _Context) -> tuple[Author, ...] | None:
    if not isinstance(node, yaml.SequenceNode):
        ctx.report(
            node,
            "field 'authors' must be a list of '- name: ...' items, or [] for an unsigned essay",
        )
        return None
    authors = [check_author(item, ctx) for item in node.value]
    if any(a is None for a in authors):
        return None
    # two names with one page address would share one author page
    first: dict[str, tuple[str, int]] = {}
    ok = True
    for author, item in zip(authors, node.value, strict=True):
        assert author is not None
        if author.slug in first:
            name, line = first[author.slug]
            ctx.report(item, same_page_message(author.name, name, f"line {line}"))
            ok = False
        else:
            first[author.slug] = (author.name, _line(item))
    return tuple(a for a in authors if a is not None) if ok else None


def same_page_message(name: str, other: str, where: str) -> str:
    """Two names whose page addresses are one: the same name twice, or two
    that differ only in accents, case or punctuation."""
    if name == other:
        return f"author {name!r} is listed twice (also {where}): remove one"
    return (
        f"author {name!r} would share the page authors/{slugify(name)} with {other!r} "
        f"({where}): write one person's name the same way everywhere, and two people's "
        "names so that they differ in more than accents, case or punctuation"
    )


def check_topics(node: yaml.Node, ctx: _Context) -> tuple[str, ...] | None:
    """A list of the slugs of peninsula_topics, each at most once."""
    text = _scalar(node)
    if text is not None:
        ctx.report(node, f"field 'topics' must be a list, not text: write [{text.strip()}]")
        return None
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        ctx.report(node, "field 'topics' must be a list such as [deterrence, sanctions]")
        return None
    topics: list[str] = []
    lines: dict[str, int] = {}
    known = ctx.known.topics
    ok = True
    for item in node.value:
        topic = _text(item, "each topic", ctx)
        if topic is None:
            ok = False
        elif known is not None and topic not in known:
            ctx.report(item, _unknown_choice("topic", topic, known, "peninsula_topics"))
            ok = False
        elif topic in lines:
            ctx.report(item, f"topic '{topic}' is listed twice: remove one")
            ok = False
        else:
            lines[topic] = _line(item)
            topics.append(topic)
    return tuple(topics) if ok else None


def check_source(node: yaml.Node, ctx: _Context) -> str | None:
    """The refs.bib key of the work the essay is an edition of."""
    source = _text(node, "field 'source'", ctx)
    keys = ctx.known.bib_keys
    if source is None or keys is None or source in keys:
        return source
    close = _close(source, keys)
    fix = (
        f"did you mean {close!r}?"
        if close
        else "add the original publication there and give its key"
    )
    ctx.report(node, f"field 'source': {source!r} is not a key of refs.bib: {fix}")
    return None


def check_license(node: yaml.Node, ctx: _Context) -> str | None:
    license_ = _text(node, "field 'license'", ctx)
    known = ctx.known.licenses
    if license_ is None or known is None or license_ in known:
        return license_
    ctx.report(node, _unknown_choice("license", license_, known, "peninsula_licenses"))
    return None


IMAGE_HINTS = {
    "file": "the picture's path, relative to the essay",
    "alt": "what the picture shows, for readers who cannot see it",
    "credit": "who made the picture and under what licence",
}


def check_image(node: yaml.Node, ctx: _Context) -> Image | None:
    """A picture beside the essay, with its alt text and credit."""
    if not isinstance(node, yaml.MappingNode):
        ctx.report(
            node, "field 'image' must hold 'file:', 'alt:' and 'credit:' lines, indented under it"
        )
        return None
    before = len(ctx.problems)
    given, _ = _fields(
        node,
        IMAGE_FIELDS,
        IMAGE_FIELDS,
        ctx,
        "image field",
        lambda name: f"image needs '{name}:' — {IMAGE_HINTS[name]}",
        ctx.key_line,
    )
    file = _text(given["file"], "image 'file'", ctx) if "file" in given else None
    alt = _text(given["alt"], "image 'alt'", ctx, multiline=True) if "alt" in given else None
    credit = (
        _text(given["credit"], "image 'credit'", ctx, multiline=True) if "credit" in given else None
    )
    relative = ""
    if file is not None:
        relative = posixpath.join(posixpath.dirname(ctx.docname), file)
        if not file.lower().endswith(tuple(PICTURES)):
            ctx.report(
                given["file"],
                f"image file {file!r} is not a picture: use {', '.join(PICTURES)}",
            )
        elif ctx.folder is not None and (
            ".." in Path(file).parts or not (ctx.folder / file).is_file()
        ):
            ctx.report(
                given["file"],
                f"image file {file!r} is not there: put it beside the essay "
                f"(expected at {posixpath.normpath(relative)})",
            )
        elif ctx.folder is not None:
            # beside the essay after every symlink, and a picture by its bytes
            why = why_not_in_project(ctx.folder, ctx.folder / file) or why_not_a_picture(
                str(ctx.folder / file)
            )
            if why is not None:
                where = why.replace("the project", "the essay's folder")
                ctx.report(
                    given["file"],
                    f"image file {file!r} is refused: {where}: save it as PNG or JPEG in "
                    "the essay's folder and give its name",
                )
    if file is None or alt is None or credit is None or len(ctx.problems) > before:
        return None
    return Image(file=posixpath.normpath(relative), alt=alt, credit=credit)


def _braces_balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


VERSION_HINTS = {
    "version": "its number: 2 for the first entry, then 3, 4, ...",
    "date": "the day it was published, YYYY-MM-DD",
    "kind": f"one of {', '.join(KINDS)}",
    "note": "what changed and why, in a sentence or two a reader understands",
}


def check_version(node: yaml.Node, ctx: _Context, number: int, after: Date) -> Version | None:
    """One History entry: version *number*, dated no earlier than *after*."""
    if not isinstance(node, yaml.MappingNode):
        ctx.report(
            node,
            "each History entry holds 'version:', 'date:', 'kind:' and 'note:' lines: "
            "run make revise ESSAY=<slug> to add one",
        )
        return None
    before = len(ctx.problems)
    given, _ = _fields(
        node,
        VERSION_FIELDS,
        VERSION_FIELDS,
        ctx,
        "History field",
        lambda name: f"the History entry needs '{name}:', {VERSION_HINTS[name]}",
        _line(node),
    )
    values: dict[str, object] = {}
    if "version" in given:
        raw = _scalar(given["version"]) or ""
        if raw.strip() != str(number):
            ctx.report(
                given["version"],
                f"this History entry is version {number}, not {raw.strip() or 'empty'}: "
                "version 1 is the essay as first published, on its 'date', and each entry "
                "is the next version, oldest first",
            )
    if "date" in given:
        raw = _scalar(given["date"])
        try:
            date = Date.parse(raw or "")
            if date.day is None:
                raise DateError("write YYYY-MM-DD")
        except DateError as err:
            fix = err.fix if err.calendar and "days" in err.fix else "write YYYY-MM-DD"
            ctx.report(given["date"], f"version {number}'s date {raw!r} is not a day: {fix}")
        else:
            if date < after:
                ctx.report(
                    given["date"],
                    f"version {number} is dated {date.iso}, before the version it follows "
                    f"({after.iso}): versions are listed oldest first",
                )
            values["date"] = date
    if "kind" in given:
        kind = _text(given["kind"], "a version's 'kind'", ctx)
        if kind is not None and kind not in KINDS:
            close = _close(kind, KINDS)
            fix = f"did you mean {close!r}?" if close else f"write one of {', '.join(KINDS)}"
            ctx.report(given["kind"], f"unknown kind of version {kind!r}: {fix}")
        values["kind"] = kind
    if "note" in given:
        note = given["note"]
        if _scalar(note) is None and isinstance(note, yaml.ScalarNode):
            ctx.report(
                note,
                f"version {number} has no note: say what changed and why, in a sentence or "
                "two a reader understands (it is shown in the essay's History)",
            )
        else:
            values["note"] = _text(note, f"version {number}'s note", ctx, multiline=True)
    if len(ctx.problems) > before:
        return None
    return Version(
        number=number,
        date=values["date"],  # type: ignore[arg-type]
        kind=str(values["kind"]),
        note=str(values["note"]),
        line=_line(node),
    )


def check_history(node: yaml.Node, ctx: _Context) -> tuple[Version, ...] | None:
    """The versions after the first, oldest first; a retraction is the last."""
    if isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG:
        return ()
    if not isinstance(node, yaml.SequenceNode):
        ctx.report(
            node,
            "field 'history' must be a list of versions, each '- version: 2' with its "
            "date, kind and note: run make revise ESSAY=<slug> to add one",
        )
        return None
    versions: list[Version] = []
    after = ctx.essay_date or Date(1)
    ok = True
    for index, item in enumerate(node.value):
        version = check_version(item, ctx, index + 2, after)
        if version is None:
            ok = False
            continue
        if versions and versions[-1].kind == "retraction":
            ctx.report(
                item,
                f"version {version.number} follows a retraction: a retracted essay has no "
                "later version; remove this entry",
            )
            ok = False
        versions.append(version)
        after = version.date
    return tuple(versions) if ok else None


#: one validator per field, each reporting its own problems at their lines
VALIDATORS: dict[str, Callable[[yaml.Node, _Context], object]] = {
    "title": check_title,
    "subtitle": check_subtitle,
    "authors": check_authors,
    "date": check_date,
    "abstract": check_abstract,
    "topics": check_topics,
    "source": check_source,
    "license": check_license,
    "image": check_image,
    "history": check_history,
}


# -- The parser ------------------------------------------------------------------------


class TooDeep(Exception):
    """Raised at the first level too deep, whose line it keeps: the composer
    would recurse into every level below it."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class CheckingLoader(yaml.SafeLoader):
    """PyYAML's pure-Python composer (its messages are the ones editors are
    shown), which notes every alias at its line and stops at nesting deeper
    than :data:`MAX_DEPTH`.

    No field needs an alias (``*name``), and aliases repeat a value without
    writing it again: nine lines of them make a value of a billion items
    (the "billion laughs"), which every reader of the value then walks."""

    def __init__(self, text: str, first_line: int = FIRST_LINE, what: str = "front matter") -> None:
        super().__init__(text)
        #: the line of the file where *text* starts, and what the file is
        self.first_line, self.what = first_line, what
        self.aliases: list[Problem] = []
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            line = event.start_mark.line + self.first_line
            if not self.aliases or self.aliases[-1].line != line:  # one message a line
                self.aliases.append(
                    Problem(
                        line,
                        f"{self.what} uses the YAML alias '*{event.anchor}': write the value "
                        f"out where it is needed; {self.what} takes no aliases",
                    )
                )
            return super().compose_node(parent, index)
        if not self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            return super().compose_node(parent, index)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise TooDeep(self.peek_event().start_mark.line + self.first_line)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _compose(text: str, ctx: _Context) -> yaml.Node | None:
    loader = None
    try:
        # the reader refuses a character that is not text when it is made
        loader = CheckingLoader(text)
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        context = ""
        if err.context and err.context_mark:
            context = f" ({err.context} started at line {err.context_mark.line + FIRST_LINE})"
        line = err.problem_mark.line + FIRST_LINE if err.problem_mark else FIRST_LINE
        ctx.report(line, f"front matter is not valid YAML{context}: {err.problem}")
        return None
    except yaml.reader.ReaderError as err:
        # a character YAML refuses to read, written as itself in the file
        line = text.count("\n", 0, err.position) + FIRST_LINE
        ctx.report(line, not_text_message("front matter", chr(err.character)))
        return None
    except TooDeep as err:
        ctx.report(
            err.line,
            f"front matter is nested more than {MAX_DEPTH} levels deep: write 'field: value' "
            "lines as templates/essay.md does",
        )
        return None
    finally:
        if loader is not None:
            loader.dispose()
    for problem in loader.aliases:
        ctx.report(problem.line, problem.message)
    return root


def parse(
    source: str, docname: str, known: Known, folder: Path | None = None
) -> Essay | list[Problem]:
    """The record of the essay *docname* whose file holds *source*, or every
    problem of its front matter, in the order of their lines.

    *folder* is the essay's folder on disk, where its picture must be; without
    it, the picture's file is not looked for.
    """
    ctx = _Context(known, docname, folder)
    try:
        block = split(source)
    except FrontMatterError as err:
        return [err.problem]
    if block is None:
        return [
            Problem(
                1,
                "an essay starts with YAML front matter between '---' lines: "
                "copy templates/essay.md",
            )
        ]
    root = _compose(block.text, ctx)
    if ctx.problems:
        return ctx.problems
    if not isinstance(root, yaml.MappingNode):
        return [Problem(FIRST_LINE, "front matter must be 'field: value' lines")]
    given, lines = _fields(
        root,
        FIELDS,
        REQUIRED,
        ctx,
        "field",
        lambda name: (
            f"required field '{name}' is missing: add '{name}:' "
            "to the front matter (see templates/essay.md)"
        ),
        1,
    )
    values = {}
    for name, node in given.items():
        ctx.key_line = lines[name]
        values[name] = VALIDATORS[name](node, ctx)
        if name == "date":
            ctx.essay_date = values[name]  # type: ignore[assignment]
    if ctx.problems:
        return sorted(ctx.problems, key=lambda p: p.line)
    title = str(values["title"])
    subtitle = str(values.get("subtitle") or "")
    return Essay(
        docname=docname,
        title=_unbraced(title),
        title_bibtex=title,
        date=values["date"],  # type: ignore[arg-type]
        abstract=str(values["abstract"]),
        license=str(values["license"]),
        authors=values["authors"],  # type: ignore[arg-type]
        topics=values["topics"],  # type: ignore[arg-type]
        subtitle=_unbraced(subtitle),
        subtitle_bibtex=subtitle,
        source=str(values.get("source") or ""),
        image=values.get("image"),  # type: ignore[arg-type]
        history=values.get("history") or (),  # type: ignore[arg-type]
    )


def _unbraced(text: str) -> str:
    """*text* as shown: its braces out, and with them any space doubled."""
    return " ".join(text.replace("{", "").replace("}", "").split())


def author_names(source: str) -> list[tuple[str, int]]:
    """The names of the authors a file's front matter gives, each with its
    line, as well as it can be read; never raises, whatever the file holds.
    The names decide which author pages exist before Sphinx reads any essay; a
    name the parser refuses has no page, and the essay's own problems are
    reported, with their lines, when Sphinx reads it."""
    try:
        block = split(source)
        if block is None:
            return []
        short = len(block.text) <= FAST_LOADER_MAX_CHARS
        root = yaml.compose(block.text, Loader=FastLoader if short else yaml.SafeLoader)
    except (FrontMatterError, yaml.YAMLError, RecursionError):
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    people = next((v for k, v in root.value if _scalar(k) == "authors"), None)
    names = []
    for person in people.value if isinstance(people, yaml.SequenceNode) else []:
        if not isinstance(person, yaml.MappingNode):
            continue
        node = next((v for k, v in person.value if _scalar(k) == "name"), None)
        name = _scalar(node) if node is not None else None
        if not name or any(not_text(c) for c in name) or LINE_BREAK_RE.search(name.strip()):
            continue
        name = " ".join(name.split())
        if slugify(name):
            names.append((name, _line(node)))
    return names


def page_problems(source: str) -> list[Problem]:
    """What is wrong with the front matter of a page that is not an essay, as
    YAML: a mistake of syntax, an alias, nesting too deep, each at its line.
    MyST reads such a page's front matter with PyYAML, and gives its own
    message, without a line; a page with these problems is not given its
    front matter."""
    try:
        block = split(source)
    except FrontMatterError:
        return []
    if block is None:
        return []
    ctx = _Context(Known(None, None), "", None)
    _compose(block.text, ctx)
    return ctx.problems
