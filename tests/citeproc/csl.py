"""BibLaTeX entries, as refs.bib writes them, to CSL-JSON items for citeproc-js.

This maps fields; it does not format. Nothing here comes from peninsula.works.apa, so
that the comparison in report.py sets two independent readings of one entry
side by side. The one transformation of text is BibTeX's own: a title is
stored as the work gives it, with braces around what keeps its capitals, and a
BibTeX style may lower-case the rest (``change.case$``, mode ``t``); CSL-JSON
stores a title in the case it is printed in, and the APA CSL style prints it
as stored. So titles are converted as ``change.case$ "t"`` does: everything
outside braces lower-cased except the first character and the first character
after a colon and spaces. LaTeX is then decoded by pybtex (``--`` an en dash,
``\\&`` an ampersand, braces dropped).

The mapping, field by field (BibLaTeX -> CSL-JSON):

============================  =============================================
type                          ``TYPES`` below; @thesis, @phdthesis and
                              @mastersthesis -> thesis, with a genre;
                              @article with ``entrysubtype`` magazine or
                              newspaper -> article-magazine,
                              article-newspaper
author, editor, translator    author, editor, translator; a braced name
                              ``{World Health Organization}`` -> literal;
                              prefix ``van der`` -> non-dropping-particle,
                              ``Jr.`` -> suffix
shortauthor                   not mapped: CSL-JSON has no abbreviation of a
                              group author (see report.py)
title, shorttitle             title, title-short (BibTeX case, above)
journal, journaltitle         container-title
booktitle                     container-title (BibTeX case, above)
organization                  container-title of an @online (the site's
                              name); publisher of other types
publisher, institution,       publisher (the first given, in this order);
school                        a thesis's publisher (or howpublished) is
                              the database it is in: archive; a
                              @jurisdiction's
                              institution is the court: authority
location                      publisher-place
date, year                    issued (ISO ``YYYY``, ``YYYY-MM``,
                              ``YYYY-MM-DD``); no date: no issued
origdate                      original-date
urldate                       accessed
edition                       edition
volume, volumes               volume, number-of-volumes
series                        collection-title
number                        issue of an @article; number of a report;
                              collection-number of a work in a series;
                              number otherwise. Of a legal text, the
                              legal citation ``347 U.S. 483``, split into
                              volume, container-title and page (section
                              of a @legislation, without the ``§`` the
                              style adds)
eid                           number (an article number)
type                          genre (``Doctoral dissertation``, ``NIH
                              Publication``; ``phdthesis`` and
                              ``mathesis`` as biblatex names them). A
                              thesis with no publisher, howpublished, URL
                              or DOI is unpublished: "Unpublished" opens
                              its genre, where CSL keeps that state
pubstate                      genre of an @unpublished (``submitted``:
                              "Manuscript submitted for publication";
                              none: "Unpublished manuscript", what the
                              type means); status otherwise
howpublished                  a thesis's database (archive); publisher
                              otherwise
version                       version
pages                         page
doi, url                      DOI, URL
note                          note
============================  =============================================
"""

from __future__ import annotations

import re

from pybtex.backends.plaintext import Backend
from pybtex.bibtex.utils import split_name_list
from pybtex.database import Entry, Person
from pybtex.richtext import Text

#: BibLaTeX entry type -> CSL item type
TYPES = {
    "article": "article-journal",
    "book": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "report": "report",
    "techreport": "report",
    "thesis": "thesis",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "online": "webpage",
    "www": "webpage",
    "misc": "document",
    "unpublished": "manuscript",
    "manual": "book",
    "booklet": "pamphlet",
    "jurisdiction": "legal_case",
    "legislation": "legislation",
    "legal": "treaty",
    "dataset": "dataset",
    "software": "software",
}
#: BibLaTeX's ``entrysubtype`` of an @article -> CSL item type
ARTICLE_SUBTYPES = {"magazine": "article-magazine", "newspaper": "article-newspaper"}
#: the genre a thesis type implies when the entry gives no ``type``
THESIS_GENRE = {"phdthesis": "Doctoral dissertation", "mastersthesis": "Master's thesis"}
#: BibLaTeX's own keys for ``type`` (biblatex.def's strings, en-US)
TYPE_KEYS = {
    "phdthesis": "Doctoral dissertation",
    "mathesis": "Master's thesis",
    "techreport": "Technical report",
}
#: fields whose text is a title, converted to BibTeX's sentence case
TITLE_FIELDS = ("title", "shorttitle", "booktitle")
#: BibLaTeX's ``pubstate`` of an @unpublished -> its CSL genre
PUBSTATE_GENRE = {
    "submitted": "Manuscript submitted for publication",
    "inpreparation": "Manuscript in preparation",
}
#: a legal citation: volume, series (reporter, code or treaty series), first
#: page or section
LEGAL_CITATION = re.compile(r"^(?P<volume>\S+)\s+(?P<series>.+?)\s+(?P<first>\S+)$")
ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

_PLAIN = Backend()


def decode(latex: str) -> str:
    """A field's LaTeX as plain text: pybtex's decoder, braces dropped."""
    return Text.from_latex(latex).render(_PLAIN)


def bibtex_sentence_case(latex: str) -> str:
    """*latex* with BibTeX's ``change.case$`` mode ``t`` applied: letters
    outside braces lower-cased, except the first character and the first one
    after a colon and spaces; LaTeX command names are left alone."""
    out: list[str] = []
    depth = 0
    keep_next = True
    index = 0
    while index < len(latex):
        char = latex[index]
        if char == "\\":
            command = re.match(r"\\([A-Za-z]+|.)", latex[index:])
            token = command.group() if command else char
            out.append(token)
            index += len(token)
            continue
        if char == "{":
            depth += 1
            keep_next = False
        elif char == "}":
            depth -= 1
        elif depth == 0 and char == ":":
            rest = latex[index + 1 :]
            keep_next = bool(rest) and rest[0].isspace()
        elif depth == 0 and not char.isspace():
            if not keep_next:
                char = char.lower()
            keep_next = False
        out.append(char)
        index += 1
    return "".join(out)


def name(person: Person) -> dict[str, str]:
    """One CSL name; a braced name is a group's, kept whole."""
    last = person.last_names
    if (
        not person.first_names
        and not person.middle_names
        and len(last) == 1
        and last[0].startswith("{")
        and last[0].endswith("}")
    ):
        return {"literal": decode(last[0])}
    result = {"family": decode(" ".join(last))}
    given = person.first_names + person.middle_names
    if given:
        result["given"] = decode(" ".join(given))
    if person.prelast_names:
        result["non-dropping-particle"] = decode(" ".join(person.prelast_names))
    if person.lineage_names:
        result["suffix"] = decode(" ".join(person.lineage_names))
    return result


def date(text: str) -> dict | None:
    """An ISO date as CSL date-parts; None for anything else."""
    match = ISO_DATE.match(text.strip())
    if not match:
        return None
    return {"date-parts": [[int(part) for part in match.groups() if part is not None]]}


def to_csl(entry: Entry) -> dict:
    """The CSL-JSON item of *entry*, its id the entry's key."""
    kind = entry.type.lower()
    fields = {name.lower(): value for name, value in entry.fields.items()}
    csl_type = TYPES.get(kind, "document")
    if kind == "article":
        csl_type = ARTICLE_SUBTYPES.get(fields.get("entrysubtype", "").lower(), csl_type)
    item: dict = {"id": entry.key, "type": csl_type}

    def text(field: str) -> str | None:
        value = fields.get(field)
        if not value:
            return None
        if field in TITLE_FIELDS:
            value = bibtex_sentence_case(value)
        return decode(value)

    for role in ("author", "editor", "translator"):
        people = entry.persons.get(role)
        if not people and fields.get(role):  # pybtex reads only author and editor as names
            people = [Person(one) for one in split_name_list(fields[role])]
        if people:
            item[role] = [name(p) for p in people]

    simple = {
        "title": "title",
        "shorttitle": "title-short",
        "location": "publisher-place",
        "edition": "edition",
        "volume": "volume",
        "volumes": "number-of-volumes",
        "series": "collection-title",
        "pages": "page",
        "doi": "DOI",
        "url": "URL",
        "note": "note",
    }
    for field, csl in simple.items():
        value = fields[field] if field in ("doi", "url") and fields.get(field) else text(field)
        if value:
            item[csl] = value.replace("--", "–") if field == "pages" else value

    container = text("journaltitle") or text("journal") or text("booktitle")
    if kind in ("online", "www") and text("organization"):
        container = container or text("organization")
    if container:
        item["container-title"] = container

    publishers = ["publisher", "institution", "school"]
    if kind not in ("online", "www"):
        publishers.append("organization")
    if kind != "unpublished":
        publishers.append("howpublished")
    if csl_type == "thesis":
        database = text("publisher") or text("howpublished")
        if database:
            item["archive"] = database
        publishers.remove("publisher")
        publishers.remove("howpublished")
    publisher = next((text(f) for f in publishers if text(f)), None)
    if publisher:
        item["authority" if csl_type == "legal_case" else "publisher"] = publisher

    genre = fields.get("type")
    genre = TYPE_KEYS.get(genre, decode(genre)) if genre else None
    if not genre and kind in THESIS_GENRE:
        genre = THESIS_GENRE[kind]
    if not genre and kind == "unpublished":
        genre = PUBSTATE_GENRE.get(fields.get("pubstate", ""), "Unpublished manuscript")
    if (
        genre
        and csl_type == "thesis"
        and not (item.get("archive") or item.get("URL") or item.get("DOI"))
    ):
        genre = "Unpublished " + genre[0].lower() + genre[1:]
    if genre:
        item["genre"] = genre
    if fields.get("pubstate") and kind != "unpublished":
        item["status"] = decode(fields["pubstate"])
    if text("version"):
        item["version"] = text("version")
    if text("eid"):
        item["number"] = text("eid")

    number = text("number")
    legal = LEGAL_CITATION.match(number or "")
    if number and csl_type in ("legal_case", "legislation", "treaty") and legal:
        item["volume"] = legal["volume"]
        item["container-title"] = legal["series"].removesuffix("§").strip()
        item["section" if csl_type == "legislation" else "page"] = legal["first"]
    elif number:
        if csl_type == "article-journal":
            item["issue"] = number
        elif fields.get("series") and csl_type not in ("report", "treaty", "legal_case"):
            item["collection-number"] = number
        else:
            item["number"] = number

    issued = date(fields.get("date") or fields.get("year") or "")
    if issued:
        item["issued"] = issued
    original = date(fields.get("origdate", ""))
    if original:
        item["original-date"] = original
    accessed = date(fields.get("urldate", ""))
    if accessed:
        item["accessed"] = accessed
    return item
