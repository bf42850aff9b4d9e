"""Metadata in the <head> of essay pages: Highwire, JSON-LD, OpenGraph (peninsula.pages.head).

What Zotero makes of the Highwire names is checked with the rule of its
Embedded Metadata translator (:func:`zotero_creator`); the real translation
server's output for the corpus, before and after these forms, is in the
README's account of the head tags.
"""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path

import pytest
from conftest import warnings_of
from corpus_files import ESSAYS, front_matter, shown
from lxml import html as lxml_html

BASE = "https://journal.example.org/"
#: the extensions of tests/roots/test-essays
ESSAY_EXTENSIONS = runpy.run_path(str(Path(__file__).parent.parent / "roots/test-essays/conf.py"))[
    "extensions"
]


def head_of(path: Path):
    return lxml_html.fromstring(path.read_text()).xpath("//head")[0]


def metas(head, name: str) -> list[str]:
    return head.xpath(f'./meta[@name="{name}"]/@content')


def properties(head, name: str) -> list[str]:
    return head.xpath(f'./meta[@property="{name}"]/@content')


def json_ld(head) -> dict:
    (script,) = head.xpath('./script[@type="application/ld+json"]')
    return json.loads(script.text)


def zotero_creator(value: str) -> dict[str, str]:
    """The creator Zotero's Embedded Metadata translator makes of one
    ``citation_author`` or ``citation_editor`` (zotero/translators,
    ``processHighwireCreators``, which calls zotero/utilities'
    ``ZU.cleanAuthor(name, type, name.includes(","))``): leading and trailing
    punctuation trimmed; a name with a comma split as "family, given", one
    without at its last space. A creator with no given name is one name
    (``{"name": ...}`` in Zotero's API)."""
    comma = "," in value
    name = re.sub(r"^[\s.,/\[\]:]+|[\s.,/\[\]:]+$", "", value)
    name = re.sub(r"\s+", " ", name, count=1)
    if comma:
        parts = re.split("[,\u060c] ?", name)
        return {"name": name} if len(parts) == 1 else {"lastName": parts[0], "firstName": parts[1]}
    given, _, family = name.rpartition(" ")
    return {"firstName": given, "lastName": family} if given else {"name": name}


@pytest.mark.sphinx("html", testroot="essays")
def test_highwire_tags(app):
    app.build()
    assert warnings_of(app) == []
    head = head_of(Path(app.outdir) / "articles" / "newer.html")
    assert metas(head, "citation_title") == ["A Newer Essay: Its subtitle"]
    assert metas(head, "citation_author") == ["Pronoy Chatterji", "Naman Gurudatha"]
    assert metas(head, "citation_author_orcid") == ["https://orcid.org/0000-0002-1825-0097"]
    # the editors are a group: one name, "family, given" with no given name
    assert metas(head, "citation_editor") == ["Editors of The Journal,"]
    assert [zotero_creator(v) for v in metas(head, "citation_author")] == [
        {"firstName": "Pronoy", "lastName": "Chatterji"},
        {"firstName": "Naman", "lastName": "Gurudatha"},
    ]
    assert [zotero_creator(v) for v in metas(head, "citation_editor")] == [
        {"name": "Editors of The Journal"}
    ]
    # dated to the month: Scholar takes a full date or the year alone
    assert metas(head, "citation_publication_date") == ["2023"]
    assert metas(head, "citation_journal_title") == ["The Journal"]
    # no PDF is built beside this build: none is linked
    assert metas(head, "citation_pdf_url") == []
    assert metas(head, "citation_abstract") == ["The newer essay's abstract."]
    assert metas(head, "citation_keywords") == ["Sanctions", "Deterrence"]
    # the essay cites one work, the one it is an edition of
    assert metas(head, "citation_reference") == [
        "citation_title=Broadened Diplomacy in US and North Korea Relations; "
        "citation_author=Pronoy Chatterji; citation_author=Naman Gurudatha; "
        "citation_publication_date=2023"
    ]
    older = head_of(Path(app.outdir) / "articles" / "older.html")
    # an unsigned original is credited to the editors as a group, one name
    assert metas(older, "citation_author") == ["Editors of The Journal,"]
    assert metas(older, "citation_editor") == ["Editors of The Journal,"]
    assert [zotero_creator(v) for v in metas(older, "citation_author")] == [
        {"name": "Editors of The Journal"}
    ]
    assert metas(older, "citation_publication_date") == ["2020"]
    assert metas(older, "citation_reference") == []
    # pages that are not essays carry none of it
    index = head_of(Path(app.outdir) / "index.html")
    assert metas(index, "citation_title") == []
    assert index.xpath('./script[@type="application/ld+json"]') == []


@pytest.mark.sphinx("html", testroot="essays")
def test_json_ld_scholarly_article(app):
    app.build()
    data = json_ld(head_of(Path(app.outdir) / "articles" / "newer.html"))
    url = f"{BASE}articles/newer.html"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ScholarlyArticle"
    assert data["url"] == data["@id"] == url
    assert data["headline"] == "A Newer Essay"
    assert data["alternativeHeadline"] == "Its subtitle"
    # each author with their page on the site, and their ORCID iD when given
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Pronoy Chatterji",
            "url": f"{BASE}authors/pronoy-chatterji.html",
            "sameAs": "https://orcid.org/0000-0002-1825-0097",
        },
        {
            "@type": "Person",
            "name": "Naman Gurudatha",
            "url": f"{BASE}authors/naman-gurudatha.html",
        },
    ]
    for author in data["author"]:
        assert (Path(app.outdir) / author["url"].removeprefix(BASE)).is_file()
    editors = {"@type": "Organization", "name": "Editors of The Journal", "url": BASE}
    assert data["contributor"] == [{"@type": "Role", "roleName": "editor", "contributor": editors}]
    assert data["datePublished"] == "2023-02"
    assert data["abstract"] == "The newer essay's abstract."
    assert data["isPartOf"] == {"@type": "Periodical", "name": "The Journal", "url": BASE}
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["keywords"] == ["Sanctions", "Deterrence"]
    work = {
        "@type": "CreativeWork",
        "name": "Broadened Diplomacy in US and North Korea Relations",
        "author": [
            {"@type": "Person", "name": "Pronoy Chatterji"},
            {"@type": "Person", "name": "Naman Gurudatha"},
        ],
        "datePublished": "2023",
    }
    assert data["citation"] == [work]
    assert data["isBasedOn"] == work
    assert "encoding" not in data  # no PDF built: none is named
    # its picture is its title card, a file of the build
    assert data["image"] == {
        "@type": "ImageObject",
        "contentUrl": f"{BASE}cards/newer.svg",
        "encodingFormat": "image/svg+xml",
        "width": 1200,
        "height": 675,
    }
    assert (Path(app.outdir) / "cards" / "newer.svg").is_file()
    # the same object is a file, for machines that read metadata alone
    jsonld = Path(app.outdir) / "cite" / "newer.jsonld"
    assert json.loads(jsonld.read_text(encoding="utf-8")) == data
    older = json_ld(head_of(Path(app.outdir) / "articles" / "older.html"))
    assert older["author"] == [editors] and older["contributor"] == data["contributor"]
    assert older["citation"] == []


@pytest.mark.sphinx(
    "html",
    testroot="essays",
    srcdir="essays-pdfs",
    confoverrides={"extensions": [*ESSAY_EXTENSIONS, "peninsula.pages.pdfs"]},
)
def test_a_published_pdf_is_named_and_a_missing_one_is_not(app):
    """The newer essay's PDF is built beside the site, the older's is not."""
    latex = Path(app.outdir).parent / "latex"
    latex.mkdir(parents=True, exist_ok=True)
    (latex / "newer.pdf").write_bytes(b"%PDF-1.5 newer")
    app.build()
    assert warnings_of(app) == []
    newer = head_of(Path(app.outdir) / "articles" / "newer.html")
    assert metas(newer, "citation_pdf_url") == [f"{BASE}pdf/newer.pdf"]
    assert json_ld(newer)["encoding"] == {
        "@type": "MediaObject",
        "encodingFormat": "application/pdf",
        "contentUrl": f"{BASE}pdf/newer.pdf",
    }
    assert newer.xpath('./link[@rel="item"]/@href') == [f"{BASE}pdf/newer.pdf"]
    assert (Path(app.outdir) / "pdf" / "newer.pdf").read_bytes() == b"%PDF-1.5 newer"
    older = head_of(Path(app.outdir) / "articles" / "older.html")
    assert metas(older, "citation_pdf_url") == []
    assert "encoding" not in json_ld(older)
    assert older.xpath('./link[@rel="item"]') == []


@pytest.mark.sphinx("html", testroot="essays")
def test_opengraph_and_twitter_tags(app):
    app.build()
    head = head_of(Path(app.outdir) / "articles" / "newer.html")
    assert properties(head, "og:type") == ["article"]
    assert properties(head, "og:title") == ["A Newer Essay"]
    assert properties(head, "og:url") == [f"{BASE}articles/newer.html"]
    assert properties(head, "og:description") == ["The newer essay's abstract."]
    assert metas(head, "description") == ["The newer essay's abstract."]
    assert properties(head, "article:published_time") == ["2023-02"]
    assert properties(head, "article:author") == ["Pronoy Chatterji", "Naman Gurudatha"]
    assert properties(head, "article:tag") == ["Sanctions", "Deterrence"]
    index = head_of(Path(app.outdir) / "index.html")
    assert properties(index, "og:type") == ["website"]


@pytest.mark.parametrize("essay", ESSAYS, ids=lambda p: p.stem)
def test_corpus_head_tags_match_front_matter_and_references(corpus_html, essay):
    tree = lxml_html.fromstring((corpus_html / "articles" / f"{essay.stem}.html").read_text())
    head = tree.xpath("//head")[0]
    meta = front_matter(essay)
    assert metas(head, "citation_title")[0].startswith(shown(meta["title"]))
    credited = [a["name"] for a in meta["authors"]] or ["Editors of Peninsula Papers,"]
    assert metas(head, "citation_author") == credited
    assert metas(head, "citation_editor") == ["Editors of Peninsula Papers,"]
    creators = [zotero_creator(v) for v in metas(head, "citation_editor")]
    if not meta["authors"]:
        creators += [zotero_creator(v) for v in metas(head, "citation_author")]
    assert all(c == {"name": "Editors of Peninsula Papers"} for c in creators)
    # the version's date, as the cite box gives it, in a form Scholar takes
    date = str((meta.get("history") or [meta])[-1]["date"])
    expected = date.replace("-", "/") if len(date) == 10 else date[:4]
    assert metas(head, "citation_publication_date") == [expected]
    # this build has no PDFs beside it (tests/pages/test_pdf_links.py builds them)
    assert metas(head, "citation_pdf_url") == []
    # one citation_reference per entry of the page's References, same order
    entries = tree.xpath('//section[h2[@id="references"]]//p[contains(@class, "reference")]')
    references = metas(head, "citation_reference")
    assert len(references) == len(entries) > 0
    data = json_ld(head)
    (canonical,) = head.xpath('./link[@rel="canonical"]/@href')
    base = canonical.rsplit("articles/", 1)[0]
    assert (corpus_html / data["image"]["contentUrl"].removeprefix(base)).is_file()
    assert len(data["citation"]) == len(entries)
    assert data["headline"] == shown(meta["title"])
    assert data["isPartOf"]["name"] == "Peninsula Papers"
    for reference, work in zip(references, data["citation"], strict=True):
        assert reference.startswith(f"citation_title={work['name'].replace(';', ',')}")
