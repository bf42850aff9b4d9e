"""How to cite an essay: APA 7 text, BibTeX, RIS and CSL-JSON (peninsula.pages.cite).

What real clients read from the downloads of the real corpus is
tests/pages/test_downloads_clients.py's.
"""

from __future__ import annotations

import json
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
def test_cite_box_comes_last_with_apa_bibtex_ris_and_csl_json(app):
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
        "CSL-JSON",
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
    # a journal article of the journal, as the page's head says
    assert entry.type == "article"
    assert tree.xpath('//meta[@name="citation_journal_title"]/@content') == ["The Journal"]
    assert [str(p) for p in entry.persons["author"]] == ["Chatterji, Pronoy", "Gurudatha, Naman"]
    # one braced name: a group, not a family name "Journal" with given names
    assert [str(p) for p in entry.persons["editor"]] == ["{Editors of The Journal}"]
    url = f"{BASE}articles/newer.html"
    assert dict(entry.fields) == {
        "title": "A Newer Essay: Its subtitle",
        "journal": "The Journal",
        "date": "2023-02",
        "year": "2023",
        "month": "February",  # the bare macro feb, expanded by pybtex
        "publisher": "The Journal",
        "url": url,
        # what classic styles print of what they do not know: the address
        "note": f"\\url{{{url}}}",
        "language": "en",
        "langid": "english",
        "keywords": "Sanctions, Deterrence",
        "abstract": "The newer essay's abstract.",
        # biblatex prints the url itself, and no language code
        "execute": "\\clearfield{note}\\clearlist{language}",
    }
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
        ("TY", "JOUR"),
        ("ID", "peninsula:newer"),
        ("AU", "Chatterji, Pronoy"),
        ("AU", "Gurudatha, Naman"),
        ("A2", "Editors of The Journal"),
        ("TI", "A Newer Essay: Its subtitle"),
        ("T2", "The Journal"),
        ("JF", "The Journal"),
        ("Y1", "2023/02//"),
        ("PB", "The Journal"),
        ("UR", f"{BASE}articles/newer.html"),
        ("N2", "The newer essay's abstract."),
        ("KW", "Sanctions"),
        ("KW", "Deterrence"),
        ("ER", ""),
    ]
    assert tree.xpath('//p[contains(@class, "cite-download-ris")]//a/@href') == [
        "../cite/newer.ris"
    ]
    # the unsigned essay is credited to the editors as group author, and the year alone
    older = parse_ris((Path(app.outdir) / "cite" / "older.ris").read_text())
    assert [v for tag, v in older if tag in ("AU", "A2")] == ["Editors of The Journal"] * 2
    assert ("Y1", "2020///") in older
    older_bib = parse_string((Path(app.outdir) / "cite" / "older.bib").read_text(), "bibtex")
    (entry,) = older_bib.entries.values()
    assert [str(p) for p in entry.persons["author"]] == ["{Editors of The Journal}"]


@pytest.mark.sphinx("html", testroot="essays")
def test_csl_json_parses_and_matches_the_record(app):
    app.build()
    tree = page(app.outdir, "articles/newer")
    shown = tree.xpath('//div[contains(@class, "cite-copy")][contains(@class, "highlight-json")]')
    text = shown[0].xpath(".//pre")[0].text_content()
    download = Path(app.outdir) / "cite" / "newer.json"
    assert download.read_text() == text
    assert json.loads(text) == [
        {
            "id": "peninsula:newer",
            "type": "article-journal",
            "title": "A Newer Essay: Its subtitle",
            "container-title": "The Journal",
            "publisher": "The Journal",
            "author": [
                {"family": "Chatterji", "given": "Pronoy"},
                {"family": "Gurudatha", "given": "Naman"},
            ],
            # a group is one literal name, never split
            "editor": [{"literal": "Editors of The Journal"}],
            "issued": {"date-parts": [[2023, 2]]},
            "URL": f"{BASE}articles/newer.html",
            "language": "en",
            "abstract": "The newer essay's abstract.",
            "keyword": "Sanctions, Deterrence",
            "license": "https://creativecommons.org/licenses/by/4.0/",
        }
    ]
    (link,) = tree.xpath('//p[contains(@class, "cite-download-json")]//a')
    assert (link.get("href"), link.get("download")) == ("../cite/newer.json", "newer.json")
    (older,) = json.loads((Path(app.outdir) / "cite" / "older.json").read_text())
    assert older["author"] == older["editor"] == [{"literal": "Editors of The Journal"}]
    assert older["issued"] == {"date-parts": [[2020]]}


@pytest.mark.sphinx("html", testroot="essays")
def test_each_way_to_cite_gets_a_copy_button(app):
    app.build()
    tree = page(app.outdir, "articles/newer")
    targets = tree.xpath(
        '//div[contains(@class, "cite-copy")]//pre | //p[@class="cite-apa cite-copy"]'
    )
    assert len(targets) == 4
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
    assert "@article" not in tex and "TY  - JOUR" not in tex and "article-journal" not in tex
