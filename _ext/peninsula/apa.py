"""APA 7 author-year formatting of BibTeX entries, as a pybtex style.

Why this exists: pybtex ships no APA style; ``pybtex-apa7-style`` has no
``@online`` type, does not carry the 2019a/2019b suffix into the reference
list, misplaces the editors of a chapter and leaves titles in title case;
citeproc-py with the APA CSL file drops year suffixes and retrieval dates and
would bypass pybtex altogether. This module implements the APA 7 rules the
corpus needs (README, "How citations are formatted") and nothing else.

It is independent of Sphinx so that it can be tested entry by entry:

* :class:`APAStyle` formats reference-list entries (a pybtex formatting
  style, registered as ``apa7`` so the stock ``bibliography`` directive can
  use it too);
* :func:`label_works` computes, for one reference list, the in-text author
  form of each work, its year with any ``a``/``b`` suffix, and the list order;
* :func:`format_citation` builds the text of one in-text citation.

Titles are stored as the works give them; the reference list sets them in
sentence case, keeping text in braces (``{Korea}``) as written.
"""

from __future__ import annotations

import functools
import re
import string
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.database import Entry, Person
from pybtex.plugin import register_plugin
from pybtex.richtext import BaseText, HRef, Protected, String, Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle

# one Date type for every date of the corpus; MONTHS for the reference's date
from .dates import MONTHS, Date

#: Entry types whose title is italic (stand-alone works). Titles of parts of
#: a larger work (articles, chapters, papers) are set in roman.
STANDALONE_TYPES = frozenset(
    {
        "book",
        "report",
        "techreport",
        "online",
        "misc",
        "thesis",
        "phdthesis",
        "mastersthesis",
        "manual",
        "proceedings",
        "unpublished",
    }
)
#: Entry types that show only the year even when a full date is known.
YEAR_ONLY_TYPES = frozenset(
    {
        "book",
        "incollection",
        "inbook",
        "thesis",
        "phdthesis",
        "mastersthesis",
        "proceedings",
        "inproceedings",
    }
)
#: Entry types the style knows. Anything else is reported, not guessed at.
KNOWN_TYPES = STANDALONE_TYPES | YEAR_ONLY_TYPES | {"article"}

_ARTICLES = ("the ", "a ", "an ")


class BibEntryError(ValueError):
    """An entry cannot be formatted; the message says what to fix."""


# -- Names -------------------------------------------------------------------


#: escapes pybtex's LaTeX decoder would print as written (it takes every brace
#: for grouping, and knows no \$), each with a private-use stand-in
_ESCAPED = {"\\{": ("\ue001", "{"), "\\}": ("\ue002", "}"), "\\$": ("\ue003", "$")}


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
    """Editor form in a chapter reference: ``J. Doe``."""
    if is_group(person):
        return family(person)
    init = initials(person)
    return Text(init, " ", family(person)) if len(init) else family(person)


def join_names(names: Sequence[Text]) -> Text:
    """APA list of names: ``A, B, & C``; 21 or more: the first 19, …, the last."""
    if len(names) == 1:
        return Text(names[0])
    if len(names) == 2:
        return Text(names[0], ", & ", names[1])
    if len(names) > 20:
        return Text(Text(", ").join(names[:19]), ", . . . ", names[-1])
    return Text(Text(", ").join(names[:-1]), ", & ", names[-1])


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


def _date_element(entry: Entry, year_label: str) -> str:
    date = Date.of(entry)
    if date.year is None:
        return f"({year_label})"
    if entry.type.lower() in YEAR_ONLY_TYPES or (
        entry.type.lower() == "article" and entry.fields.get("volume")
    ):
        return f"({year_label})"
    if date.month is None:
        return f"({year_label})"
    month = MONTHS[date.month - 1]
    return f"({year_label}, {month}{'' if date.day is None else f' {date.day}'})"


def _ends_sentence(text: Text) -> bool:
    rendered = plain(text).rstrip()
    return rendered.endswith((".", "?", "!"))


def _sentence(text: Text) -> Text:
    return text if _ends_sentence(text) else Text(text, ".")


def _title_element(entry: Entry) -> Text:
    title = sentence_case(title_of(entry))
    kind = entry.type.lower()
    extras = []
    if kind in {"book", "incollection", "inbook"} and entry.fields.get("edition"):
        extras.append(f"{entry.fields['edition']} ed.")
    if entry.fields.get("number") and kind in {"report", "techreport"}:
        number = entry.fields["number"]
        kind_label = entry.fields.get("type")
        extras.append(f"{kind_label} No. {number}" if kind_label else number)
    if kind in STANDALONE_TYPES:
        title = Text(Tag("em", title))
    if extras:
        title = Text(title, " (", "; ".join(extras), ")")
    return title


def _agents(entry: Entry) -> tuple[Text | None, bool]:
    """The author element and whether it came from the editors."""
    authors = entry.persons.get("author")
    if authors:
        return join_names([name_inverted(p) for p in authors]), False
    editors = entry.persons.get("editor")
    if editors and entry.type.lower() not in {"incollection", "inbook", "inproceedings"}:
        role = "Ed." if len(editors) == 1 else "Eds."
        return Text(join_names([name_inverted(p) for p in editors]), f" ({role})"), True
    return None, False


def _publisher(entry: Entry, author_text: Text | None) -> Text | None:
    for field in ("publisher", "institution", "organization", "school", "howpublished"):
        if entry.fields.get(field):
            value = _latex(entry.fields[field])
            if author_text is not None and plain(value) == plain(author_text):
                return None  # APA: omit a publisher that is also the author
            return value
    return None


def format_reference(entry: Entry, year_label: str) -> Text:
    """The whole reference-list entry as rich text."""
    kind = entry.type.lower()
    if kind not in KNOWN_TYPES:
        raise BibEntryError(
            f"{entry.key}: entry type @{entry.type} is not one the APA style "
            f"formats; use one of {', '.join('@' + t for t in sorted(KNOWN_TYPES))}"
        )
    author, _ = _agents(entry)
    title = _title_element(entry)
    date = _date_element(entry, year_label)
    parts: list[Text] = []
    if author is not None:
        parts += [_sentence(author), Text(date, "."), _sentence(title)]
    else:  # APA: with no author the title moves to the author position
        parts += [_sentence(title), Text(date, ".")]

    if kind == "article":
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
        parts.append(Text(source, "."))
    elif kind in {"incollection", "inbook", "inproceedings"}:
        booktitle = entry.fields.get("booktitle")
        if not booktitle:
            raise BibEntryError(f"{entry.key}: @{kind} needs a booktitle field")
        in_part = Text("In ")
        editors = entry.persons.get("editor")
        if editors:
            role = "Ed." if len(editors) == 1 else "Eds."
            in_part = Text(
                in_part,
                join_names([name_direct(p) for p in editors])
                if len(editors) != 2
                else Text(name_direct(editors[0]), " & ", name_direct(editors[1])),
                f" ({role}), ",
            )
        in_part = Text(in_part, Tag("em", sentence_case(_latex(booktitle))))
        if entry.fields.get("pages"):
            in_part = Text(in_part, " (pp. ", _pages(entry.fields["pages"]), ")")
        parts.append(Text(in_part, "."))
        publisher = _publisher(entry, author)
        if publisher is not None:
            parts.append(_sentence(publisher))
    else:
        publisher = _publisher(entry, author)
        if publisher is not None:
            parts.append(_sentence(publisher))
    if entry.fields.get("note"):
        parts.append(_sentence(_latex(entry.fields["note"])))

    link = None
    if entry.fields.get("doi"):
        doi = entry.fields["doi"]
        link = doi if doi.startswith("http") else f"https://doi.org/{doi}"
    elif entry.fields.get("url"):
        link = entry.fields["url"]
    retrieved = Date.of(entry, "urldate")
    if retrieved.year is not None:
        if link:
            parts.append(Text(f"Retrieved {retrieved.long()}, from ", _href(link)))
        else:
            parts.append(Text(f"Retrieved {retrieved.long()}."))
    elif link:
        parts.append(Text(_href(link)))
    return Text(" ").join(parts)


def _href(url: str) -> Text:
    from pybtex.richtext import HRef

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
    year: str  #: ``2019``, ``2019a``, ``n.d.``, ``n.d.-b``
    order: int  #: position in the sorted reference list
    #: a group author's abbreviation (``shortauthor``), introduced at the
    #: first citation and used alone after it (APA 8.21)
    abbrev: Text | None = None
    #: the author part is a title set in quotation marks: ("Title," 2020)
    quoted: bool = False


def _authors_or_editors(entry: Entry) -> list[Person]:
    return list(entry.persons.get("author") or entry.persons.get("editor") or [])


def _identity(person: Person) -> str:
    return plain(name_inverted(person)).lower()


def _sort_key(entry: Entry) -> tuple:
    people = _authors_or_editors(entry)
    if people:
        head = tuple(
            _sort_text(plain(family(p))) + " " + plain(initials(p)).lower() for p in people
        )
    else:
        head = (_sort_text(plain(title_of(entry))),)
    date = Date.of(entry)
    # APA: works with no date come first among a person's works
    year = -1 if date.year is None else date.year
    return (head, year, _sort_text(plain(title_of(entry))), entry.key)


def _short_author(
    people: list[Person], count: int, narrative: bool, with_initials: set[str]
) -> Text:
    def one(p: Person) -> Text:
        if not is_group(p) and plain(family(p)).lower() in with_initials and len(initials(p)):
            return Text(initials(p), " ", family(p))
        return family(p)

    conj = " and " if narrative else " & "
    if len(people) == 1:
        return one(people[0])
    if len(people) == 2:
        return Text(one(people[0]), conj, one(people[1]))
    if count >= len(people):
        return Text(Text(", ").join(one(p) for p in people[:-1]), "," + conj, one(people[-1]))
    # APA 8.18: "Kim et al.", but "Kim, Lee, et al." when more names are needed
    return Text(
        Text(", ").join(one(p) for p in people[:count]), ", et al." if count > 1 else " et al."
    )


def _title_label(entry: Entry) -> Text:
    """A work with no author is cited by its (short) title: italic when the
    reference list italicizes it, else in quotation marks (added where cited,
    since a comma goes inside them)."""
    title = title_of(entry, short=True)
    if entry.type.lower() in STANDALONE_TYPES:
        return Text(Tag("em", title))
    return Text(title)


def label_works(entries: Sequence[Entry]) -> dict[str, WorkLabel]:
    """Labels for the works of one reference list, following APA 7 8.18–8.20
    (disambiguating authors) and 9.47 (``a``/``b`` suffixes by title)."""
    ordered = sorted(entries, key=_sort_key)
    # 8.20: different first authors sharing a surname are cited with initials
    surnames: dict[str, set[str]] = defaultdict(set)
    for entry in ordered:
        people = _authors_or_editors(entry)
        if people and not is_group(people[0]):
            surnames[plain(family(people[0])).lower()].add(_identity(people[0]))
    with_initials = {name for name, ids in surnames.items() if len(ids) > 1}

    # 9.47: same authors (in the same order) and same year take a, b, c ...
    groups: dict[tuple, list[Entry]] = defaultdict(list)
    for entry in ordered:
        people = _authors_or_editors(entry)
        who = tuple(_identity(p) for p in people) or (
            "title:" + _sort_text(plain(title_of(entry))),
        )
        groups[(who, Date.of(entry).year)].append(entry)
    year_label: dict[str, str] = {}
    for (_, year), members in groups.items():
        base = "n.d." if year is None else str(year)
        if len(members) == 1:
            year_label[members[0].key] = base
        else:
            for index, entry in enumerate(members):
                letter = string.ascii_lowercase[index]
                year_label[entry.key] = f"{base}-{letter}" if year is None else f"{base}{letter}"

    # 8.18: works whose "First et al." forms collide with different authors
    # get as many names as it takes to tell them apart
    counts = {e.key: 1 for e in ordered}
    for _ in range(20):
        seen: dict[tuple, set[tuple]] = defaultdict(set)
        for entry in ordered:
            people = _authors_or_editors(entry)
            if len(people) >= 3:
                shown = tuple(_identity(p) for p in people[: counts[entry.key]])
                seen[(shown, year_label[entry.key])].add(tuple(_identity(p) for p in people))
        clashes = {k for k, v in seen.items() if len(v) > 1}
        if not clashes:
            break
        for entry in ordered:
            people = _authors_or_editors(entry)
            if len(people) >= 3:
                shown = tuple(_identity(p) for p in people[: counts[entry.key]])
                if (shown, year_label[entry.key]) in clashes:
                    counts[entry.key] += 1

    labels = {}
    for order, entry in enumerate(ordered):
        people = _authors_or_editors(entry)
        if people:
            short_p = _short_author(people, counts[entry.key], False, with_initials)
            short_t = _short_author(people, counts[entry.key], True, with_initials)
        else:
            short_p = short_t = _title_label(entry)
        abbrev = (
            _latex(entry.fields["shortauthor"])
            if len(people) == 1 and entry.fields.get("shortauthor")
            else None
        )
        quoted = not people and entry.type.lower() not in STANDALONE_TYPES
        labels[entry.key] = WorkLabel(
            entry.key, short_p, short_t, year_label[entry.key], order, abbrev, quoted
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
                Text("“", full, "” (", label.year)
                if narrative
                else Text("“", full, ",” ", label.year)
            )
        if label.abbrev is not None:
            short = plain(label.abbrev)
            if short in introduced:
                full = label.abbrev
            else:
                introduced.add(short)
                if narrative:  # the United Nations Security Council (UNSC, 2017)
                    return Text(full, " (", label.abbrev, ", ", label.year)
                full = Text(full, " [", label.abbrev, "]")
        return Text(full, " (", label.year) if narrative else Text(full, ", ", label.year)

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
                out.append((Text(other.label.year), other.label.key))
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
            out.append((Text(other.label.year), other.label.key))
        if run[-1].post:
            out.append((Text(", " + run[-1].post), None))
    out.append((Text(")"), None))
    return out


register_plugin("pybtex.style.formatting", "apa7", APAStyle)
