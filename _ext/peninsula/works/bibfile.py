"""Read refs.bib ourselves: every mistake reported at its line, with its fix.

Why this exists: sphinxcontrib-bibtex hands refs.bib to pybtex's parser, which
stops at the first syntax error and raises; Sphinx then ends the build with
"Extension error ... syntax error in line 178: premature end of file", a line
that is often far below the mistake (an unclosed brace swallows the entries
after it) and no fix. pybtex also accepts any key and any field, so a bad date
or an @article without a journal only shows up later, as a failure to format a
page, which used to cascade into messages about unrelated keys and a traceback.

So this module reads every file of ``bibtex_bibfiles`` before
sphinxcontrib-bibtex does (``builder-inited``, priority 450 against its 500):

* the file is cut into entries at each line opening with ``@``, and each entry
  is scanned on its own, so a mistake stays inside its entry and is reported
  at the line of the field that holds it: an unclosed brace or quotation
  mark, a missing comma, a missing ``=`` or value, an undefined ``@string``;
* the sound entries go through pybtex's own parser, one at a time, and the
  result is stored as the ``cite`` domain's ``bibdata``, stamped with the
  file's modification time: sphinxcontrib-bibtex then finds its cache up to
  date and does not parse the file again (``process_bibdata``);
* each parsed entry is checked: a key used twice, the fields its APA 7 type
  needs, ISO dates, pages, DOI, URL, text the style would print wrongly, and
  the key convention ``authoryearword`` (``kim2022missile``);
* an entry the style cannot format (a syntax error, a second entry under one
  key, a missing required field, a bad date) is withheld: it is not handed on,
  and its key is recorded in the ``citations`` domain, so that a page citing
  it gets no second message. One mistake, one message.

The problems are kept while refs.bib is unchanged and given again on every
build, so a strict build keeps failing until the entry is fixed.

What an editor writes in a text field (title, names, journal, publisher,
note, ...), as pybtex's LaTeX decoder reads it:

* any character as itself, in UTF-8: accents, Hangul, dashes, quotation marks;
  ``&``, ``$``, ``#``, ``_`` and ``^`` too;
* or the LaTeX forms ``\\&``, ``\\%``, ``\\#``, ``\\_``, ``\\$``, and ``\\{``
  and ``\\}`` for braces that are printed, accents such as
  ``\\'e`` or ``{\\"u}``, ``\\textasciitilde{}`` for ``~`` and
  ``\\textbackslash{}`` for ``\\``; ``--`` and ``---`` are dashes, ``~`` a
  no-break space, and braces keep capitals (``{North Korea}``), unprinted;
* a percent sign only as ``\\%``: a bare ``%`` starts a LaTeX comment, which
  would drop the rest of the field;
* never ``\\\\`` or another command the decoder does not know (``\\emph``...):
  it would be printed as written, backslash and all. Each of these is
  reported with what to write instead.

``url`` and ``doi`` are addresses, not text: written exactly as a browser
shows them (``_`` and ``%`` as they are).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import sys
import unicodedata
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pybtex
from pybtex.database import BibliographyData, Entry
from pybtex.database.input.bibtex import Parser
from pybtex.exceptions import PybtexError
from sphinx.domains import Domain
from sphinx.util import logging
from sphinxcontrib.bibtex.bibfile import BibData, BibFile, get_mtime, is_bibdata_outdated

from ..core.dates import Date, DateError
from . import apa
from .citations import citations_domain

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

KEY_RE = re.compile(r"^(?P<who>[a-z]+)(?P<year>\d{4}|nd)(?P<word>[a-z]+)$")
#: the start of each entry (other modules find an entry's line with it)
ENTRY_START_RE = re.compile(r"^\s*@(?P<type>\w+)\s*\{\s*(?P<key>[^,\s]+)\s*,", re.M)
STOP_WORDS = frozenset({"the", "a", "an"})
#: the suppress_warnings entry that turns the key convention off
KEY_CHECK = "bibfile.key"
KEY_FIX = (
    "or, for a journal with another convention, add %r to suppress_warnings in conf.py" % KEY_CHECK
)

#: fields the APA style decodes as LaTeX text (apa._latex)
TEXT_FIELDS = (
    "title",
    "shorttitle",
    "maintitle",
    "journal",
    "journaltitle",
    "booktitle",
    "publisher",
    "institution",
    "organization",
    "school",
    "howpublished",
    "note",
    "shortauthor",
    "type",
    "series",
    "eventtitle",
    "venue",
)
PERSON_FIELDS = ("author", "editor", "translator")
_PUBLISHER = (
    "add publisher = {...}; a publisher that is also the author is given too (the style "
    "leaves it out)"
)
_BOOKTITLE = (("booktitle",), "add booktitle = {...}, the title of the book")
_SCHOOL = (("school", "institution"), "add school = {...}, the university that granted the degree")
_YEAR = (("date", "year"), "add date = {YYYY}, the year it was decided or enacted")
#: what each type needs besides a title, and how to add it: (fields, any of
#: which will do; the fix); every missing one is reported
REQUIRED: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "article": ((("journal", "journaltitle"), "add journal = {...}, the journal's name"),),
    "book": ((("publisher",), _PUBLISHER),),
    "collection": (
        (("editor",), "add editor = {...}, the editors of the book"),
        (("publisher",), _PUBLISHER),
    ),
    "proceedings": (
        (
            ("publisher", "organization"),
            "add publisher = {...}, or organization = {...} for the body that issued them",
        ),
    ),
    "incollection": (_BOOKTITLE, (("publisher",), _PUBLISHER)),
    "inbook": (_BOOKTITLE, (("publisher",), _PUBLISHER)),
    "inproceedings": ((("booktitle",), "add booktitle = {...}, the title of the proceedings"),),
    "conference": ((("booktitle",), "add booktitle = {...}, the title of the proceedings"),),
    "report": (
        (
            ("institution", "organization", "publisher", "author"),
            "add institution = {...}, the organization that issued the report",
        ),
    ),
    "techreport": (
        (
            ("institution", "organization", "publisher", "author"),
            "add institution = {...}, the organization that issued the report",
        ),
    ),
    "thesis": (
        (
            ("type",),
            "add type = {phdthesis} for a doctoral dissertation, {mathesis} for a master's "
            "thesis, or the kind of thesis as the work names it",
        ),
        _SCHOOL,
    ),
    "phdthesis": (_SCHOOL,),
    "mastersthesis": (_SCHOOL,),
    "jurisdiction": (
        (("number",), "add number = {...}, the volume, reporter and first page: 347 U.S. 483"),
        _YEAR,
    ),
    "legislation": (
        (("number",), "add number = {...}, the code, title and section: 20 U.S.C. § 6301"),
        _YEAR,
    ),
    "legal": ((("date", "year"), "add date = {YYYY-MM-DD}, the day it was signed"),),
}
DATE_FIELDS = ("date", "year", "urldate", "origdate")
#: pubstate values the style knows (apa.IN_PRESS, apa.PUBSTATE_DESCRIPTIONS)
PUBSTATES = apa.IN_PRESS | frozenset(apa.PUBSTATE_DESCRIPTIONS)

# pybtex's own patterns (pybtex.database.input.bibtex), so that the scan and
# the parse agree on what a name and a key are
_NAME_CHARS = re.escape("@!$&*+-./:;<>?[\\]^_`|~\x7f")
NAME_RE = re.compile(rf"[A-Za-z{_NAME_CHARS}][A-Za-z0-9{_NAME_CHARS}]*")
KEY_BRACE_RE = re.compile(r"[^\s,}]+")
KEY_PAREN_RE = re.compile(r"[^\s,]+")
NUMBER_RE = re.compile(r"\d+")
#: a line that begins a field: what an unclosed value has swallowed
FIELD_LINE_RE = re.compile(r"\n[ \t]*[A-Za-z][\w-]*[ \t]*=")
#: a line that begins an entry, where a mistake in the one above stops
ENTRY_LINE_RE = re.compile(r"^[ \t]*@", re.M)
MONTH_MACROS = frozenset(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
)

PAGE = r"[A-Za-z]?\d+[A-Za-z]?"
PAGES_RE = re.compile(rf"^{PAGE}(\s*(--?|–)\s*{PAGE})?(\s*,\s*{PAGE}(\s*(--?|–)\s*{PAGE})?)*$")
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
#: LaTeX control sequences: a word after a backslash, or one other character
COMMAND_RE = re.compile(r"\\(?:[A-Za-z]+|.|$)", re.S)
_KEEP_WORDS = "keep the words, in braces if their capitals must stay"
#: what to write instead of a command the decoder would print as written
INSTEAD = {
    "\\\\": "a field has no line breaks: remove it",
    "\\textasciicircum": "write ^ itself",
    "\\textdollar": "write $ itself",
    "\\textunderscore": "write _ itself",
    "\\textbraceleft": "write \\{",
    "\\textbraceright": "write \\}",
    "\\emph": "the style sets italics itself: " + _KEEP_WORDS,
    "\\textit": "the style sets italics itself: " + _KEEP_WORDS,
    "\\textbf": "a reference has no bold: " + _KEEP_WORDS,
}
#: stands in for a backslash the decoder made on purpose (\textbackslash)
_SENTINEL = "\ue000"


# -- Problems -------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One mistake in a bib file: where, what and how to fix it."""

    line: int
    message: str
    #: the warning's subtype: syntax, duplicate, field, text or key
    subtype: str


@dataclass
class RawEntry:
    """One entry as written: its type, key, and the line of each field."""

    kind: str
    key: str
    line: int
    fields: dict[str, int] = field(default_factory=dict)


class BibSyntaxError(Exception):
    """A mistake that keeps an entry from being read."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


# -- Scanning: where each entry and field is, and what keeps it from parsing ----


class EntryScanner:
    """Scan one entry (the text from its ``@`` to the next line opening with
    one), as pybtex would parse it, noting the line of every field."""

    def __init__(self, text: str, first_line: int, macros: set[str]) -> None:
        self.text = text
        self.first_line = first_line
        self.macros = macros
        self.pos = 0
        #: where the entry ends: what follows it is text between entries
        self.end = len(text)
        self.key = ""

    def line(self, pos: int | None = None) -> int:
        return self.first_line + self.text.count("\n", 0, self.pos if pos is None else pos)

    def fail(self, message: str, pos: int | None = None) -> BibSyntaxError:
        who = f"{self.key}: " if self.key else ""
        return BibSyntaxError(self.line(pos), who + message)

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def name(self) -> str | None:
        match = NAME_RE.match(self.text, self.pos)
        if not match:
            return None
        self.pos = match.end()
        return match.group()

    def scan(self) -> RawEntry | None:
        """The entry, or None for @comment and @preamble; raises BibSyntaxError."""
        self.pos = self.text.index("@") + 1
        kind = self.name()
        self.skip_space()
        opener = self.peek()
        if not kind or not opener or opener not in "{(":
            raise self.fail(
                "an entry must open as @type{key, ...: check the text after the @, "
                "or start a comment line with % instead"
            )
        closer = "}" if opener == "{" else ")"
        self.pos += 1
        if kind.lower() in ("comment", "preamble"):
            self.end = len(self.text)
            return None
        if kind.lower() == "string":
            self.skip_space()
            macro = self.name()
            if not macro:
                raise self.fail("an @string needs a name: write @string{name = {text}}")
            self.expect_equals(macro)
            self.value(macro)
            self.skip_space()
            if self.peek() != closer:
                raise self.fail(f"the @string is not closed: end it with {closer}")
            self.end = self.pos + 1
            self.macros.add(macro.lower())
            return None
        entry = RawEntry(kind, "", self.line())
        self.skip_space()
        match = (KEY_BRACE_RE if closer == "}" else KEY_PAREN_RE).match(self.text, self.pos)
        if not match or match.group() == closer:
            raise self.fail(f"this @{kind} has no key: write @{kind}{{authoryearword, ...")
        self.key = entry.key = match.group().rstrip(",")
        self.pos = match.end()
        self.skip_space()
        if self.peek() != ",":
            if self.peek() == closer:
                raise self.fail(f"@{kind} {self.key} has no fields: add them after the key")
            raise self.fail("no comma after the key: write a comma after it")
        self.pos += 1
        while True:
            self.skip_space()
            if self.peek() == closer:
                self.end = self.pos + 1
                return entry
            if not self.peek():
                raise self.fail(
                    f"the entry is not closed: end it with {closer} before the next entry",
                    len(self.text.rstrip()),
                )
            start = self.pos
            name = self.name()
            if not name:
                raise self.fail(
                    "%r is not a field: write name = {value}," % self.text[start:].split()[0],
                    start,
                )
            lowered = name.lower()
            if lowered in entry.fields:
                raise self.fail(
                    f"the {lowered} field is given twice (first at line "
                    f"{entry.fields[lowered]}): keep one",
                    start,
                )
            entry.fields[lowered] = self.line(start)
            self.expect_equals(name)
            end = self.value(name)
            self.skip_space()
            following = self.peek()
            if following == ",":
                self.pos += 1
            elif following == closer:
                self.end = self.pos + 1
                return entry
            elif not following:
                raise self.fail(
                    f"the entry is not closed: end it with {closer} before the next entry", end
                )
            elif NAME_RE.match(self.text, self.pos) and re.match(
                r"[A-Za-z0-9_\-:.]*\s*=", self.text[self.pos :]
            ):
                raise self.fail(
                    f"no comma after the {lowered} field: end each field with a comma", end
                )
            else:
                raise self.fail(
                    "unexpected %r after the %s field: check its braces and quotation marks"
                    % (self.text[self.pos :].split()[0], lowered),
                    self.pos,
                )

    def expect_equals(self, name: str) -> None:
        self.skip_space()
        if self.peek() != "=":
            raise self.fail(f"no = after {name}: write {name} = {{value}}")
        self.pos += 1

    def value(self, name: str) -> int:
        """One value: parts in braces or quotes, numbers or @string names, joined
        by #; where it ends."""
        start = self.pos
        while True:
            self.skip_space()
            char = self.peek()
            if char == "{":
                self.delimited(name, start, "{")
            elif char == '"':
                self.delimited(name, start, '"')
            elif char.isdigit():
                self.pos = NUMBER_RE.match(self.text, self.pos).end()  # type: ignore[union-attr]
            elif NAME_RE.match(self.text, self.pos):
                macro_pos = self.pos
                macro = cast(str, self.name())
                if macro.lower() not in self.macros and macro.lower() not in MONTH_MACROS:
                    raise self.fail(
                        f"{name} = {macro}: {macro!r} is not a defined @string: "
                        f"write the value in braces, {name} = {{...}}",
                        macro_pos,
                    )
            else:
                raise self.fail(f"the {name} field has no value: write {name} = {{...}}")
            end = self.pos
            self.skip_space()
            if self.peek() != "#":
                return end
            self.pos += 1

    def delimited(self, name: str, field_start: int, opener: str) -> None:
        """A value in braces or quotation marks; braces nest, as in BibTeX, with
        or without a backslash before them."""
        start = self.pos
        depth = 0
        pos = start + 1 if opener == '"' else start
        end = None
        while pos < len(self.text):
            char = self.text[pos]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0 and opener == "{":
                    end = pos + 1
                    break
                if depth < 0:
                    break
            elif char == '"' and depth == 0 and opener == '"':
                end = pos + 1
                break
            pos += 1
        where = self.text[start : end if end is not None else len(self.text)]
        if end is None or FIELD_LINE_RE.search(where):
            # the value ran on into the next field, or to the end of the
            # entry: the mistake is in this field, not where the scan stopped
            line = self.line(field_start)
            if opener == '"' and '"' not in self._up_to_next_field(start + 1):
                raise BibSyntaxError(
                    line,
                    f"{self.key}: the quotation mark opening the {name} field is never "
                    'closed: add the missing "',
                )
            if opener == '"' and depth < 0:
                raise BibSyntaxError(
                    line, f"{self.key}: a brace in the {name} field is never opened: remove it"
                )
            raise BibSyntaxError(
                line, f"{self.key}: a brace in the {name} field is never closed: add the missing }}"
            )
        self.pos = end

    def _up_to_next_field(self, start: int) -> str:
        match = FIELD_LINE_RE.search(self.text, start)
        return self.text[start : match.start() if match else len(self.text)]


def chunks(text: str) -> list[tuple[int, str]]:
    """The text cut at each line opening with ``@``: (first line, text)."""
    starts = [m.start() for m in ENTRY_LINE_RE.finditer(text)]
    out = []
    line, counted = 1, 0
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        line += text.count("\n", counted, start)
        counted = start
        out.append((line, text[start:end]))
    return out


# -- Checking a parsed entry ------------------------------------------------------


def ascii_words(text: str) -> list[str]:
    """``Ahlander-O'Connor's`` -> ``['ahlander', 'oconnors']``."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"\\[a-zA-Z]+|[{}]", "", text).lower().replace("'", "")
    return [w for w in re.split(r"[^a-z]+", text) if w]


def key_problem(entry: Entry) -> str | None:
    """Why *entry*'s key breaks the convention, or None. A name or title with
    no Latin letters cannot be checked against a key, which is ASCII."""
    match = KEY_RE.match(entry.key)
    if not match:
        return (
            "key %r is not authoryearword: write lowercase author, year (or 'nd' for no "
            "date) and a word of the title, e.g. kim2022missile, %s" % (entry.key, KEY_FIX)
        )
    title_words = ascii_words(entry.fields.get("title", ""))
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    if people:
        first = people[0]
        who = ascii_words(" ".join(first.prelast_names + first.last_names))
        who += ascii_words(entry.fields.get("shortauthor", ""))
        allowed = {"".join(who[:n]) for n in range(1, len(who) + 1)} | set(who)
    else:
        allowed = {w for w in title_words if w not in STOP_WORDS}
    if allowed and match["who"] not in allowed:
        return (
            "key %r should begin with the first author's family name (or, with no "
            "author, a word of the title): write %r, %s"
            % (entry.key, sorted(allowed)[0] + match["year"] + match["word"], KEY_FIX)
        )
    year = apa.date_field(entry).year
    if match["year"] != ("nd" if year is None else str(year)):
        return "key %r has year %r but the entry's date gives %r: write %r, %s" % (
            entry.key,
            match["year"],
            "nd" if year is None else str(year),
            match["who"] + ("nd" if year is None else str(year)) + match["word"],
            KEY_FIX,
        )
    if title_words and not any(w.startswith(match["word"]) for w in title_words):
        return "key %r should end with a word of the title: write e.g. %r, %s" % (
            entry.key,
            match["who"] + match["year"] + title_words[0],
            KEY_FIX,
        )
    return None


def _decode(text: str) -> str:
    """*text* as the style prints it, a backslash made by \\textbackslash
    replaced by a stand-in."""
    text = re.sub(r"\\textbackslash(\{\}|(?![A-Za-z]))", _SENTINEL, text)
    return apa.plain(apa.decode(text))


def text_problem(key: str, name: str, value: str) -> str | None:
    """What the style would print wrongly in a text field, or None."""
    bare_percent = re.search(r"(?<!\\)%", value.replace("\\\\", "  "))
    if bare_percent:
        return (
            f"{key}: the {name} field has a bare %, which starts a LaTeX comment and "
            "would hide the rest of the field: write \\%"
        )
    try:
        shown = _decode(value)
    except (PybtexError, ValueError):
        shown = None  # a lone backslash at the end, for instance
    if shown is not None and "\\" not in shown:
        return None
    commands = [m.group() for m in COMMAND_RE.finditer(value)]
    culprit = next((c for c in commands if c in INSTEAD), None)
    if culprit is None:
        for command in commands:
            try:
                if "\\" in _decode(command + "{x}"):
                    culprit = command
                    break
            except (PybtexError, ValueError):
                culprit = command
                break
    if culprit is None or culprit == "\\":
        return (
            f"{key}: the {name} field has a backslash that starts no LaTeX command: "
            "write \\textbackslash{} for a backslash"
        )
    instead = INSTEAD.get(
        culprit,
        "write the character itself, in UTF-8 (é, not \\'e, works too), "
        "or \\textbackslash{} for a backslash",
    )
    return f"{key}: the {name} field has {culprit}, which would be printed as written: {instead}"


def date_problem(entry: Entry, name: str) -> str | None:
    raw = entry.fields.get(name, "").strip()
    if not raw:
        return None
    try:
        Date.parse(raw)
    except DateError as err:
        what = "a calendar date" if err.calendar else "a date"
        return f"{entry.key}: {name} {raw!r} is not {what}: {err.fix}"
    return None


def eventdate_problem(entry: Entry) -> str | None:
    """A conference's dates: one day or a range, ``2019-08-08/2019-08-11``."""
    try:
        apa.parse_range(entry, "eventdate")
    except apa.BibEntryError as err:
        fix = "write the first day first" if "ends before" in str(err) else ""
        return f"{err}: {fix}" if fix else str(err)
    return None


def month_problem(entry: Entry) -> str | None:
    month = entry.fields.get("month", "").strip()
    if not month or entry.fields.get("date"):
        return None
    names = [m.lower() for m in apa.MONTHS] + [m[:3].lower() for m in apa.MONTHS]
    if month.lower() in names or (month.isdigit() and 1 <= int(month) <= 12):
        return None
    return (
        f"{entry.key}: month {month!r} is not a month: write month = oct (or 10), "
        "or give the whole date as date = {YYYY-MM}"
    )


def pubstate_problem(entry: Entry) -> str | None:
    value = entry.fields.get("pubstate", "").strip().lower()
    if not value:
        return None
    if value not in PUBSTATES:
        return (
            f"{entry.key}: pubstate {value!r} is not one the style knows: write inpress "
            "for a work accepted for publication, submitted or inpreparation for a manuscript"
        )
    if value in apa.PUBSTATE_DESCRIPTIONS and entry.type.lower() != "unpublished":
        return (
            f"{entry.key}: pubstate {value!r} describes a manuscript: make the entry "
            "@unpublished (APA 10.8), or remove pubstate"
        )
    return None


def urldate_problem(entry: Entry) -> str | None:
    """A retrieval date on a work that does not change is not printed (APA 9.16)."""
    if not entry.fields.get("urldate") or apa.may_change(entry):
        return None
    kind = entry.type.lower()
    what = "an @article in a volume" if kind == "article" else f"a @{kind}"
    return (
        f"{entry.key}: urldate is not printed for {what}, a work that does not change "
        "(APA 9.16): remove it"
    )


def required_problems(entry: Entry) -> list[str]:
    """A message for each field the entry's type needs and does not have."""
    kind = entry.type.lower()
    out = []
    for names, fix in REQUIRED.get(kind, ()):
        present = any(entry.fields.get(name) or entry.persons.get(name) for name in names)
        if not present:
            article = "an" if names[0][0] in "aeiou" else "a"
            out.append(f"{entry.key}: @{kind} needs {article} {names[0]} field: {fix}")
    return out


def pages_problem(key: str, pages: str) -> str | None:
    if not PAGES_RE.match(pages.strip()):
        return (
            f"{key}: pages {pages!r} is not a page or a range of pages: write the first "
            "and last page, 65--85, or one page, 65"
        )
    numbers = re.findall(r"\d+", pages)
    if len(numbers) == 2 and int(numbers[1]) < int(numbers[0]) and "," not in pages:
        return f"{key}: pages {pages!r} ends before it begins: write the first page first"
    return None


def doi_problem(key: str, doi: str) -> str | None:
    if DOI_RE.match(doi):
        return None
    bare = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.I)
    if bare != doi and DOI_RE.match(bare):
        return f"{key}: doi {doi!r} is a link, not a DOI: write only the DOI, {bare}"
    return (
        f"{key}: doi {doi!r} is not a DOI: write it as the work gives it, "
        "10.prefix/suffix, e.g. 10.1080/24761028.2015.11869104"
    )


def url_problem(key: str, url: str) -> str | None:
    parts = urllib.parse.urlsplit(url)
    if "\\" in url:
        return (
            f"{key}: url {url!r} has a backslash: write the address exactly as the "
            "browser shows it, without LaTeX escapes"
        )
    if parts.scheme not in ("http", "https") or "." not in parts.netloc or " " in url:
        return (
            f"{key}: url {url!r} is not a web address: write it in full, as the browser "
            "shows it, beginning with https://"
        )
    return None


def entry_problems(entry: Entry, raw: RawEntry) -> tuple[list[Problem], bool]:
    """The problems of one parsed entry, and whether the style can format it."""
    problems: list[Problem] = []
    key = entry.key
    kind = entry.type.lower()

    def at(name: str) -> int:
        return raw.fields.get(name, raw.line)

    def add(name: str, message: str | None, subtype: str = "field") -> None:
        if message:
            problems.append(Problem(at(name), message, subtype))

    formattable = True
    if kind not in apa.KNOWN_TYPES:
        formattable = False
    elif "title" not in entry.fields:
        add("", f"{key}: no title: add title = {{...}}, as the work gives it")
        formattable = False
    else:
        for message in required_problems(entry):
            add("", message)
            formattable = False
    if kind in apa.LEGAL_TYPES:
        for role in ("author", "editor"):
            if entry.persons.get(role):
                add(
                    role,
                    f"{key}: a @{kind} is named by its title, not by an {role}: "
                    f"remove the {role} field",
                )
                formattable = False
    for name in DATE_FIELDS:
        if name == "year" and entry.fields.get("date"):
            continue
        message = date_problem(entry, name)
        if message:
            add(name, message)
            formattable = False
    for name, check in (
        ("eventdate", eventdate_problem),
        ("month", month_problem),
        ("pubstate", pubstate_problem),
    ):
        message = check(entry)
        if message:
            add(name, message)
            formattable = False
    if kind in apa.KNOWN_TYPES:
        add("urldate", urldate_problem(entry))
    for name in TEXT_FIELDS + PERSON_FIELDS:
        value = entry.fields.get(name)
        if value is None and name in PERSON_FIELDS:
            people = entry.persons.get(name)
            value = " and ".join(str(p) for p in people) if people else None
        if value:
            message = text_problem(key, name, value)
            if message:
                add(name, message, "text")
                formattable = False
    if entry.fields.get("pages"):
        add("pages", pages_problem(key, entry.fields["pages"]))
    if entry.fields.get("doi"):
        add("doi", doi_problem(key, entry.fields["doi"]))
    if entry.fields.get("url"):
        add("url", url_problem(key, entry.fields["url"]))
    if formattable:
        # the style's own verdict, for what the checks above do not know
        try:
            apa.label_works([entry])
            apa.format_reference(entry, "")
        except apa.BibEntryError as err:
            add("", str(err))
            formattable = False
    elif kind not in apa.KNOWN_TYPES:
        try:
            apa.format_reference(entry, "")
        except apa.BibEntryError as err:
            add("", str(err))
    if formattable:
        add("", key_problem(entry), "key")
    return problems, formattable


# -- Reading the files -------------------------------------------------------------


@dataclass
class ReadResult:
    """What reading the bib files gave: the sound entries, and every problem."""

    data: BibliographyData
    keys: dict[Path, dict[str, None]]
    problems: list[tuple[str, Problem]]
    withheld: set[str]
    checks: Checks = field(default_factory=dict)


@dataclass(frozen=True)
class ReadEntry:
    """What reading one entry found: its scan, its parsed entry, its problems
    and whether the style can format it. Lines are counted from the entry's
    first line (0), so that an entry moved down the file by an edit above it
    is not read again."""

    raw: RawEntry
    entry: Entry
    problems: tuple[Problem, ...]
    formattable: bool

    def at(self, first_line: int) -> tuple[RawEntry, list[Problem]]:
        """The scan and problems with the lines of the file, the entry
        beginning at *first_line*."""
        raw = RawEntry(
            self.raw.kind,
            self.raw.key,
            self.raw.line + first_line,
            {name: line + first_line for name, line in self.raw.fields.items()},
        )
        problems = [Problem(p.line + first_line, p.message, p.subtype) for p in self.problems]
        return raw, problems


#: what reading each entry found, by a digest of what it depends on: the
#: entry's text and the @string definitions before it. A build after one entry
#: was edited scans, parses and checks that entry alone.
Checks = dict[bytes, ReadEntry]


def _relative(raw: RawEntry, problems: list[Problem], first_line: int) -> tuple:
    raw = RawEntry(
        raw.kind,
        raw.key,
        raw.line - first_line,
        {name: line - first_line for name, line in raw.fields.items()},
    )
    return raw, tuple(Problem(p.line - first_line, p.message, p.subtype) for p in problems)


def _first_seen(raw: RawEntry, path: Path, first_seen: dict[str, tuple[Path, int]], report) -> bool:
    """Note the entry's key; False, and the duplicate reported, when an earlier
    entry has it."""
    seen = first_seen.get(raw.key.lower())
    if seen is not None:
        where = f"line {seen[1]}" if seen[0] == path else f"{seen[0].name}:{seen[1]}"
        report(
            Problem(
                raw.line,
                f"key {raw.key!r} is used twice (first at {where}): give each "
                "work one entry, under its own key",
                "duplicate",
            )
        )
        return False
    first_seen[raw.key.lower()] = (path, raw.line)
    return True


def read_bibfiles(paths: list[Path], encoding: str, known: Checks | None = None) -> ReadResult:
    """Parse and check the bib files; *known* holds the checks of an earlier
    read, and ``result.checks`` those of this one."""
    parser = Parser(encoding)
    macros: set[str] = set()
    strings: list[str] = []
    known = known or {}
    result = ReadResult(parser.data, {}, [], set())
    first_seen: dict[str, tuple[Path, int]] = {}
    for path in paths:
        keys: dict[str, None] = {}
        result.keys[path] = keys
        raw_bytes = path.read_bytes()
        try:
            text = raw_bytes.decode(encoding)
        except UnicodeDecodeError as err:
            # a decoder of "utf-8-sig" counts from after the byte-order mark
            start = err.start + len(raw_bytes) - len(err.object)
            line = raw_bytes.count(b"\n", 0, start) + 1
            result.problems.append(
                (
                    str(path),
                    Problem(
                        line,
                        f"this file is not {encoding} text (byte {raw_bytes[start]:#x}): "
                        "save it as UTF-8",
                        "syntax",
                    ),
                )
            )
            continue

        def report(problem: Problem, where: Path = path) -> None:
            result.problems.append((str(where), problem))

        for first_line, chunk in chunks(text):
            place = hashlib.sha1("\0".join([chunk, *strings]).encode()).digest()
            read = known.get(place)
            if read is not None:
                raw, problems = read.at(first_line)
                if not _first_seen(raw, path, first_seen, report):
                    continue
                result.checks[place] = read
                parser.data.add_entry(raw.key, read.entry)
                for problem in problems:
                    report(problem)
                if read.formattable:
                    keys[read.entry.key] = None
                else:
                    result.withheld.add(read.entry.key)
                    del parser.data.entries[read.entry.key]
                continue
            scanner = EntryScanner(chunk, first_line, macros)
            try:
                raw = scanner.scan()
            except BibSyntaxError as err:
                report(Problem(err.line, err.message, "syntax"))
                if scanner.key:
                    result.withheld.add(scanner.key)
                continue
            if raw is not None and not _first_seen(raw, path, first_seen, report):
                continue
            before = len(parser.data.entries)
            if raw is None and chunk.lstrip()[1:].lower().startswith("comment"):
                continue
            try:
                parser.parse_string(chunk[: scanner.end])
            except PybtexError as err:
                # the scan lets through what pybtex refuses only in rare cases
                # (a name with too many commas): its message, at the entry
                message = str(err).split(":", 1)[-1].strip() if "line" in str(err) else str(err)
                who = f"{raw.key}: " if raw else ""
                report(
                    Problem(
                        raw.line if raw else first_line,
                        f"{who}{message}: correct the entry, as in the examples of docs/editing.md",
                        "syntax",
                    )
                )
                if raw:
                    result.withheld.add(raw.key)
                    parser.data.entries.pop(raw.key, None)
                continue
            if raw is None:
                strings.append(chunk[: scanner.end])  # an @string: later entries may use it
                continue
            if len(parser.data.entries) == before:
                continue
            # one entry per chunk: the scan stops at the end of the first
            entry = parser.data.entries[raw.key]
            problems, formattable = entry_problems(entry, raw)
            relative_raw, relative_problems = _relative(raw, problems, first_line)
            result.checks[place] = ReadEntry(relative_raw, entry, relative_problems, formattable)
            for problem in problems:
                report(problem)
            if formattable:
                keys[entry.key] = None
            else:
                result.withheld.add(entry.key)
                del parser.data.entries[entry.key]
    return result


# -- Sphinx ------------------------------------------------------------------------


class BibFileDomain(Domain):
    """The problems found in the bib files, kept until one of them changes."""

    name = "bibfile"
    label = "Bib file checks"
    data_version = 1
    initial_data: dict[str, Any] = {"problems": []}

    def clear_doc(self, docname: str) -> None:
        pass  # the problems belong to the bib files, not to a document

    def merge_domaindata(self, docnames: Any, otherdata: dict) -> None:
        pass  # set in the main process at builder-inited, never by a reader

    def resolve_any_xref(self, *args: Any) -> list:
        return []


#: what reading each entry found (``Checks``), kept beside the doctrees rather
#: than in the environment: only a build after refs.bib changed reads it, and
#: the environment, which every build loads and every parallel reader sends
#: back whole, stays a fifth smaller at 2,000 entries
CHECKS_FILE = "bibfile-checks.pickle"


def _code_stamp() -> str:
    """The checks are made by this module, the style and the dates' parser:
    kept ones made by other code are not used."""
    code = hashlib.sha1(repr(pybtex.__version__).encode())
    for module in (sys.modules[__name__], apa, sys.modules[Date.__module__]):
        code.update(Path(module.__file__).read_bytes())
    return code.hexdigest()


def load_checks(path: Path) -> Checks:
    try:
        with path.open("rb") as f:
            stamp, checks = pickle.load(f)
    except (OSError, pickle.PickleError, EOFError, ValueError, TypeError, AttributeError):
        return {}
    return checks if stamp == _code_stamp() else {}


def save_checks(path: Path, checks: Checks) -> None:
    """Written under another name, then renamed: a build stopped while writing
    leaves the last checks, never half of them."""
    part = path.with_name(f"{path.name}.{os.getpid()}")
    try:
        with part.open("wb") as f:
            pickle.dump((_code_stamp(), checks), f, pickle.HIGHEST_PROTOCOL)
        os.replace(part, path)
    except OSError:
        part.unlink(missing_ok=True)


def read_and_check(app: Sphinx) -> None:
    """Before sphinxcontrib-bibtex: parse the bib files if they changed, hand it
    the sound entries, and report every problem at its line."""
    env = app.env
    cite = env.get_domain("cite")
    ours = env.get_domain("bibfile")
    paths = [(Path(app.confdir) / name).resolve() for name in app.config.bibtex_bibfiles or []]
    encoding = app.config.bibtex_encoding
    if not paths or not all(p.is_file() for p in paths):
        return  # sphinxcontrib-bibtex reports a missing file
    if is_bibdata_outdated(cite.data["bibdata"], paths, encoding):
        mtimes = {path: get_mtime(path) for path in paths}
        kept = Path(app.doctreedir) / CHECKS_FILE
        result = read_bibfiles(paths, encoding, load_checks(kept))
        save_checks(kept, result.checks)
        ours.data.pop("checks", None)  # where an earlier version kept them
        cite.data["bibdata"] = BibData(
            encoding=encoding,
            bibfiles={path: BibFile(mtime=mtimes[path], keys=result.keys[path]) for path in paths},
            data=result.data,
        )
        ours.data["problems"] = [
            (where, p.line, p.message, p.subtype) for where, p in result.problems
        ]
        citations = citations_domain(env)
        citations.data["withheld"] = sorted(result.withheld)
    for where, line, message, subtype in ours.data["problems"]:
        logger.warning(message, location=f"{where}:{line}", type="bibfile", subtype=subtype)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("peninsula.works.citations")
    app.add_domain(BibFileDomain)
    # before sphinxcontrib-bibtex reads the files (500), which then finds its
    # cache up to date
    app.connect("builder-inited", read_and_check, priority=450)
    return {
        "version": "2.0",
        "env_version": 3,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
