"""APA 7 author-year formatting of BibTeX entries, as a pybtex style.

Why this exists: pybtex ships no APA style; ``pybtex-apa7-style`` has no
``@online`` type, does not carry the 2019a/2019b suffix into the reference
list, misplaces the editors of a chapter and leaves titles in title case;
citeproc-py with the APA CSL file drops year suffixes and retrieval dates and
would bypass pybtex altogether. This module implements the rules of the APA
Publication Manual, 7th edition (chapters 8–11), for every entry type an
editor of the journal may use, and nothing else.

It is independent of Sphinx so that it can be tested entry by entry:

* :class:`APAStyle` formats reference-list entries (a pybtex formatting
  style, registered as ``apa7`` so the stock ``bibliography`` directive can
  use it too);
* :func:`label_works` computes, for one reference list, the in-text author
  form of each work, its year with any ``a``/``b`` suffix, and the list order;
* :func:`format_citation` builds the text of one in-text citation.

Titles are stored as the works give them; the reference list sets the titles
of works in sentence case, keeping text in braces (``{Korea}``) as written,
and the names of periodicals as given (title case).

Entry types (:data:`KINDS`, one row each) and how they are written:

``@article``
    Journal, magazine or newspaper article (APA 10.1). ``journal`` (or
    ``journaltitle``), ``volume``, ``number`` (the issue), ``pages`` or
    ``eid`` (an article number: "Article e0193972"). With a volume the date
    is the year; without one (magazines, newspapers, web-only periodicals)
    it is as precise as ``date`` gives it.
``@book``, ``@collection``, ``@proceedings``, ``@booklet``
    A whole book (APA 10.2, 10.5): ``publisher``; ``editor`` stands in for
    the author when there is none ("(Ed.)"), else it follows the title;
    ``translator``, ``edition`` (``2`` or ``2nd`` gives "2nd ed."),
    ``volume`` ("Vol. 2") or ``volumes`` ("Vols. 1–3"), and ``maintitle``
    ("Handbook: Vol. 2. Volume title") go in the parentheses after the
    title. A book's ``series`` and ``location`` are not printed: APA 7 has
    no element for them.
``@incollection``, ``@inbook``, ``@inproceedings`` (``@conference``)
    A chapter or a paper in an edited book or proceedings (APA 10.3, 10.5):
    "In Editors (Eds.), *Book title* (2nd ed., Vol. 2, pp. 1–9). Publisher."
    ``booktitle`` is required; ``chapter`` stands in for missing pages.
``@report``, ``@techreport``
    A report (APA 10.4): dated by its year; ``institution`` is the publisher,
    omitted when it is also the author. ``number`` with ``type`` or ``series`` gives "(NIH
    Publication No. 18-2059)", with neither "(Report No. 7)"; a United
    Nations document symbol takes no "No.": "(S/RES/1718)", "(Resolution
    A/RES/70/1)". A ``type`` with no number is a description: "[Policy
    brief]".
``@thesis`` (``type`` required), ``@phdthesis``, ``@mastersthesis``
    APA 10.6. Unpublished: "[Unpublished doctoral dissertation]. School."
    Published: "(Publication No. 10289373) [Doctoral dissertation, School].
    Database." A thesis is published when it has a ``publisher`` (or
    ``howpublished``: the database or archive), a ``url`` or a ``doi``.
    ``school`` and ``institution`` are one field; ``type`` may be
    ``phdthesis``, ``mathesis`` or the kind as the work names it.
``@online``, ``@misc``
    A web page or any other work (APA 10.16): ``organization`` (or
    ``publisher``, ``howpublished``) is the site name, omitted when it is
    the author; ``type`` gives a description in brackets ("[Fact sheet]").
``@manual``
    Like a book; ``organization`` is the publisher, ``version`` gives
    "(Version 2.1)".
``@unpublished``
    APA 10.8: "[Unpublished manuscript]. Institution." ``pubstate =
    {submitted}`` or ``{inpreparation}`` gives "[Manuscript submitted for
    publication]" or "[Manuscript in preparation]". With an ``eventtitle``
    it is a conference session (APA 10.5): "(2019, August 8–11). Title
    [Conference presentation]. Event, Venue." where ``eventdate`` may be a
    range, ``2019-08-08/2019-08-11``, and ``venue`` (or ``location``) is
    the place.
``@jurisdiction``, ``@legislation``, ``@legal``
    Legal references (APA 11): a court decision, a statute, a treaty or
    charter. They are named by their ``title``, never by an author, and
    ``number`` holds the legal citation: "Brown v. Board of Education, 347
    U.S. 483 (1954).", "Every Student Succeeds Act, 20 U.S.C. § 6301
    (2015).", "Charter of the United Nations, June 26, 1945, 1 U.N.T.S.
    XVI." ``institution`` is the court, written before the year.

United Nations documents are reports by the organ that issued them (APA
10.4): ``@report`` with the organ as a braced group author, its
abbreviation in ``shortauthor`` (spelled out at the first citation, APA
8.21), and the document symbol in ``number``: "United Nations Security
Council. (2006). *Resolution 1718 (2006)* (S/RES/1718)." A
treaty or charter of the UN is a ``@legal`` entry.

Fields every type reads: ``date`` (or ``year`` with ``month``);
``pubstate = {inpress}`` ("in press" for the year); ``origdate``, the year
of the original of a translated or republished work ("(Original work
published 1966)", cited as "1966/1969"); ``doi`` (printed as
https://doi.org/...), ``url``, or ``eprint`` with ``eprinttype`` (arXiv,
PubMed, handle, JSTOR); ``urldate``, printed as "Retrieved ... from" only
for a work designed to change (APA 9.16): an undated web page, report or
web-only article; it may be given, as a record, for any dated work of those
kinds, and never for a book, chapter, thesis, journal article in a volume
or legal text; ``note``, printed as a sentence; ``shorttitle`` and
``shortauthor`` for the in-text forms.
"""

from __future__ import annotations

import functools
import hashlib
import re
import string
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.bibtex.utils import split_name_list
from pybtex.database import Entry, Person
from pybtex.plugin import register_plugin
from pybtex.richtext import BaseText, HRef, Protected, String, Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle

# one Date type for every date of the corpus; MONTHS for the reference's date
from ..core.dates import FORMS, MONTHS, Date, DateError

# -- Entry types ---------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """How the references of one entry type are set."""

    #: article, part (of a book), work (stand-alone) or legal
    form: str
    #: the title is italic: a stand-alone work, not a part of a larger one
    italic: bool
    #: the date shown: "year", "full" (as precise as known), "periodical"
    #: (the year when there is a volume, else full) or "legal"
    date: str
    #: a retrieval date is printed: the content may change (APA 9.16)
    retrieval: bool
    #: the label of ``number`` in the parentheses after the title
    number_label: str = ""
    #: the description in brackets after the title, when none is given
    description: str = ""
    #: how the in-text citation shows the title of a work with no author:
    #: "italic", "quoted" or "plain"
    cite_title: str = ""


_ARTICLE = Kind("article", italic=False, date="periodical", retrieval=True, cite_title="quoted")
_BOOK = Kind("work", italic=True, date="year", retrieval=False)
_PART = Kind("part", italic=False, date="year", retrieval=False, cite_title="quoted")
# APA 10.4: a report's date is its year, whatever the work gives
_REPORT = Kind("work", italic=True, date="year", retrieval=True, number_label="Report")
_THESIS = Kind("work", italic=True, date="year", retrieval=False, number_label="Publication")
_WEB = Kind("work", italic=True, date="full", retrieval=True)
_LEGAL = Kind("legal", italic=False, date="legal", retrieval=False, cite_title="italic")

#: every entry type the style formats; anything else is reported, not guessed at
KINDS: dict[str, Kind] = {
    "article": _ARTICLE,
    "book": _BOOK,
    "collection": _BOOK,
    "proceedings": _BOOK,
    "booklet": _BOOK,
    "manual": _BOOK,
    "incollection": _PART,
    "inbook": _PART,
    "inproceedings": _PART,
    "conference": _PART,
    "report": _REPORT,
    "techreport": _REPORT,
    "thesis": _THESIS,
    "phdthesis": replace(_THESIS, description="Doctoral dissertation"),
    "mastersthesis": replace(_THESIS, description="Master's thesis"),
    "online": _WEB,
    "misc": _WEB,
    "unpublished": Kind(
        "work", italic=True, date="year", retrieval=False, description="Unpublished manuscript"
    ),
    # APA 11 (court decisions): a case name is italic in the text, not in the list
    "jurisdiction": _LEGAL,
    "legislation": replace(_LEGAL, cite_title="plain"),
    "legal": replace(_LEGAL, cite_title="plain"),
}
#: Entry types whose title is italic (stand-alone works). Titles of parts of
#: a larger work (articles, chapters, papers) and legal texts are in roman.
STANDALONE_TYPES = frozenset(t for t, k in KINDS.items() if k.italic)
#: Entry types that show only the year even when a full date is known.
YEAR_ONLY_TYPES = frozenset(t for t, k in KINDS.items() if k.date == "year")
#: Entry types the style knows.
KNOWN_TYPES = frozenset(KINDS)
#: Entry types named by their title, never by an author (APA 11)
LEGAL_TYPES = frozenset(t for t, k in KINDS.items() if k.form == "legal")

#: ``type`` values of a thesis as BibLaTeX writes them, and as APA names them
THESIS_TYPES = {
    "phdthesis": "Doctoral dissertation",
    "mathesis": "Master's thesis",
    "mastersthesis": "Master's thesis",
    "masterthesis": "Master's thesis",
}
#: ``pubstate`` values: the year label of a work accepted for publication,
#: and the description of one not yet accepted (APA 10.1 #7, 10.8 #71)
IN_PRESS = frozenset({"inpress", "in press", "forthcoming"})
PUBSTATE_DESCRIPTIONS = {
    "submitted": "Manuscript submitted for publication",
    "inpreparation": "Manuscript in preparation",
    "in preparation": "Manuscript in preparation",
}
#: where an ``eprint`` of each ``eprinttype`` is found
EPRINT_URLS = {
    "arxiv": "https://arxiv.org/abs/{}",
    "pubmed": "https://pubmed.ncbi.nlm.nih.gov/{}/",
    "hdl": "https://hdl.handle.net/{}",
    "jstor": "https://www.jstor.org/stable/{}",
}
#: ordinals an editor may spell out in ``edition``
_ORDINAL_WORDS = {
    w: n
    for n, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth".split(), 1
    )
}

_ARTICLES = ("the ", "a ", "an ")


class BibEntryError(ValueError):
    """An entry cannot be formatted; the message says what to fix."""


def date_field(entry: Entry, field: str = "date") -> Date:
    """The date in *field* of a bib entry (``date`` falls back on ``year``);
    BibEntryError says what is wrong with it."""
    raw = entry.fields.get(field, "").strip()
    if not raw and field == "date" and entry.fields.get("year"):
        raw = entry.fields["year"].strip()
    if not raw:
        return Date(None)
    try:
        return Date.parse(raw)
    except DateError as err:
        if err.calendar:
            raise BibEntryError(f"{entry.key}: {field} {raw!r} is not a calendar date") from None
        raise BibEntryError(f"{entry.key}: {field} {raw!r} is not a date; {FORMS}") from None


def kind_of(entry: Entry) -> Kind:
    """The row of :data:`KINDS` for *entry*; BibEntryError for another type."""
    kind = KINDS.get(entry.type.lower())
    if kind is None:
        raise BibEntryError(
            f"{entry.key}: entry type @{entry.type} is not one the APA style "
            f"formats; use one of {', '.join('@' + t for t in sorted(KNOWN_TYPES))}"
        )
    return kind


# -- Names -------------------------------------------------------------------


#: escapes pybtex's LaTeX decoder would print as written (it takes every brace
#: for grouping, and knows no \$, \textbraceleft or \textasciicircum), each
#: with a private-use stand-in
_ESCAPED = {
    "\\{": ("\ue001", "{"),
    "\\}": ("\ue002", "}"),
    "\\$": ("\ue003", "$"),
    "\\textbraceleft{}": ("\ue004", "{"),
    "\\textbraceright{}": ("\ue005", "}"),
    "\\textasciicircum{}": ("\ue006", "^"),
}


@functools.lru_cache(maxsize=65536)
def _latex(text: str) -> BaseText:
    """A BibTeX field as rich text; the same names and titles recur in every
    list, and decoding LaTeX is the costliest step of formatting. ``\\{``,
    ``\\}`` and ``\\$`` are the characters themselves: they pass the decoder
    as stand-ins and are put back after it."""
    present = [(escape, *pair) for escape, pair in _ESCAPED.items() if escape in text]
    for escape, stand_in, _ in present:
        text = text.replace(escape, stand_in)
    decoded = Text.from_latex(text)
    return _put_back(decoded, {ord(s): c for _, s, c in present}) if present else decoded


def _put_back(text: BaseText, table: dict[int, str]) -> BaseText:
    """*text* with the stand-ins of ``_ESCAPED`` turned into their characters,
    inside every part, braced (protected) ones included."""
    if isinstance(text, String):
        return String(text.value.translate(table))
    if isinstance(text, Tag):
        return Tag(text.name, *(_put_back(p, table) for p in text.parts))
    if isinstance(text, HRef):
        return HRef(text.url, *(_put_back(p, table) for p in text.parts))
    if isinstance(text, (Text, Protected)):
        return type(text)(*(_put_back(p, table) for p in text.parts))
    return text


def decode(text: str) -> BaseText:
    """A field's text as this style reads and prints it."""
    return _latex(text)


def is_group(person: Person) -> bool:
    """A corporate author is written as one braced name: ``{The White House}``."""
    return (
        not person.first_names
        and not person.middle_names
        and len(person.last_names) == 1
        and person.last_names[0].startswith("{")
        and person.last_names[0].endswith("}")
    )


def family(person: Person) -> Text:
    """The surname with any particle: ``van der Berg``, or a group's name."""
    return _latex(" ".join(person.prelast_names + person.last_names))


def initials(person: Person) -> Text:
    """``J.-U.`` from ``Jong-Un``, ``Y. S.`` from ``Y. S.``."""
    parts = [_latex(n).abbreviate() for n in person.first_names + person.middle_names]
    return Text(" ").join(parts)


#: one backend for all plain-text rendering: ``Text.render_as("text")`` looks
#: the backend up among the installed entry points on every call
_PLAIN = PlainTextBackend()


def plain(text: Text) -> str:
    """*text* without markup."""
    return text.render(_PLAIN)


def field_text(entry: Entry, field: str) -> str:
    """A field of *entry* as plain text, LaTeX and braces decoded."""
    return plain(_latex(entry.fields[field])) if field in entry.fields else ""


def full_name(person: Person) -> str:
    """``Pronoy Chatterji``, ``Martin Luther King Jr.``, ``The White House``."""
    parts = person.first_names + person.middle_names + person.prelast_names + person.last_names
    return plain(_latex(" ".join(parts + person.lineage_names)))


def name_inverted(person: Person) -> Text:
    """Reference-list form: ``Kim, E.``, ``King, M. L., Jr.``, ``UNESCO``."""
    if is_group(person):
        return family(person)
    result = Text(family(person))
    init = initials(person)
    if len(init):
        result = Text(result, ", ", init)
    if person.lineage_names:
        result = Text(result, ", ", _latex(" ".join(person.lineage_names)))
    return result


def name_direct(person: Person) -> Text:
    """Editor form in a chapter reference: ``J. Doe``, ``M. L. King, Jr.``."""
    if is_group(person):
        return family(person)
    init = initials(person)
    result = Text(init, " ", family(person)) if len(init) else family(person)
    if person.lineage_names:
        result = Text(result, ", ", _latex(" ".join(person.lineage_names)))
    return result


def join_names(names: Sequence[Text]) -> Text:
    """APA list of names: ``A, B, & C``; 21 or more: the first 19, …, the last."""
    if len(names) == 1:
        return Text(names[0])
    if len(names) == 2:
        return Text(names[0], ", & ", names[1])
    if len(names) > 20:
        return Text(Text(", ").join(names[:19]), ", . . . ", names[-1])
    return Text(Text(", ").join(names[:-1]), ", & ", names[-1])


def join_direct(names: Sequence[Text]) -> Text:
    """Editors and translators in direct order: ``A & B`` (no comma for two)."""
    if len(names) == 2:
        return Text(names[0], " & ", names[1])
    return join_names(names)


def people(entry: Entry, role: str) -> list[Person]:
    """The people of *role*: pybtex parses ``author`` and ``editor``; other
    name lists (``translator``) are split here the same way."""
    if role in entry.persons:
        return list(entry.persons[role])
    raw = entry.fields.get(role, "").strip()
    return [Person(name) for name in split_name_list(raw)] if raw else []


def _role(persons: Sequence[Person], one: str, several: str) -> Text:
    return Text(
        join_direct([name_direct(p) for p in persons]), ", ", one if len(persons) == 1 else several
    )


# -- Titles ------------------------------------------------------------------


def sentence_case(title: Text) -> Text:
    """Lower-case all but the first word and the first word after a colon.

    Braced text stays as written, as in BibTeX styles (``{North Korea}``).
    """
    return Text(": ").join(part.capitalize() for part in title.split(": "))


def title_of(entry: Entry, short: bool = False) -> Text:
    field = "shorttitle" if short and "shorttitle" in entry.fields else "title"
    if field not in entry.fields:
        raise BibEntryError(f"{entry.key}: no title; every work needs a title field")
    return _latex(entry.fields[field])


def _sort_text(text: str) -> str:
    text = text.lower().lstrip(string.punctuation + " ")
    for article in _ARTICLES:
        if text.startswith(article):
            return text[len(article) :]
    return text


def whole_title(entry: Entry, field: str) -> Text:
    """A work's title in sentence case; with a ``maintitle``, the title of
    the multivolume work first: ``Handbook: Vol. 2. Volume title`` (APA 10.3)."""
    title = sentence_case(_latex(entry.fields[field]))
    main = entry.fields.get("maintitle")
    if not main:
        return title
    volume = entry.fields.get("volume")
    head = sentence_case(_latex(main))
    return Text(head, ": Vol. ", volume, ". ", title) if volume else Text(head, ": ", title)


def ordinal_edition(edition: str) -> str:
    """``2``, ``2nd`` or ``second`` -> ``2nd ed.``; ``Revised`` -> ``Rev. ed.``."""
    text = re.sub(r"\s*\b(edition|ed\.?)$", "", edition.strip(), flags=re.I)
    number = _ORDINAL_WORDS.get(text.lower())
    match = re.fullmatch(r"(\d+)(st|nd|rd|th)?", text, flags=re.I)
    if match:
        number = int(match.group(1))
    if number is not None:
        suffix = (
            "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        )
        return f"{number}{suffix} ed."
    if text.lower() in ("revised", "rev.", "rev"):
        return "Rev. ed."
    return f"{text} ed."


# -- Dates -------------------------------------------------------------------


def entry_date(entry: Entry) -> Date:
    """The date of the work: ``date``, or BibTeX's ``year`` with ``month``."""
    date = date_field(entry)
    month = entry.fields.get("month", "").strip().lower()
    if date.year is not None and date.month is None and month and not entry.fields.get("date"):
        number = next((i for i, m in enumerate(MONTHS, 1) if m.lower().startswith(month[:3])), None)
        if number is None and month.isdigit() and 1 <= int(month) <= 12:
            number = int(month)
        if number is not None:
            return Date(date.year, number)
    return date


def in_press(entry: Entry) -> bool:
    return entry.fields.get("pubstate", "").strip().lower() in IN_PRESS


def parse_range(entry: Entry, field: str) -> tuple[Date, Date] | None:
    """``2019-08-08/2019-08-11`` (or one date) in *field*, as two dates."""
    raw = entry.fields.get(field, "").strip()
    if not raw:
        return None
    try:
        first, _, last = raw.partition("/")
        start = Date.parse(first)
        end = Date.parse(last) if last else start
    except DateError:
        raise BibEntryError(
            f"{entry.key}: {field} {raw!r} is not a date or a range of dates; write "
            "YYYY-MM-DD or YYYY-MM-DD/YYYY-MM-DD"
        ) from None
    if end < start:
        raise BibEntryError(f"{entry.key}: {field} {raw!r} ends before it begins")
    return start, end


def _month_day(date: Date) -> str:
    if date.month is None:
        return ""
    return MONTHS[date.month - 1] + ("" if date.day is None else f" {date.day}")


def _date_element(entry: Entry, year_label: str, kind: Kind) -> str:
    """``(2019)``, ``(2019, October 5)``, ``(2019, August 8–11)``, ``(n.d.)``."""
    date = entry_date(entry)
    if date.year is None or in_press(entry):
        return f"({year_label})"
    if kind.date == "year" and not entry.fields.get("eventtitle"):
        return f"({year_label})"
    if kind.date == "periodical" and entry.fields.get("volume"):
        return f"({year_label})"
    span = parse_range(entry, "eventdate") if entry.fields.get("eventtitle") else None
    if span is not None and span[0].year == date.year:
        start, end = span
        if end == start or end.month is None:
            text = _month_day(start)
        elif end.year != start.year:
            text = f"{_month_day(start)}–{end.year}, {_month_day(end)}"
        elif end.month == start.month and start.day is not None:
            text = f"{_month_day(start)}–{end.day}"
        else:
            text = f"{_month_day(start)}–{_month_day(end)}"
        return f"({year_label}, {text})" if text else f"({year_label})"
    if date.month is None:
        return f"({year_label})"
    return f"({year_label}, {_month_day(date)})"


def original_year(entry: Entry) -> str:
    """The year of the original of a translated or republished work."""
    raw = entry.fields.get("origdate", "").strip()
    if not raw:
        return ""
    try:
        return str(Date.parse(raw).year)
    except DateError:
        raise BibEntryError(
            f"{entry.key}: origdate {raw!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"
        ) from None


# -- The style ----------------------------------------------------------------


class APAStyle(BaseStyle):
    """Reference-list entries in APA 7 form (pybtex formatting style ``apa7``)."""

    default_sorting_style = "none"
    default_label_style = "number"

    # pybtex entry point: labels are computed per list by :func:`label_works`
    def format_entries(self, entries: Iterable[Entry], bib_data=None):
        entries = list(entries)
        labels = label_works(entries)
        for entry in sorted(entries, key=lambda e: labels[e.key].order):
            yield self.format_entry(labels[entry.key].year, entry)

    def sort(self, entries):
        entries = list(entries)
        labels = label_works(entries)
        return sorted(entries, key=lambda e: labels[e.key].order)

    def format_labels(self, sorted_entries):
        labels = label_works(list(sorted_entries))
        return [labels[e.key].year for e in sorted_entries]

    def format_entry(self, label: str, entry: Entry, bib_data=None) -> FormattedEntry:
        """Format *entry*; *label* is its year with suffix, e.g. ``2019a``."""
        return FormattedEntry(entry.key, format_reference(entry, label), label)


def _ends_sentence(text: Text) -> bool:
    # APA puts the period inside closing quotation marks: ... "Dr. House."
    rendered = plain(text).rstrip().rstrip("”’\"'")
    return rendered.endswith((".", "?", "!"))


def _sentence(text: Text) -> Text:
    return text if _ends_sentence(text) else Text(text, ".")


def _bracketed(parts: Sequence[Text | str]) -> Text | None:
    """``(H. Weaver, Trans.; 2nd ed., Vol. 2)``: groups of one kind joined by
    commas, the groups by semicolons (APA 9.9, 9.41)."""
    parts = [p for p in parts if p]
    return Text(" (", Text("; ").join(Text(p) for p in parts), ")") if parts else None


def _contributors(entry: Entry, with_editors: bool) -> Text | None:
    """Editors (of a work with an author) and translators, after the title:
    ``J. Strachey, Ed. & Trans.`` when they are the same people."""
    editors = people(entry, "editor") if with_editors else []
    translators = people(entry, "translator")
    if editors and _edits_and_translates(entry):
        return _role(editors, "Ed. & Trans.", "Eds. & Trans.")
    parts = []
    if editors:
        parts.append(_role(editors, "Ed.", "Eds."))
    if translators:
        parts.append(_role(translators, "Trans.", "Trans."))
    return Text("; ").join(parts) if parts else None


def _edits_and_translates(entry: Entry) -> bool:
    """The editors are the translators: ``J. Strachey (Ed. & Trans.)``."""
    editors = people(entry, "editor")
    translators = people(entry, "translator")
    return bool(editors) and [str(p) for p in editors] == [str(p) for p in translators]


def _volume_text(entry: Entry) -> str:
    if entry.fields.get("maintitle"):
        return ""  # given with the main title
    if entry.fields.get("volume"):
        return f"Vol. {entry.fields['volume']}"
    if entry.fields.get("volumes"):
        return f"Vols. 1–{entry.fields['volumes']}"
    return ""


def _edition_volume(entry: Entry, pages: bool = False) -> str:
    """``2nd ed., Vol. 2, pp. 3–9``: edition, volume and pages (APA 9.9, 10.3)."""
    parts = []
    if entry.fields.get("edition"):
        parts.append(ordinal_edition(entry.fields["edition"]))
    if entry.fields.get("version"):
        parts.append(f"Version {entry.fields['version']}")
    if _volume_text(entry):
        parts.append(_volume_text(entry))
    if pages and entry.fields.get("pages"):
        parts.append(_page_label(entry.fields["pages"]))
    elif pages and entry.fields.get("chapter"):
        parts.append(f"Chapter {entry.fields['chapter']}")
    return ", ".join(parts)


def _page_label(pages: str) -> str:
    text = _pages(pages)
    return f"pp. {text}" if re.search(r"[–,]", text) else f"p. {text}"


#: a United Nations document symbol (S/RES/1718, A/RES/70/1, E/CN.4/2005/L.10):
#: it names the document itself, so it takes no "No."
DOCUMENT_SYMBOL_RE = re.compile(r"^[A-Z]+(?:/[A-Z0-9.]+)+$")
#: types whose ``number`` is a number in a series, which APA 7 does not print
SERIES_NUMBER_TYPES = frozenset({"book", "collection", "proceedings", "booklet", "manual"})
THESIS_TYPES_OF_ENTRY = frozenset({"thesis", "phdthesis", "mastersthesis"})


def _number_text(entry: Entry, kind: Kind) -> Text | None:
    """``NIH Publication No. 18-2059``, ``Report No. 7``, ``Publication No.
    10289373`` (a thesis in a database), or a document symbol after its type:
    ``Resolution A/RES/70/1``, ``S/RES/1718``."""
    number = entry.fields.get("number")
    kind_name = entry.type.lower()
    if not number or kind.form != "work" or kind_name in SERIES_NUMBER_TYPES:
        return None
    label = ""
    if kind_name not in THESIS_TYPES_OF_ENTRY:  # a thesis's type is its kind
        label = entry.fields.get("type") or entry.fields.get("series") or ""
    if DOCUMENT_SYMBOL_RE.match(number):
        return Text(_latex(label), " ", number) if label else Text(number)
    label = label or kind.number_label
    return Text(_latex(label), " No. ", number) if label else Text(number)


def _description(entry: Entry, kind: Kind) -> str:
    """The bracketed description after the title, without its brackets."""
    kind_name = entry.type.lower()
    given = field_text(entry, "type")
    if kind_name in THESIS_TYPES_OF_ENTRY:
        what = THESIS_TYPES.get(given.lower(), given) or kind.description
        school = field_text(entry, "school") or field_text(entry, "institution")
        if _thesis_published(entry):
            return f"{what}, {school}" if school else what
        return f"Unpublished {what[:1].lower()}{what[1:]}"
    if kind_name in ("report", "techreport"):
        # with a number, the type labels it; alone, it describes the report
        return given if given and not entry.fields.get("number") else ""
    if kind_name == "unpublished":
        pubstate = entry.fields.get("pubstate", "").strip().lower()
        if given:
            return given
        if entry.fields.get("eventtitle"):
            return "Conference presentation"
        return PUBSTATE_DESCRIPTIONS.get(pubstate, kind.description)
    if kind.form == "work" and kind_name not in ("book", "collection", "proceedings"):
        return given
    return ""


def _thesis_published(entry: Entry) -> bool:
    return any(entry.fields.get(f) for f in ("publisher", "howpublished", "url", "doi"))


def _title_element(entry: Entry, kind: Kind, has_author: bool) -> Text:
    """The title with what APA puts after it: ``(2nd ed.)``, ``(Report No.
    7)``, ``[Doctoral dissertation, School]``."""
    title = whole_title(entry, "title") if kind.form != "part" else sentence_case(title_of(entry))
    if kind.italic:
        title = Text(Tag("em", title))
    if kind.form == "work":
        contributors = _contributors(entry, with_editors=has_author)
        bracket = _bracketed([contributors, _edition_volume(entry), _number_text(entry, kind)])
        if bracket is not None:
            title = Text(title, bracket)
    elif kind.form == "part" and not _edits_and_translates(entry):
        # APA 10.3: a translated chapter names its translator after its own title
        bracket = _bracketed([_contributors(entry, with_editors=False)])
        if bracket is not None:
            title = Text(title, bracket)
    description = _description(entry, kind)
    if description:
        title = Text(title, " [", description, "]")
    return title


def _agents(entry: Entry, kind: Kind) -> Text | None:
    """The author element: the authors, or the editors of a whole work."""
    authors = entry.persons.get("author")
    if authors:
        return join_names([name_inverted(p) for p in authors])
    editors = entry.persons.get("editor")
    if editors and kind.form == "work":
        role = "Ed." if len(editors) == 1 else "Eds."
        return Text(join_names([name_inverted(p) for p in editors]), f" ({role})")
    return None


def _publisher(entry: Entry, author_text: Text | None, fields: Sequence[str]) -> Text | None:
    for field in fields:
        if entry.fields.get(field):
            value = _latex(entry.fields[field])
            if author_text is not None and plain(value) == plain(author_text):
                return None  # APA 9.29: omit a publisher that is also the author
            return value
    return None


#: where each form finds its publisher (or site name, or school)
PUBLISHER_FIELDS = ("publisher", "institution", "organization", "school", "howpublished")
THESIS_ARCHIVE_FIELDS = ("publisher", "howpublished")
UNPUBLISHED_FIELDS = ("institution", "school", "organization", "publisher", "howpublished")


def _link(entry: Entry) -> str | None:
    """The DOI as https://doi.org/..., else the URL, else the eprint's address."""
    if entry.fields.get("doi"):
        doi = entry.fields["doi"]
        return doi if doi.startswith("http") else f"https://doi.org/{doi}"
    if entry.fields.get("url"):
        return entry.fields["url"]
    if entry.fields.get("eprint"):
        kind = entry.fields.get("eprinttype", "").strip().lower()
        if kind not in EPRINT_URLS:
            raise BibEntryError(
                f"{entry.key}: eprinttype {kind or '(none)'!r} has no known address: "
                f"write one of {', '.join(sorted(EPRINT_URLS))}, or give url = {{...}}"
            )
        return EPRINT_URLS[kind].format(entry.fields["eprint"].strip())
    return None


def _source(entry: Entry, kind: Kind, author: Text | None) -> list[Text]:
    """What follows the title: the periodical, the book a chapter is in, or
    the publisher."""
    kind_name = entry.type.lower()
    if kind.form == "article":
        journal = entry.fields.get("journal") or entry.fields.get("journaltitle")
        if not journal:
            raise BibEntryError(f"{entry.key}: @article needs a journal field")
        source = Text(Tag("em", _latex(journal)))
        if entry.fields.get("volume"):
            source = Text(source, ", ", Tag("em", entry.fields["volume"]))
            if entry.fields.get("number"):
                source = Text(source, "(", entry.fields["number"], ")")
        if entry.fields.get("pages"):
            source = Text(source, ", ", _pages(entry.fields["pages"]))
        elif entry.fields.get("eid"):
            source = Text(source, ", Article ", entry.fields["eid"])
        return [Text(source, ".")]
    if kind.form == "part":
        if not entry.fields.get("booktitle"):
            raise BibEntryError(f"{entry.key}: @{kind_name} needs a booktitle field")
        in_part = Text("In ")
        editors = people(entry, "editor")
        same = _edits_and_translates(entry)
        if editors:
            role = "Ed." if len(editors) == 1 else "Eds."
            role += " & Trans." if same else ""
            in_part = Text(in_part, join_direct([name_direct(p) for p in editors]), f" ({role}), ")
        in_part = Text(in_part, Tag("em", whole_title(entry, "booktitle")))
        bracket = _bracketed([_edition_volume(entry, pages=True)])
        if bracket is not None:
            in_part = Text(in_part, bracket)
        out = [Text(in_part, ".")]
        publisher = _publisher(entry, author, PUBLISHER_FIELDS)
        return out + ([_sentence(publisher)] if publisher is not None else [])
    if kind_name in THESIS_TYPES_OF_ENTRY:
        if _thesis_published(entry):
            archive = _publisher(entry, None, THESIS_ARCHIVE_FIELDS)
        else:
            archive = _publisher(entry, None, ("school", "institution"))
        return [_sentence(archive)] if archive is not None else []
    if kind_name == "unpublished":
        if entry.fields.get("eventtitle"):
            event = _latex(entry.fields["eventtitle"])
            place = (
                entry.fields.get("venue")
                or entry.fields.get("location")
                or entry.fields.get("address")
            )
            return [_sentence(Text(event, ", ", _latex(place)) if place else event)]
        publisher = _publisher(entry, author, UNPUBLISHED_FIELDS)
        return [_sentence(publisher)] if publisher is not None else []
    publisher = _publisher(entry, author, PUBLISHER_FIELDS)
    return [_sentence(publisher)] if publisher is not None else []


def _legal_reference(entry: Entry, year_label: str) -> Text:
    """APA 11: ``Name v. Name, 347 U.S. 483 (1954).``; a treaty: ``Name,
    Month Day, Year, series citation, URL``."""
    if entry.persons.get("author") or entry.persons.get("editor"):
        raise BibEntryError(
            f"{entry.key}: a @{entry.type.lower()} is named by its title, not by an "
            "author: remove the author and editor fields"
        )
    title = title_of(entry)
    number = entry.fields.get("number")
    link = _link(entry)
    date = entry_date(entry)
    if entry.type.lower() == "legal":
        parts: list[Text | str] = [title]
        if date.year is not None:
            parts.append(date.long().replace(str(date.year), year_label))
        if number:
            parts.append(number)
        if link:
            parts.append(_href(link))
        text = Text(", ").join(Text(p) for p in parts)
        return text if link else _sentence(text)
    if not number:
        raise BibEntryError(
            f"{entry.key}: @{entry.type.lower()} needs a number field, its legal citation"
        )
    court = field_text(entry, "institution")
    when = f"{court} {year_label}" if court else year_label
    text = Text(title, ", ", number, f" ({when}).")
    return Text(text, " ", _href(link)) if link else text


def format_reference(entry: Entry, year_label: str) -> Text:
    """The whole reference-list entry as rich text."""
    kind = kind_of(entry)
    if kind.form == "legal":
        return _legal_reference(entry, year_label)
    author = _agents(entry, kind)
    title = _title_element(entry, kind, bool(entry.persons.get("author")))
    date = _date_element(entry, year_label, kind)
    parts: list[Text] = []
    if author is not None:
        parts += [_sentence(author), Text(date, "."), _sentence(title)]
    else:  # APA 9.12: with no author the title moves to the author position
        parts += [_sentence(title), Text(date, ".")]
    parts += _source(entry, kind, author)
    if entry.fields.get("note"):
        parts.append(_sentence(_latex(entry.fields["note"])))

    link = _link(entry)
    retrieved = date_field(entry, "urldate")
    if retrieved.year is not None and prints_retrieval_date(entry):
        if link:
            parts.append(Text(f"Retrieved {retrieved.long()}, from ", _href(link)))
        else:
            parts.append(Text(f"Retrieved {retrieved.long()}."))
    elif link:
        parts.append(Text(_href(link)))
    original = original_year(entry)
    if original:
        parts.append(Text(f"(Original work published {original})"))
    return Text(" ").join(parts)


def may_change(entry: Entry) -> bool:
    """Whether *entry* is of a kind whose content may change (web pages,
    reports, web-only articles): one that a retrieval date can belong to."""
    kind = kind_of(entry)
    return kind.retrieval and not (kind.form == "article" and bool(entry.fields.get("volume")))


def prints_retrieval_date(entry: Entry) -> bool:
    """Whether the style prints *entry*'s ``urldate``: only for a work designed
    to change over time (APA 9.16), which is one of a kind that may change and
    carries no date of its own ("n.d.", as the population clock of 10.16).
    A dated news story or report is a fixed version: its ``urldate`` stays in
    refs.bib, a record of when the editors read it, and is not printed."""
    return may_change(entry) and date_field(entry).year is None


def _href(url: str) -> Text:
    return Text(HRef(url, String(url)))


def _pages(pages: str) -> str:
    return re.sub(r"\s*-+\s*", "–", pages.strip())


# -- In-text labels -----------------------------------------------------------


@dataclass(frozen=True)
class WorkLabel:
    """How one work is cited within one reference list."""

    key: str
    #: author part in parentheses: ``Ahlander & O'Connor``; for a work with no
    #: author, its (short) title, italic or in quotation marks.
    author_p: Text
    #: author part in running text: ``Ahlander and O'Connor``.
    author_t: Text
    year: str  #: ``2019``, ``2019a``, ``n.d.``, ``n.d.-b``, ``in press``
    order: int  #: position in the sorted reference list
    #: a group author's abbreviation (``shortauthor``), introduced at the
    #: first citation and used alone after it (APA 8.21)
    abbrev: Text | None = None
    #: the author part is a title set in quotation marks: ("Title," 2020)
    quoted: bool = False
    #: the year of the original of a republished or translated work, cited
    #: before the year of the edition used: (Freud, 1900/2010) (APA 8.15)
    original: str = ""

    @property
    def years(self) -> str:
        """The date part of a citation: ``2019a`` or ``1966/1969``."""
        return f"{self.original}/{self.year}" if self.original else self.year


def _authors_or_editors(entry: Entry) -> list[Person]:
    if entry.type.lower() in LEGAL_TYPES:
        return []  # APA 11: named by title
    return list(entry.persons.get("author") or entry.persons.get("editor") or [])


def _identity(person: Person) -> str:
    return plain(name_inverted(person)).lower()


def _year_of(entry: Entry) -> int | None:
    """The year the list sorts and labels by; in press after every year (APA 9.46)."""
    if in_press(entry):
        return 10_000
    return date_field(entry).year


def _sort_key(entry: Entry) -> tuple:
    persons = _authors_or_editors(entry)
    if persons:
        head = tuple(
            _sort_text(plain(family(p))) + " " + plain(initials(p)).lower() for p in persons
        )
    else:
        head = (_sort_text(plain(title_of(entry))),)
    year = _year_of(entry)
    date = entry_date(entry)
    # APA 9.46-9.47: works with no date first among a person's works; in one
    # year, the works with the year alone, then the dated ones in date order,
    # then by title
    return (
        head,
        -1 if year is None else year,
        (date.month or 0, date.day or 0),
        _sort_text(plain(title_of(entry))),
        entry.key,
    )


def _short_author(
    persons: list[Person], count: int, narrative: bool, with_initials: set[str]
) -> Text:
    def one(p: Person) -> Text:
        if not is_group(p) and plain(family(p)).lower() in with_initials and len(initials(p)):
            return Text(initials(p), " ", family(p))
        return family(p)

    conj = " and " if narrative else " & "
    if len(persons) == 1:
        return one(persons[0])
    if len(persons) == 2:
        return Text(one(persons[0]), conj, one(persons[1]))
    if count >= len(persons):
        return Text(Text(", ").join(one(p) for p in persons[:-1]), "," + conj, one(persons[-1]))
    # APA 8.18: "Kim et al.", but "Kim, Lee, et al." when more names are needed
    return Text(
        Text(", ").join(one(p) for p in persons[:count]), ", et al." if count > 1 else " et al."
    )


def _title_label(entry: Entry) -> Text:
    """A work with no author is cited by its (short) title (APA 8.14): italic
    when the reference list italicizes it, else in quotation marks (added
    where cited, since a comma goes inside them); a legal text by its name,
    a court decision's in italics (APA 11)."""
    title = title_of(entry, short=True)
    kind = kind_of(entry)
    if kind.italic or kind.cite_title == "italic":
        return Text(Tag("em", title))
    return Text(title)


def fingerprint(entry: Entry) -> bytes:
    """A digest of everything of *entry* this style reads: its key, type,
    fields and names. Two entries with the same fingerprint are formatted and
    labelled alike, whatever build or process formats them."""
    made_of = (
        entry.key,
        entry.type,
        tuple(entry.fields.items()),
        tuple((role, tuple(map(str, people))) for role, people in entry.persons.items()),
    )
    return hashlib.sha1(repr(made_of).encode()).digest()


@dataclass(frozen=True)
class _LabelFacts:
    """What labelling a reference list needs of one of its entries alone."""

    sort_key: tuple
    #: the identity (inverted name, lower case) of each author or editor
    identities: tuple[str, ...]
    #: the surname of each, lower case, as APA 8.20 compares them
    surnames: tuple[str, ...]
    #: whether the first of them is a person, not a group
    first_is_person: bool
    #: who a work with no author is, for the a/b suffixes: its title
    untitled_who: str
    year: int | None
    #: the in-text label of a work with no author
    title_label: Text | None
    abbrev: Text | None
    quoted: bool
    original: str


def _label_facts(entry: Entry) -> _LabelFacts:
    persons = _authors_or_editors(entry)
    return _LabelFacts(
        sort_key=_sort_key(entry),
        identities=tuple(_identity(p) for p in persons),
        surnames=tuple(plain(family(p)).lower() for p in persons),
        first_is_person=bool(persons) and not is_group(persons[0]),
        untitled_who="" if persons else "title:" + _sort_text(plain(title_of(entry))),
        year=_year_of(entry),
        title_label=None if persons else _title_label(entry),
        abbrev=(
            _latex(entry.fields["shortauthor"])
            if len(persons) == 1 and entry.fields.get("shortauthor")
            else None
        ),
        quoted=not persons and kind_of(entry).cite_title == "quoted",
        original=original_year(entry),
    )


class LabelMemo:
    """What labelling found of each entry, by the entry's fingerprint, so that
    labelling a list again after one entry changed recomputes that entry
    alone: ``earlier`` holds what an earlier labelling found (it may be kept
    between builds, since it depends on nothing else), ``used`` what this
    one used, the memo worth keeping."""

    def __init__(self, earlier: dict | None = None) -> None:
        self.earlier = earlier or {}
        self.used: dict = {}

    def get(self, key: object, make) -> object:
        value = self.used.get(key)
        if value is None:
            value = self.earlier.get(key)
            if value is None:
                value = make()
            self.used[key] = value
        return value


def label_works(entries: Sequence[Entry], memo: LabelMemo | None = None) -> dict[str, WorkLabel]:
    """Labels for the works of one reference list, following APA 7 8.18–8.20
    (disambiguating authors) and 9.47 (``a``/``b`` suffixes by title).
    With a *memo*, what depends on one entry alone is taken from it when the
    entry has not changed."""
    memo = memo or LabelMemo()
    prints = {e.key: fingerprint(e) for e in entries}
    facts: dict[str, _LabelFacts] = {
        e.key: memo.get(prints[e.key], functools.partial(_label_facts, e)) for e in entries
    }
    ordered = sorted(entries, key=lambda e: facts[e.key].sort_key)
    # 8.20: different first authors sharing a surname are cited with initials
    surnames: dict[str, set[str]] = defaultdict(set)
    for entry in ordered:
        fact = facts[entry.key]
        if fact.first_is_person:
            surnames[fact.surnames[0]].add(fact.identities[0])
    with_initials = {name for name, ids in surnames.items() if len(ids) > 1}

    # 9.47: same authors (in the same order) and same year take a, b, c ...
    groups: dict[tuple, list[Entry]] = defaultdict(list)
    for entry in ordered:
        fact = facts[entry.key]
        who = fact.identities or (fact.untitled_who,)
        groups[(who, fact.year)].append(entry)
    year_label: dict[str, str] = {}
    for (_, year), members in groups.items():
        base = "n.d." if year is None else "in press" if year == 10_000 else str(year)
        if len(members) == 1:
            year_label[members[0].key] = base
        else:
            for index, entry in enumerate(members):
                letter = string.ascii_lowercase[index]
                year_label[entry.key] = (
                    f"{base}{letter}" if base[-1].isdigit() else f"{base}-{letter}"
                )

    # 8.18: works whose "First et al." forms collide with different authors
    # get as many names as it takes to tell them apart
    counts = {e.key: 1 for e in ordered}
    many = [e for e in ordered if len(facts[e.key].identities) >= 3]
    for _ in range(20):
        seen: dict[tuple, set[tuple]] = defaultdict(set)
        for entry in many:
            ids = facts[entry.key].identities
            shown = ids[: counts[entry.key]]
            seen[(shown, year_label[entry.key])].add(ids)
        clashes = {k for k, v in seen.items() if len(v) > 1}
        if not clashes:
            break
        for entry in many:
            shown = facts[entry.key].identities[: counts[entry.key]]
            if (shown, year_label[entry.key]) in clashes:
                counts[entry.key] += 1

    labels = {}
    for order, entry in enumerate(ordered):
        fact = facts[entry.key]
        if fact.identities:
            initialled = tuple(s in with_initials for s in fact.surnames)

            def short(narrative: bool, entry: Entry = entry) -> Text:
                persons = _authors_or_editors(entry)
                return _short_author(persons, counts[entry.key], narrative, with_initials)

            made_of = (prints[entry.key], counts[entry.key], initialled)
            short_p = memo.get((*made_of, False), functools.partial(short, False))
            short_t = memo.get((*made_of, True), functools.partial(short, True))
        else:
            short_p = short_t = fact.title_label
        labels[entry.key] = WorkLabel(
            entry.key,
            short_p,
            short_t,
            year_label[entry.key],
            order,
            fact.abbrev,
            fact.quoted,
            fact.original,
        )
    return labels


# -- In-text citations --------------------------------------------------------


@dataclass(frozen=True)
class Cited:
    """One work in one citation, with the reader's pre- and post-text."""

    label: WorkLabel
    pre: str = ""
    post: str = ""


#: A piece of citation text, and the key of the work it links to (or None).
Segment = tuple[Text, "str | None"]


def format_citation(
    works: Sequence[Cited], narrative: bool, introduced: set[str] | None = None
) -> list[Segment]:
    """``(Chang, 2015; Kim, 2019a, 2022)`` or ``Kim (2019a, 2022)``.

    Works are given in reference-list order (APA 8.12); works by the same
    authors are merged into one author with several years. *introduced* holds
    the abbreviations already spelled out in the text; it is updated.
    """
    if introduced is None:
        introduced = set()

    def name_and_year(label: WorkLabel, narrative: bool) -> Text:
        """``Kim, 2022`` / ``Kim (2022``: the part of a citation that links."""
        full = label.author_t if narrative else label.author_p
        if label.quoted:
            return (
                Text("“", full, "” (", label.years)
                if narrative
                else Text("“", full, ",” ", label.years)
            )
        if label.abbrev is not None:
            short = plain(label.abbrev)
            if short in introduced:
                full = label.abbrev
            else:
                introduced.add(short)
                if narrative:  # the United Nations Security Council (UNSC, 2017)
                    return Text(full, " (", label.abbrev, ", ", label.years)
                full = Text(full, " [", label.abbrev, "]")
        return Text(full, " (", label.years) if narrative else Text(full, ", ", label.years)

    works = sorted(works, key=lambda w: w.label.order)
    runs: list[list[Cited]] = []
    for work in works:
        if (
            runs
            and plain(runs[-1][-1].label.author_p) == plain(work.label.author_p)
            and not runs[-1][-1].post
            and not work.pre
        ):
            runs[-1].append(work)
        else:
            runs.append([work])

    out: list[Segment] = []
    if narrative:
        for index, run in enumerate(runs):
            if index:
                out.append(
                    (
                        Text(
                            ", "
                            if index < len(runs) - 1
                            else (", and " if len(runs) > 2 else " and ")
                        ),
                        None,
                    )
                )
            first = run[0]
            if first.pre:
                out.append((Text(first.pre + " "), None))
            out.append((name_and_year(first.label, True), first.label.key))
            for other in run[1:]:
                out.append((Text(", "), None))
                out.append((Text(other.label.years), other.label.key))
            tail = f", {run[-1].post})" if run[-1].post else ")"
            out.append((Text(tail), None))
        return out

    out.append((Text("("), None))
    for index, run in enumerate(runs):
        if index:
            out.append((Text("; "), None))
        first = run[0]
        if first.pre:
            out.append((Text(first.pre + " "), None))
        out.append((name_and_year(first.label, False), first.label.key))
        for other in run[1:]:
            out.append((Text(", "), None))
            out.append((Text(other.label.years), other.label.key))
        if run[-1].post:
            out.append((Text(", " + run[-1].post), None))
    out.append((Text(")"), None))
    return out


register_plugin("pybtex.style.formatting", "apa7", APAStyle)
