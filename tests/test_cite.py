"""How to cite an essay: APA 7 text, BibTeX and RIS (peninsula.cite)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import warnings_of
from lxml import html as lxml_html
from pybtex.database import parse_string

BASE = "https://journal.example.org/"
# an edition: the original's authors, then its editors, one group, after the title (APA 7, 10.2)
NEWER_APA = (
    "Chatterji, P., & Gurudatha, N. (2023, February). A newer essay: Its subtitle "
    f"(Editors of The Journal, Ed.). The Journal. {BASE}articles/newer.html"
)
# an unsigned original: the editors are its group author, named once (APA 7, 9.11)
OLDER_APA = (
    f"Editors of The Journal. (2020). An older essay. The Journal. {BASE}articles/older.html"
)


def page(outdir, name: str):
    return lxml_html.fromstring((Path(outdir) / f"{name}.html").read_text())


def words(element) -> str:
    return " ".join(element.text_content().split())


def parse_ris(text: str) -> list[tuple[str, str]]:
    """RIS as its lines of ``TAG  - value``; any other line is an error."""
    pairs = []
    for line in text.splitlines():
        tag, sep, value = line[:2], line[2:6], line[6:]
        assert sep == "  - " and tag.isalnum() and tag.isupper(), line
        pairs.append((tag, value))
    return pairs


@pytest.mark.sphinx("html", testroot="essays")
def test_cite_box_comes_last_with_apa_bibtex_and_ris(app):
    app.build()
    assert warnings_of(app) == []
    tree = page(app.outdir, "articles/newer")
    sections = tree.xpath("//article//section/section")
    assert [s.get("id") for s in sections[-2:]] == ["references", "cite-this-essay"]
    box = sections[-1]
    assert words(box.xpath("./h2")[0]).strip("¶ #") == "How to cite this essay"
    assert [words(r) for r in box.xpath('.//p[contains(@class, "rubric")]')] == [
        "APA 7",
        "BibTeX",
        "RIS",
    ]
    (apa,) = box.xpath('.//p[contains(@class, "cite-apa")]')
    assert words(apa) == NEWER_APA
    # APA 7: the title of a stand-alone web page is in italics
    assert words(apa.xpath(".//em")[0]) == "A newer essay: Its subtitle"
    assert apa.xpath(".//a/@href") == [f"{BASE}articles/newer.html"]
    older = page(app.outdir, "articles/older").xpath('//p[contains(@class, "cite-apa")]')
    assert words(older[0]) == OLDER_APA


@pytest.mark.sphinx("html", testroot="essays")
def test_bibtex_parses_and_matches_the_record(app):
    app.build()
    tree = page(app.outdir, "articles/newer")
    shown = tree.xpath('//div[contains(@class, "cite-copy")][contains(@class, "highlight-bibtex")]')
    text = shown[0].xpath(".//pre")[0].text_content()
    download = Path(app.outdir) / "cite" / "newer.bib"
    assert download.read_text() == text
    bib = parse_string(text, "bibtex")
    (key,) = bib.entries
    assert key == "peninsula:newer"
    entry = bib.entries[key]
    assert entry.type == "online"
    assert [str(p) for p in entry.persons["author"]] == ["Chatterji, Pronoy", "Gurudatha, Naman"]
    # one braced name: a group, not a family name "Journal" with given names
    assert [str(p) for p in entry.persons["editor"]] == ["{Editors of The Journal}"]
    assert entry.fields["title"] == "A Newer Essay: Its subtitle"
    assert entry.fields["date"] == "2023-02"
    assert entry.fields["year"] == "2023"
    assert entry.fields["month"] == "February"  # the bare macro feb, expanded by pybtex
    assert entry.fields["url"] == f"{BASE}articles/newer.html"
    assert entry.fields["organization"] == "The Journal"
    assert entry.fields["keywords"] == "Sanctions, Deterrence"
    (link,) = tree.xpath('//p[contains(@class, "cite-download-bib")]//a')
    assert (link.get("href"), link.get("download")) == ("../cite/newer.bib", "newer.bib")


@pytest.mark.sphinx("html", testroot="essays")
def test_ris_parses_and_matches_the_record(app):
    app.build()
    tree = page(app.outdir, "articles/newer")
    shown = tree.xpath('//div[contains(@class, "cite-copy")][contains(@class, "highlight-text")]')
    text = shown[0].xpath(".//pre")[0].text_content()
    download = Path(app.outdir) / "cite" / "newer.ris"
    assert download.read_text() == text
    assert parse_ris(text) == [
        ("TY", "ELEC"),
        ("AU", "Chatterji, Pronoy"),
        ("AU", "Gurudatha, Naman"),
        ("ED", "Editors of The Journal"),
        ("TI", "A Newer Essay: Its subtitle"),
        ("PY", "2023"),
        ("DA", "2023/02//"),
        ("T2", "The Journal"),
        ("PB", "The Journal"),
        ("UR", f"{BASE}articles/newer.html"),
        ("AB", "The newer essay's abstract."),
        ("LA", "en"),
        ("KW", "Sanctions"),
        ("KW", "Deterrence"),
        ("ER", ""),
    ]
    assert tree.xpath('//p[contains(@class, "cite-download-ris")]//a/@href') == [
        "../cite/newer.ris"
    ]
    # the unsigned essay is credited to the editors as group author, and the year alone
    older = parse_ris((Path(app.outdir) / "cite" / "older.ris").read_text())
    assert [v for tag, v in older if tag in ("AU", "ED")] == ["Editors of The Journal"] * 2
    assert ("DA", "2020///") in older
    older_bib = parse_string((Path(app.outdir) / "cite" / "older.bib").read_text(), "bibtex")
    (entry,) = older_bib.entries.values()
    assert [str(p) for p in entry.persons["author"]] == ["{Editors of The Journal}"]


@pytest.mark.sphinx("html", testroot="essays")
def test_each_way_to_cite_gets_a_copy_button(app):
    app.build()
    tree = page(app.outdir, "articles/newer")
    targets = tree.xpath(
        '//div[contains(@class, "cite-copy")]//pre | //p[@class="cite-apa cite-copy"]'
    )
    assert len(targets) == 3
    script = (Path(app.outdir) / "_static" / "copybutton.js").read_text()
    assert "const COPYBUTTON_SELECTOR = 'div.cite-copy pre, p.cite-copy';" in script
    assert tree.xpath('//script[contains(@src, "copybutton.js")]')


def test_braces_keep_capitals_in_citations_and_are_not_shown(make_app, rootdir, tmp_path):
    srcdir = tmp_path / "essays"
    shutil.copytree(rootdir / "test-essays", srcdir)
    essay = srcdir / "articles" / "newer.md"
    essay.write_text(essay.read_text().replace("A Newer Essay", "Talks with {North Korea}"))
    app = make_app("html", srcdir=srcdir)
    app.build()
    assert warnings_of(app) == []
    tree = page(app.outdir, "articles/newer")
    assert words(tree.xpath("//h1")[0]).strip("¶ #") == "Talks with North Korea"
    apa = words(tree.xpath('//p[contains(@class, "cite-apa")]')[0])
    assert "Talks with North Korea: Its subtitle (Editors" in apa
    bib = (Path(app.outdir) / "cite" / "newer.bib").read_text()
    assert "{Talks with {North Korea}: Its subtitle}" in bib
    assert ("TI", "Talks with North Korea: Its subtitle") in parse_ris(
        (Path(app.outdir) / "cite" / "newer.ris").read_text()
    )


@pytest.mark.sphinx("latex", testroot="essays")
def test_the_pdf_cites_in_apa_only(app):
    app.build()
    assert warnings_of(app) == []
    tex = next(Path(app.outdir).glob("*.tex")).read_text()
    start = tex.index("How to cite this essay")
    block = tex[start : start + 2000]
    assert "Chatterji, P., \\& Gurudatha, N. (2023, February)." in block
    assert "@online" not in tex and "TY  - ELEC" not in tex
