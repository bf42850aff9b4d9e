"""Every citation download, read by the programs readers use, says what the page says.

For each essay page of the real corpus build, and of tests/versioned.py's
build (an essay at version 3 with its earlier versions, one retracted), each
download of its cite box is read by real clients (tests/clients.py):
BibTeX by bibtexparser 2 and citation-js, RIS by rispy and citation-js,
CSL-JSON by citation-js; and every BibTeX entry by classic BibTeX with
``plain.bst``, typeset by pdflatex. What each reads is compared, field by
field, with the page's own description of the version it shows (its JSON-LD:
a ScholarlyArticle of the Periodical "Peninsula Papers"): one item type, a
journal article, everywhere; authors in order, the editors one name, title,
journal, publisher, date, version, address, language, abstract, keywords.
A fact a format does not carry is named in clients.expectations, with the
reason in peninsula.pages.cite's docstring: the RIS has no language, BibTeX and
RIS no licence, and each says in a note what it has no field for.
"""

from __future__ import annotations

import functools
import json
from dataclasses import replace
from pathlib import Path

import pytest
from clients import (
    Item,
    Name,
    bibtexparser_entries,
    citation_js,
    cited_pages,
    downloads,
    expectations,
    page_item,
    plain_bst,
    read_downloads,
    retraction,
    same,
    typeset,
)
from conftest import REPO
from lxml import html as lxml_html
from peninsula.core.dates import MONTHS, Date

BUILDS = {"corpus": ("corpus_html", None), "versioned": ("versioned_html", "versioned_project")}


@pytest.fixture(scope="module", params=list(BUILDS))
def build(request) -> tuple[Path, Path, list[Path]]:
    """A build, its sources and its cited pages."""
    html_fixture, src_fixture = BUILDS[request.param]
    site = request.getfixturevalue(html_fixture)
    srcdir = request.getfixturevalue(src_fixture) if src_fixture else REPO
    return site, srcdir, cited_pages(site)


def test_every_download_reads_back_as_the_page_in_every_client(build):
    site, srcdir, pages = build
    assert pages, site
    files = {page: downloads(site, page) for page in pages}
    read = citation_js([f for found in files.values() for f in found.values()])
    for page in pages:
        where = str(page.relative_to(site))
        expected = page_item(page)
        wanted = expectations(expected, retraction(srcdir, expected))
        found = files[page]
        assert sorted(found) == ["bib", "json", "ris"], where
        got = read_downloads(found, read)
        assert sorted(got) == sorted(wanted)
        for key, item in got.items():
            same(item, wanted[key], f"{where} {key}")


def test_the_csl_json_download_is_what_citation_js_reads(build):
    """citation-js takes the CSL-JSON as it is: every field of the file, unchanged."""
    site, _, pages = build
    files = [downloads(site, page)["json"] for page in pages]
    read = citation_js(files)
    for path in files:
        assert read[path] == json.loads(path.read_text(encoding="utf-8")), path


def test_classic_bibtex_prints_authors_title_journal_year_and_address(build, tmp_path):
    site, srcdir, pages = build
    bibs = {page: downloads(site, page)["bib"] for page in pages}
    printed = plain_bst(list(bibs.values()), tmp_path / "bibtex")
    assert len(printed) == len(pages)
    for page, bib in bibs.items():
        expected = page_item(page)
        key = bibtexparser_item_key(bib)
        text = printed[key]
        # plain.bst sets the title in sentence case, keeping braced capitals
        assert expected.title.casefold() in text.casefold(), (key, text)
        for name in expected.authors:
            assert name.text in text, (key, name)
        # the date as classic styles give it: the month's name and the year
        date = Date.parse(expected.date)
        month = f"{MONTHS[date.month - 1]} " if date.month else ""
        assert f"{expected.journal}, {month}{date.year}." in text, (key, text)
        assert expected.url in text, (key, text)
        if expected.version:
            assert f"Version {expected.version}." in text, (key, text)
        retracted = retraction(srcdir, expected)
        if retracted:
            assert f"{retracted}." in text, (key, text)
    # and LaTeX typesets it, the address whole
    typeset_text = typeset(tmp_path / "bibtex").replace(" ", "")
    for page in pages:
        assert page_item(page).url in typeset_text, page


def bibtexparser_item_key(bib: Path) -> str:
    (entry,) = bibtexparser_entries(bib.read_text(encoding="utf-8"))
    return entry.key


def highwire(tree, name: str) -> list[str]:
    return tree.xpath(f'//meta[@name="citation_{name}"]/@content')


def highwire_names(tags: list[str], names: tuple[Name, ...]) -> list[str]:
    """Names as Highwire tags give them, a group's with or without the comma
    that marks it as a family name alone for Zotero (peninsula.pages.head)."""
    return [t.removesuffix(",") if n.group else t for t, n in zip(tags, names, strict=False)]


def test_one_item_type_in_every_channel(build):
    """The page's Highwire tags say what its JSON-LD says, and every download
    is a journal article."""
    site, _, pages = build
    for page in pages:
        tree = lxml_html.fromstring(page.read_bytes())
        item = page_item(page)
        tags = functools.partial(highwire, tree)
        # only the current version carries Highwire tags (peninsula.pages.head)
        if tags("title"):
            assert tags("title") == [item.title]
            assert highwire_names(tags("author"), item.authors) == [n.text for n in item.authors]
            assert highwire_names(tags("editor"), item.editors) == [n.text for n in item.editors]
            assert tags("journal_title") == [item.journal]
            assert tags("publisher") == [item.publisher]
            assert tags("language") == [item.language]
            assert tags("abstract") == [item.abstract]
            assert tags("keywords") == list(item.keywords)
        found = downloads(site, page)
        assert found["bib"].read_text().startswith("@article{")
        assert found["ris"].read_text().startswith("TY  - JOUR\n")
        (csl,) = json.loads(found["json"].read_text())
        assert csl["type"] == "article-journal"


def test_names_are_compared_as_readers_get_them():
    """The comparison fails on a group split into given and family names."""
    expected = Item(
        type="x",
        title=None,
        authors=(Name("Editors of The Journal", True),),
        editors=(),
        journal=None,
        publisher=None,
        date=None,
        version=None,
        url=None,
        language=None,
        abstract=None,
        keywords=(),
    )
    with pytest.raises(AssertionError):
        same(replace(expected, authors=(Name("Editors of The Journal", False),)), expected, "x")
    same(expected, expected, "x")
