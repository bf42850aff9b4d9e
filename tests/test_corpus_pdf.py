"""The PDF edition of the real corpus (xelatex via latexmk), read back as text.

Needs TeX Live and poppler; `make test` installs them. Missing tools fail
these tests, they are never skipped.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import REPO
from pypdf import PdfReader
from test_corpus import front_matter, shown

ESSAYS = sorted((REPO / "articles").glob("*.md"))
TITLES = {p.stem: shown(front_matter(p)["title"]) for p in ESSAYS}


def text_of_pages(pdf, first: int, last: int) -> str:
    """pdftotext of pages first..last (1-based), whitespace folded."""
    out = subprocess.run(
        ["pdftotext", "-f", str(first), "-l", str(last), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(out.split())


def squeeze(text: str) -> str:
    """Letters and digits only: line breaks and hyphenation cannot split a match."""
    return re.sub(r"[\W_]+", "", text)


@pytest.fixture(scope="module")
def pdf(corpus_latex):
    return corpus_latex / "peninsula-papers.pdf"


@pytest.fixture(scope="module")
def chapters(pdf) -> dict[str, tuple[int, int]]:
    """Chapter title -> (first page, last page), from the PDF's outline."""
    reader = PdfReader(pdf)
    starts = [
        (item.title, reader.get_destination_page_number(item) + 1)
        for item in reader.outline
        if not isinstance(item, list)
    ]
    ranges = {}
    for (title, start), nxt in zip(starts, starts[1:] + [("", len(reader.pages) + 1)], strict=True):
        ranges[title] = (start, nxt[1] - 1)
    return ranges


def test_every_glyph_has_a_font(corpus_latex):
    log = (corpus_latex / "peninsula-papers.log").read_text(errors="replace")
    assert "Missing character" not in log


def test_one_chapter_per_essay_then_the_reference_pages(chapters):
    assert list(chapters) == [
        *TITLES.values(),
        "Bibliography",
        "Glossary",
        "Chronology",
        "Corrections",
    ]


@pytest.mark.parametrize("essay", ESSAYS, ids=lambda p: p.stem)
def test_references_close_their_own_chapter(pdf, chapters, essay):
    first, last = chapters[TITLES[essay.stem]]
    text = text_of_pages(pdf, first, last)
    title = " ".join(TITLES[essay.stem].split())
    assert text.find(title) != -1
    note = text.find("Editor’s note", text.find(title) + len(title))
    refs = text.find("References", note)
    assert text.find(title) < note < refs
    # the works this essay cites are listed after its References heading, in its
    # own chapter (the next chapter starts at the next outline entry)
    listed = squeeze(text[refs:])
    own = (
        "Chatterji, P., & Gurudatha, N. (2023). Broadened diplomacy in US and North Korea "
        "relations."
        if "broadened" in essay.stem
        else "The future of diplomacy with North Korea. (2020). World News."
    )
    for entry in (
        own,
        "Ahlander, J., & O'Connor, P. (2019, October 5). North Korea breaks off "
        "nuclear talks with US. Reuters.",
    ):
        assert squeeze(entry) in listed


def test_hangul_is_printed(pdf, chapters):
    first, last = chapters[TITLES["broadened-diplomacy"]]
    text = text_of_pages(pdf, first, last)
    assert "김정은" in text and "윤석열" in text and "울릉도" in text


def test_bibliography_chapter_is_not_empty(pdf, chapters):
    first, last = chapters["Bibliography"]
    text = squeeze(text_of_pages(pdf, first, last))
    for start in (
        "Ahlander, J., & O'Connor, P. (2019, October 5).",
        "Chang, Y. S. (2015).",
        "USIP China-North Korea Senior Study Group. (2019).",
        "The White House. (2018, June 12).",
    ):
        assert squeeze(start) in text
