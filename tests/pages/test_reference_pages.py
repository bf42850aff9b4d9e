"""The glossary and the chronology of the real corpus, on the website and in the PDF."""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import REPO
from lxml import html as lxml_html
from peninsula.pages.chronology import load_events
from pypdf import PdfReader

ESSAYS = sorted((REPO / "articles").glob("*.md"))
#: the terms every reader of these essays needs, and which the essays must link
REQUIRED_TERMS = [
    "DMZ",
    "Demilitarized Zone",
    "NLL",
    "Northern Limit Line",
    "CVID",
    "IAEA",
    "UNSC",
    "six-party talks",
    "strategic patience",
    "maximum pressure",
]


def page(corpus_html, docname):
    return lxml_html.fromstring((corpus_html / f"{docname}.html").read_text())


def words(element) -> str:
    return " ".join(element.text_content().split())


@pytest.fixture(scope="module")
def glossary_entries(corpus_html) -> list[dict[str, str]]:
    """Each entry of the glossary as its names (a term and its abbreviation) -> anchors."""
    entries: list[dict[str, str]] = []
    glossary = page(corpus_html, "glossary").xpath('//dl[contains(@class, "glossary")]')[0]
    names: dict[str, str] = {}
    for child in glossary:
        if child.tag == "dt":
            names[words(child).rstrip("¶ ")] = child.get("id")
        elif child.tag == "dd":
            entries.append(names)
            names = {}
    return entries


@pytest.fixture(scope="module")
def essay_links(corpus_html) -> set[str]:
    """Every link target in the body of an essay."""
    return {
        href
        for essay in ESSAYS
        for href in page(corpus_html, f"articles/{essay.stem}").xpath("//article//a/@href")
    }


@pytest.mark.parametrize("term", REQUIRED_TERMS)
def test_term_is_defined_and_linked_from_an_essay(glossary_entries, essay_links, term):
    entry = next((names for names in glossary_entries if term in names), None)
    assert entry is not None, f"{term!r} is not in the glossary"
    # a term and its abbreviation share one entry: a link to either counts
    assert {f"../glossary.html#{anchor}" for anchor in entry.values()} & essay_links, term


def test_every_glossary_definition_is_cited(corpus_html):
    tree = page(corpus_html, "glossary")
    definitions = tree.xpath('//dl[contains(@class, "glossary")]/dd')
    assert len(definitions) >= 12
    entries = set(
        tree.xpath('//section[h2[@id="references"]]//p[contains(@class, "reference")]/@id')
    )
    for dd in definitions:
        links = dd.xpath('.//span[contains(@class, "citation")]//a/@href')
        assert links and {h[1:] for h in links} <= entries, words(dd)


def test_every_event_on_the_page_carries_a_citation(corpus_html):
    tree = page(corpus_html, "chronology")
    events, problems = load_events((REPO / "chronology.yaml").read_text())
    assert problems == []
    items = tree.xpath('//dl[contains(@class, "chronology")]/dt')
    assert [dt.get("id") for dt in items] == [e.label for e in events]
    entries = set(
        tree.xpath('//section[h2[@id="references"]]//p[contains(@class, "reference")]/@id')
    )
    for dt in items:
        dd = dt.getnext()
        links = dd.xpath('.//span[contains(@class, "citation")]//a/@href')
        assert links and {h[1:] for h in links} <= entries, words(dt)


@pytest.mark.parametrize("essay", ESSAYS, ids=lambda p: p.stem)
def test_essays_link_to_the_events_they_discuss(corpus_html, essay):
    labels = {e.label for e in load_events((REPO / "chronology.yaml").read_text())[0]}
    hrefs = page(corpus_html, f"articles/{essay.stem}").xpath("//article//a/@href")
    linked = {h.split("#")[1] for h in hrefs if h.startswith("../chronology.html#")}
    assert len(linked) >= 5 and linked <= labels, linked


def test_the_timeline_is_an_svg_on_the_website(corpus_html):
    images = page(corpus_html, "chronology").xpath('//figure//img[contains(@src, "timeline")]')
    # wide for screens, narrow for phones (CSS shows one), with one alt text
    assert [i.get("class") for i in images] == ["timeline-wide", "timeline-narrow"]
    assert [i.get("src") for i in images] == [
        "_images/chronology-timeline.svg",
        "_images/chronology-timeline-narrow.svg",
    ]
    for image in images:
        assert (corpus_html / image.get("src")).read_bytes().lstrip().startswith(b"<?xml")
        assert image.get("alt").startswith("Timeline from 1945 to 2022")


def test_the_timeline_is_a_pdf_in_the_printed_edition(corpus_latex):
    tex = (corpus_latex / "peninsula-papers.tex").read_text()
    assert r"\sphinxincludegraphics{{chronology-timeline}.pdf}" in tex
    assert (corpus_latex / "chronology-timeline.pdf").read_bytes().startswith(b"%PDF")
    # the figure's own text is in the chapter: each title in the figure and in the list
    # (and some also in a citation)
    pdf = corpus_latex / "peninsula-papers.pdf"
    reader = PdfReader(pdf)
    first = next(
        reader.get_destination_page_number(item) + 1
        for item in reader.outline
        if not isinstance(item, list) and item.title == "Chronology"
    )
    text = subprocess.run(
        ["pdftotext", "-f", str(first), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    text = " ".join(text.split())
    for event in load_events((REPO / "chronology.yaml").read_text())[0]:
        assert len(re.findall(re.escape(event.title), text)) >= 2, event.title
