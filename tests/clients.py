"""The citation downloads as the programs readers use read them.

Each reader is real and gives its own answer: bibtexparser 2 and rispy (the
Python libraries), citation-js (node, tests/citation_js.mjs: @citation-js/core
with its BibTeX and RIS plugins) and classic BibTeX with ``plain.bst``. What
each reads is put in one shape, :class:`Item`, so that a test compares it with
what the essay's page says (:func:`page_item`) field by field; nothing is
expected that the page does not say.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import bibtexparser
import rispy
from bibtexparser import middlewares
from lxml import html as lxml_html
from peninsula.records.frontmatter import Essay, Known, parse
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

REPO = Path(__file__).resolve().parent.parent
CITATION_JS = Path(__file__).parent / "citation_js.mjs"

#: the item type of a journal article in each format
TYPES = {"bibtex": "article", "ris": "JOUR", "csl": "article-journal"}


@dataclass(frozen=True)
class Name:
    """A name as read: its text, and whether it came back as one name, unsplit
    (as a group's must; a person's one-word name does too)."""

    text: str
    group: bool


@dataclass(frozen=True)
class Item:
    """A journal article as a reader gives it; None where it gave nothing."""

    type: str | None
    title: str | None
    authors: tuple[Name, ...]
    editors: tuple[Name, ...]
    journal: str | None
    publisher: str | None
    date: str | None  #: ISO, as precise as given: 2023, 2023-02, 2023-02-14
    version: str | None
    url: str | None
    language: str | None
    abstract: str | None
    keywords: tuple[str, ...]
    license: str | None = None
    #: free text the reader keeps as notes (the retraction, for formats
    #: with no field of their own for it, the version, the address)
    notes: tuple[str, ...] = field(default=())


def one_line(text: str | None) -> str | None:
    return None if text is None else " ".join(text.split())


# -- What the page says ------------------------------------------------------------


def json_ld(page: Path) -> dict:
    tree = lxml_html.fromstring(page.read_bytes())
    (script,) = tree.xpath('//script[@type="application/ld+json"]')
    return json.loads(script.text)


def page_item(page: Path) -> Item:
    """The essay version a page shows, as its JSON-LD describes it (the one
    description every version's page has; the current page's Highwire tags
    say the same, as tests/pages/test_head.py checks). A page is a journal article
    when it is a ScholarlyArticle part of a Periodical."""
    data = json_ld(page)
    journal = data["isPartOf"]
    assert (data["@type"], journal["@type"]) == ("ScholarlyArticle", "Periodical")
    title = data["headline"]
    if data.get("alternativeHeadline"):
        title += ": " + data["alternativeHeadline"]
    tree = lxml_html.fromstring(page.read_bytes())
    (canonical,) = tree.xpath('//link[@rel="canonical"]/@href')
    # an earlier version (its canonical link is the current page's) says
    # which version it is; so does any version of an essay revised since
    frozen = canonical != data["@id"]
    versioned = frozen or data["version"] > 1
    editors = [
        c["contributor"]
        for c in data["contributor"]
        if c["@type"] == "Role" and c["roleName"] == "editor"
    ]
    return Item(
        type="journal article",
        title=title,
        authors=tuple(Name(a["name"], a["@type"] == "Organization") for a in data["author"]),
        editors=tuple(Name(e["name"], e["@type"] == "Organization") for e in editors),
        journal=journal["name"],
        publisher=data["publisher"]["name"],
        date=data.get("dateModified") or data["datePublished"],
        version=str(data["version"]) if versioned else None,
        url=data["@id"],
        language=data["inLanguage"],
        abstract=data["abstract"],
        keywords=tuple(data["keywords"]),
        license=data["license"],
    )


# -- What each client must read ---------------------------------------------------


def cited_pages(site: Path) -> list[Path]:
    """Every page with a cite box: each essay and each earlier version."""
    return sorted(
        page
        for page in (site / "articles").rglob("*.html")
        if lxml_html.fromstring(page.read_bytes()).xpath('//section[h2[@id="cite-this-essay"]]')
    )


def downloads(site: Path, page: Path) -> dict[str, Path]:
    """The files the page's cite box links, by suffix."""
    tree = lxml_html.fromstring(page.read_bytes())
    hrefs = tree.xpath(
        '//section[h2[@id="cite-this-essay"]]//p[contains(@class, "cite-download")]//a/@href'
    )
    files = [(page.parent / href).resolve() for href in hrefs]
    assert all(f.is_file() and f.parent == (site / "cite").resolve() for f in files), hrefs
    return {f.suffix[1:]: f for f in files}


def retraction(srcdir: Path, item: Item) -> str | None:
    """ "Retracted December 4, 2026" for any version of an essay whose current
    version retracted it, from the essay's front matter; else None."""
    slug = item.url.rsplit("/articles/", 1)[1].split("/")[0].removesuffix(".html")
    path = srcdir / "articles" / f"{slug}.md"
    record = parse(path.read_text(encoding="utf-8"), f"articles/{slug}", Known(None, None))
    assert isinstance(record, Essay), record
    if not record.retracted:
        return None
    return f"Retracted {record.history[-1].date.long()}"


def same(got: Item, expected: Item, where: str) -> None:
    """Field by field; names in order, and a group's name unsplit."""
    for name in (f.name for f in fields(Item)):
        value, wanted = getattr(got, name), getattr(expected, name)
        if name in ("authors", "editors"):
            assert [n.text for n in value] == [n.text for n in wanted], (where, name, value)
            split = [n.text for n, w in zip(value, wanted, strict=True) if w.group and not n.group]
            assert split == [], (where, name, "split", split)
        else:
            assert value == wanted, (where, name, value, wanted)


def expectations(page: Item, retracted: str | None) -> dict[tuple[str, str], Item]:
    """What each client must read from each download of the page, by (format,
    client): the page's facts, where each format carries them."""
    version = [f"Version {page.version}"] if page.version else []
    said = version + ([retracted] if retracted else [])
    # classic styles print the note: version, retraction, address
    classic = ". ".join([*said, page.url])
    bibtex = without(page, "license")
    ris = replace(without(page, "language", "license", "version"), type=TYPES["ris"])
    ris = replace(ris, notes=(". ".join(said),) if said else ())
    csl = replace(page, type=TYPES["csl"], notes=(retracted,) if retracted else ())
    return {
        ("bib", "bibtexparser"): replace(
            bibtex, type=TYPES["bibtex"], notes=(classic, *([retracted] if retracted else []))
        ),
        # citation-js reads biblatex's addendum only without a note
        ("bib", "citation-js"): replace(bibtex, type=TYPES["csl"], notes=(classic,)),
        ("ris", "rispy"): ris,
        ("ris", "citation-js"): replace(ris, type=TYPES["csl"]),
        ("json", "citation-js"): csl,
    }


def read_downloads(found: dict[str, Path], read: dict[Path, list[dict]]) -> dict:
    """What each client reads from a page's downloads *found*, by (format,
    client); *read* is :func:`citation_js`'s answer for them."""
    got = {
        ("bib", "bibtexparser"): bibtexparser_item(found["bib"].read_text(encoding="utf-8")),
        ("ris", "rispy"): rispy_item(found["ris"].read_text(encoding="utf-8")),
    }
    for suffix in ("bib", "ris", "json"):
        (item,) = read[found[suffix]]
        got[(suffix, "citation-js")] = csl_item(item)
    return got


# -- BibTeX -----------------------------------------------------------------------------


def latex_reader() -> LatexNodes2Text:
    """LaTeX to text as LaTeX prints it: pylatexenc's tables lack
    ``\\textbraceleft``/``\\textbraceright`` and map ``\\textasciicircum`` to
    U+02C6, where LaTeX prints ``{``, ``}`` and ``^``; ``\\url`` prints its
    argument."""
    context = get_default_latex_context_db()
    context.add_context_category(
        "latex-text-symbols",
        macros=[
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textasciicircum", "^"),
            MacroTextSpec("url", "%s"),
        ],
        prepend=True,
    )
    return LatexNodes2Text(latex_context=context, math_mode="verbatim", strict_latex_spaces=True)


READER = latex_reader()


def latex_text(value: str) -> str:
    return READER.latex_to_text(value)


MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def bibtexparser_entries(text: str) -> list:
    """The entries of a BibTeX file as bibtexparser 2 reads them, names split
    into their parts; a file it cannot read whole fails."""
    library = bibtexparser.parse_string(
        text,
        append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()],
    )
    assert library.failed_blocks == [], library.failed_blocks
    return library.entries


def bibtex_name(parts) -> Name:
    """A name as bibtexparser splits it: a group is one braced part."""
    words = parts.first + parts.von + parts.last + parts.jr
    group = len(words) == 1 and words[0].startswith("{") and words[0].endswith("}")
    text = latex_text(words[0][1:-1]) if group else " ".join(latex_text(w) for w in words)
    return Name(one_line(text), group)


def bibtexparser_item(text: str) -> Item:
    """The one entry of a BibTeX file, as bibtexparser 2 reads it."""
    (entry,) = bibtexparser_entries(text)
    fields = {f.key: f.value for f in entry.fields}

    def get(name: str) -> str | None:
        return one_line(latex_text(fields[name])) if name in fields else None

    date = fields.get("date")
    # classic BibTeX's year and month must say what date does
    year, month = fields.get("year"), fields.get("month")
    classic = year if month is None else f"{year}-{MONTHS.index(month) + 1:02d}"
    assert date is not None and date[: len(classic)] == classic, (date, year, month)
    return Item(
        type=entry.entry_type,
        title=get("title"),
        authors=tuple(bibtex_name(p) for p in fields.get("author", [])),
        editors=tuple(bibtex_name(p) for p in fields.get("editor", [])),
        journal=get("journal"),
        publisher=get("publisher"),
        date=date,
        version=get("version"),
        url=fields.get("url"),
        language=get("language"),
        abstract=get("abstract"),
        keywords=tuple(k.strip() for k in get("keywords").split(","))
        if "keywords" in fields
        else (),
        notes=tuple(get(name) for name in ("note", "addendum") if name in fields),
    )


# -- RIS --------------------------------------------------------------------------------


def ris_date(value: str | None) -> str | None:
    """``2023/02/14/`` -> ``2023-02-14``, ``2020///`` -> ``2020``."""
    if value is None:
        return None
    return "-".join(part for part in value.split("/")[:3] if part)


def ris_name(value: str) -> Name:
    """``Family, Given`` as a name; a name without a comma is one name."""
    family, comma, given = value.partition(", ")
    return Name(f"{given} {family}" if comma else value, not comma)


def rispy_item(text: str) -> Item:
    """The one record of a RIS file, as rispy reads it."""
    (record,) = rispy.loads(text)
    journals = {record.get("secondary_title"), record.get("alternate_title3")}
    assert len(journals) == 1, journals  # T2 and JF name the one journal
    urls = record.get("urls", [])
    assert len(urls) <= 1, urls
    return Item(
        type=record.get("type_of_reference"),
        title=record.get("title"),
        authors=tuple(ris_name(a) for a in record.get("authors", [])),
        editors=tuple(ris_name(a) for a in record.get("secondary_authors", [])),
        journal=journals.pop(),
        publisher=record.get("publisher"),
        date=ris_date(record.get("publication_year")),
        version=record.get("edition"),
        url=urls[0] if urls else None,
        language=record.get("language"),
        abstract=record.get("notes_abstract"),
        keywords=tuple(record.get("keywords", [])),
        notes=tuple(record.get("notes", [])),
    )


# -- CSL-JSON, and citation-js ----------------------------------------------------------


def csl_name(name: dict) -> Name:
    if "literal" in name:
        return Name(name["literal"], True)
    words = [name.get("given"), name.get("non-dropping-particle"), name["family"]]
    text = " ".join(w for w in words if w)
    if name.get("suffix"):
        text += f" {name['suffix']}"
    # citation-js reads a braced BibTeX name as a family name alone
    return Name(text, set(name) == {"family"})


def csl_item(item: dict) -> Item:
    """A CSL-JSON item in the one shape."""
    parts = item.get("issued", {}).get("date-parts", [[]])[0]
    date = "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(int(p) for p in parts))
    keywords = item.get("keyword")
    note = item.get("note")
    return Item(
        type=item.get("type"),
        title=one_line(item.get("title")),
        authors=tuple(csl_name(n) for n in item.get("author", [])),
        editors=tuple(csl_name(n) for n in item.get("editor", [])),
        journal=item.get("container-title"),
        publisher=item.get("publisher"),
        date=date or None,
        version=item.get("version"),
        url=item.get("URL"),
        language=item.get("language"),
        abstract=one_line(item.get("abstract")),
        keywords=tuple(k.strip() for k in keywords.split(",")) if keywords else (),
        license=item.get("license"),
        notes=(one_line(note),) if isinstance(note, str) else tuple(note or ()),
    )


def node() -> str:
    """The path of node; fails, saying how to install it and citation-js."""
    found = shutil.which("node")
    assert found, "node is not installed: run `make test` (tools/system-deps.sh test)"
    for package in ("core", "plugin-bibtex", "plugin-ris"):
        assert (REPO / "node_modules" / "@citation-js" / package / "package.json").is_file(), (
            f"@citation-js/{package} is not installed in node_modules: run `make test` (npm ci)"
        )
    return found


def citation_js(paths: list[Path]) -> dict[Path, list[dict]]:
    """What citation-js reads from each file: its CSL-JSON items."""
    result = subprocess.run(
        [node(), str(CITATION_JS), *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return {Path(path): items for path, items in json.loads(result.stdout).items()}


# -- Classic BibTeX ----------------------------------------------------------------------


def plain_bst(bibs: list[Path], folder: Path) -> dict[str, str]:
    """Each entry of *bibs* as classic BibTeX sets it with ``plain.bst``: a
    document citing every key, run through ``bibtex``; the text of each
    ``\\bibitem`` of the ``.bbl``, LaTeX read as text."""
    assert shutil.which("bibtex"), "bibtex is not installed: run `make test` (TeX Live)"
    folder.mkdir(parents=True, exist_ok=True)
    keys = []
    for bib in bibs:
        shutil.copy(bib, folder / bib.name)
        keys += [e.key for e in bibtexparser_entries(bib.read_text(encoding="utf-8"))]
    aux = [r"\relax", *(rf"\citation{{{key}}}" for key in keys), r"\bibstyle{plain}"]
    aux.append(r"\bibdata{%s}" % ",".join(bib.stem for bib in bibs))
    (folder / "cited.aux").write_text("\n".join(aux) + "\n", encoding="utf-8")
    done = subprocess.run(["bibtex", "cited"], cwd=folder, capture_output=True, text=True)
    log = (folder / "cited.blg").read_text(encoding="utf-8", errors="replace")
    assert done.returncode == 0 and "Warning--" not in log, done.stdout + log
    bbl = (folder / "cited.bbl").read_text(encoding="utf-8")
    items = re.split(r"\\bibitem\{([^}]*)\}", bbl.split(r"\end{thebibliography}")[0])[1:]
    return {
        key: one_line(latex_text(body)) for key, body in zip(items[::2], items[1::2], strict=True)
    }


def typeset(bbl_folder: Path) -> str:
    """The ``.bbl`` of :func:`plain_bst` typeset by pdflatex in a document
    loading ``url``, as a classic document does; its text, in one line."""
    tex = "\\documentclass{article}\n\\usepackage{url}\n\\begin{document}\n"
    tex += "\\input{cited.bbl}\n\\end{document}\n"
    (bbl_folder / "typeset.tex").write_text(tex, encoding="utf-8")
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "typeset.tex"],
        cwd=bbl_folder,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    out = subprocess.run(
        ["pdftotext", "typeset.pdf", "-"], cwd=bbl_folder, capture_output=True, text=True
    )
    return one_line(out.stdout)


def without(item: Item, *names: str) -> Item:
    """*item* with the fields *names* emptied: what a format does not carry."""
    empty = {name: () if isinstance(getattr(item, name), tuple) else None for name in names}
    return replace(item, **empty)
