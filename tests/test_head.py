"""Metadata in the <head> of essay pages: Highwire, JSON-LD, OpenGraph (peninsula.head)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import warnings_of
from lxml import html as lxml_html
from test_corpus import ESSAYS, front_matter, shown

BASE = "https://journal.example.org/"


def head_of(path: Path):
    return lxml_html.fromstring(path.read_text()).xpath("//head")[0]


def metas(head, name: str) -> list[str]:
    return head.xpath(f'./meta[@name="{name}"]/@content')


def properties(head, name: str) -> list[str]:
    return head.xpath(f'./meta[@property="{name}"]/@content')


def json_ld(head) -> dict:
    (script,) = head.xpath('./script[@type="application/ld+json"]')
    return json.loads(script.text)


@pytest.mark.sphinx("html", testroot="essays")
def test_highwire_tags(app):
    app.build()
    assert warnings_of(app) == []
    head = head_of(Path(app.outdir) / "articles" / "newer.html")
    assert metas(head, "citation_title") == ["A Newer Essay: Its subtitle"]
    assert metas(head, "citation_author") == ["Pronoy Chatterji", "Naman Gurudatha"]
    assert metas(head, "citation_author_orcid") == ["https://orcid.org/0000-0002-1825-0097"]
    assert metas(head, "citation_editor") == ["Editors of The Journal"]
    assert metas(head, "citation_publication_date") == ["2023/02"]
    assert metas(head, "citation_journal_title") == ["The Journal"]
    assert metas(head, "citation_pdf_url") == [f"{BASE}pdf/newer.pdf"]
    assert metas(head, "citation_abstract") == ["The newer essay's abstract."]
    assert metas(head, "citation_keywords") == ["Sanctions", "Deterrence"]
    # the essay cites one work, the one it is an edition of
    assert metas(head, "citation_reference") == [
        "citation_title=Broadened Diplomacy in US and North Korea Relations; "
        "citation_author=Pronoy Chatterji; citation_author=Naman Gurudatha; "
        "citation_publication_date=2023"
    ]
    older = head_of(Path(app.outdir) / "articles" / "older.html")
    # an unsigned original is credited to the editors as a group
    assert metas(older, "citation_author") == ["Editors of The Journal"]
    assert metas(older, "citation_editor") == ["Editors of The Journal"]
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
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Pronoy Chatterji",
            "sameAs": "https://orcid.org/0000-0002-1825-0097",
        },
        {"@type": "Person", "name": "Naman Gurudatha"},
    ]
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
    assert data["encoding"]["contentUrl"] == f"{BASE}pdf/newer.pdf"
    older = json_ld(head_of(Path(app.outdir) / "articles" / "older.html"))
    assert older["author"] == [editors] and older["contributor"] == data["contributor"]
    assert older["citation"] == []


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
    credited = [a["name"] for a in meta["authors"]] or ["Editors of Peninsula Papers"]
    assert metas(head, "citation_author") == credited
    assert metas(head, "citation_editor") == ["Editors of Peninsula Papers"]
    assert metas(head, "citation_publication_date") == [str(meta["date"]).replace("-", "/")]
    (canonical,) = head.xpath('./link[@rel="canonical"]/@href')
    pdf = canonical.rsplit("/articles/", 1)[0] + f"/pdf/{essay.stem}.pdf"
    assert metas(head, "citation_pdf_url") == [pdf]
    # one citation_reference per entry of the page's References, same order
    entries = tree.xpath('//section[h2[@id="references"]]//p[contains(@class, "reference")]')
    references = metas(head, "citation_reference")
    assert len(references) == len(entries) > 0
    data = json_ld(head)
    assert len(data["citation"]) == len(entries)
    assert data["headline"] == shown(meta["title"])
    assert data["isPartOf"]["name"] == "Peninsula Papers"
    for reference, work in zip(references, data["citation"], strict=True):
        assert reference.startswith(f"citation_title={work['name'].replace(';', ',')}")
