"""The PDF edition of the real corpus (xelatex via latexmk), read back as text.

Needs TeX Live and poppler; `make test` installs them. Missing tools fail
these tests, they are never skipped.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import REPO
from corpus_files import front_matter, shown
from peninsula.records.frontmatter import Essay, Known, parse
from pypdf import PdfReader

ESSAYS = sorted((REPO / "articles").glob("*.md"))
TITLES = {p.stem: shown(front_matter(p)["title"]) for p in ESSAYS}


#: the type area of an A4 page in Sphinx's one-inch margins, in points: the
#: running head and the page number are outside it, so that a paragraph or an
#: entry broken across two pages reads as one
TYPE_AREA = ["-x", "0", "-y", "72", "-W", "596", "-H", "698"]


def text_of_pages(pdf, first: int, last: int = 0) -> str:
    """pdftotext of pages first..last (1-based; to the end by default), whitespace folded."""
    out = subprocess.run(
        ["pdftotext", "-f", str(first), *(["-l", str(last)] if last else []), *TYPE_AREA]
        + ["-layout", str(pdf), "-"],
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
def test_each_chapter_prints_its_version_under_its_byline(pdf, chapters, essay):
    """As the essay's own PDF does, and its web page once revised; the version
    is what the essay's record makes it, however many versions it has."""
    record = parse(essay.read_text(), f"articles/{essay.stem}", Known(None, None))
    assert isinstance(record, Essay), record
    first, _ = chapters[TITLES[essay.stem]]
    text = squeeze(text_of_pages(pdf, first, first))
    if record.history:
        last = record.history[-1]
        line = f"Version {1 + len(record.history)} · {last.done} {last.date.long()}"
    else:
        line = f"Version 1 · published {record.date.long()}"
    byline = squeeze(f"edited by the editors of Peninsula Papers · {record.date.long()}")
    assert -1 < text.find(byline) < text.find(squeeze(line)) < text.find("Abstract")


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
    # own chapter (the next chapter starts at the next outline entry): the
    # list its own PDF prints, between its References and its History
    alone = text_of_pages(pdf.parent / f"{essay.stem}.pdf", 1)
    listed = alone[alone.rfind("References") : alone.rfind("History")]
    assert len(listed) > 500, listed
    assert squeeze(listed) in squeeze(text[refs:])


def test_the_edition_says_what_it_holds_and_when(pdf, chapters, conf):
    """Its title page is dated by its newest essay version, not the build;
    its Subject is the collection's description, its Keywords the topics of
    its essays."""
    records = [parse(p.read_text(), f"articles/{p.stem}", Known(None, None)) for p in ESSAYS]
    newest = max(record.modified for record in records)
    first = min(start for start, _ in chapters.values())
    cover = text_of_pages(pdf, 1, first - 1)
    assert newest.long() in cover
    meta = PdfReader(pdf).metadata
    held = {topic for record in records for topic in record.topics}
    topics = [name for key, name in conf["peninsula_topics"].items() if key in held]
    assert meta.subject == conf["peninsula_feed_subtitle"]
    assert meta.get("/Keywords") == ", ".join(topics)
    assert (meta.title, meta.author) == (conf["project"], conf["peninsula_editors"])


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
