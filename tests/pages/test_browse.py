"""Topic and author pages, and the links to them (peninsula.pages.browse, peninsula.records.essays)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import warnings_of
from corpus_files import ESSAYS, front_matter, shown
from lxml import html as lxml_html


def page(outdir, name: str):
    return lxml_html.fromstring((Path(outdir) / f"{name}.html").read_text())


def words(element) -> str:
    return " ".join(element.text_content().split())


def card_titles(tree) -> list[str]:
    return [words(e) for e in tree.xpath('//*[contains(@class, "essay-card-title")]')]


@pytest.mark.sphinx("html", testroot="essays")
def test_one_page_per_topic_lists_its_essays_newest_first(app):
    app.build()
    assert warnings_of(app) == []
    sanctions = page(app.outdir, "topics/sanctions")
    assert words(sanctions.xpath("//h1")[0]).strip("¶ #") == "Sanctions"
    assert card_titles(sanctions) == ["A Newer Essay", "An Older Essay"]
    assert card_titles(page(app.outdir, "topics/deterrence")) == ["A Newer Essay"]
    hub = page(app.outdir, "topics/index")
    items = hub.xpath('//ul[contains(@class, "browse-index")]/li')
    assert [words(li) for li in items] == ["Deterrence · 1 essay", "Sanctions · 2 essays"]
    links = [li.xpath(".//a")[0] for li in items]
    assert [a.get("href") for a in links] == ["deterrence.html", "sanctions.html"]


@pytest.mark.sphinx("html", testroot="essays")
def test_one_page_per_author_with_orcid(app):
    app.build()
    tree = page(app.outdir, "authors/pronoy-chatterji")
    assert words(tree.xpath("//h1")[0]).strip("¶ #") == "Pronoy Chatterji"
    assert card_titles(tree) == ["A Newer Essay"]
    (profile,) = tree.xpath('//p[contains(@class, "author-profile")]')
    assert words(profile) == "ORCID https://orcid.org/0000-0002-1825-0097 · 1 essay"
    assert profile.xpath(".//a/@href") == ["https://orcid.org/0000-0002-1825-0097"]
    hub = page(app.outdir, "authors/index")
    items = hub.xpath('//ul[contains(@class, "browse-index")]/li')
    # by family name
    assert [words(li) for li in items] == [
        "Pronoy Chatterji · 1 essay",
        "Naman Gurudatha · 1 essay",
    ]
    assert [li.xpath(".//a/@href")[0] for li in items] == [
        "pronoy-chatterji.html",
        "naman-gurudatha.html",
    ]
    # an unsigned essay has no author page
    assert sorted(p.name for p in (Path(app.srcdir) / "authors").glob("*.md")) == [
        "index.md",
        "naman-gurudatha.md",
        "pronoy-chatterji.md",
    ]


@pytest.mark.sphinx("html", testroot="essays")
def test_the_header_links_authors_and_topics(app):
    app.build()
    tree = page(app.outdir, "articles/newer")
    byline = tree.xpath('//p[contains(@class, "essay-byline")]')[0]
    assert [(words(a), a.get("href")) for a in byline.xpath(".//a")] == [
        ("Pronoy Chatterji", "../authors/pronoy-chatterji.html"),
        ("Naman Gurudatha", "../authors/naman-gurudatha.html"),
    ]
    topics = tree.xpath('//p[contains(@class, "essay-topics")]')[0]
    assert [(words(a), a.get("href")) for a in topics.xpath(".//a")] == [
        ("Sanctions", "../topics/sanctions.html"),
        ("Deterrence", "../topics/deterrence.html"),
    ]


def test_pages_follow_the_front_matter(make_app, rootdir, tmp_path):
    srcdir = tmp_path / "essays"
    shutil.copytree(rootdir / "test-essays", srcdir)
    make_app("html", srcdir=srcdir).build()
    essay = srcdir / "articles" / "newer.md"
    essay.write_text(essay.read_text().replace("Naman Gurudatha", "Jane Roe"))
    app = make_app("html", srcdir=srcdir)
    app.build()
    # (a second app in one process re-registers Sphinx's nodes, and says so)
    assert [w for w in warnings_of(app) if "is already registered" not in w] == []
    names = sorted(p.stem for p in (srcdir / "authors").glob("*.md"))
    assert names == ["index", "jane-roe", "pronoy-chatterji"]
    assert card_titles(page(app.outdir, "authors/jane-roe")) == ["A Newer Essay"]
    hub = page(app.outdir, "authors/index")
    assert [words(li) for li in hub.xpath('//ul[contains(@class, "browse-index")]/li')] == [
        "Pronoy Chatterji · 1 essay",
        "Jane Roe · 1 essay",
    ]


def test_corpus_topic_and_author_pages(corpus_html, conf):
    records = [front_matter(p) | {"slug": p.stem} for p in ESSAYS]
    for slug in conf["peninsula_topics"]:
        tree = page(corpus_html, f"topics/{slug}")
        expected = sorted(
            (r for r in records if slug in r["topics"]), key=lambda r: str(r["date"]), reverse=True
        )
        assert card_titles(tree) == [shown(r["title"]) for r in expected] or (
            not expected and tree.xpath('//p[contains(@class, "essay-list-empty")]')
        )
    for record in records:
        for author in record["authors"]:
            slug = author["name"].lower().replace(" ", "-")
            assert shown(record["title"]) in card_titles(page(corpus_html, f"authors/{slug}"))


def test_corpus_sidebar_leads_to_topics_and_authors(corpus_html):
    for name in ("index", "articles/broadened-diplomacy", "topics/sanctions"):
        tree = page(corpus_html, name)
        links = tree.xpath('//div[contains(@class, "sidebar-browse")]//a')
        hrefs = [(corpus_html / name).parent / a.get("href") for a in links]
        assert [words(a) for a in links] == ["Topics", "Authors"]
        assert [h.resolve() for h in hrefs] == [
            corpus_html / "topics" / "index.html",
            corpus_html / "authors" / "index.html",
        ]


def test_corpus_pdf_leaves_browse_pages_out(corpus_latex):
    tex = (corpus_latex / "peninsula-papers.tex").read_text()
    assert "essay-list" not in tex
    assert "\\chapter{Topics}" not in tex and "\\chapter{Authors}" not in tex


def test_an_unknown_index_is_reported(make_app, rootdir, tmp_path):
    srcdir = tmp_path / "essays"
    shutil.copytree(rootdir / "test-essays", srcdir)
    extra = srcdir / "extra.md"
    extra.write_text("---\norphan: true\n---\n# Extra\n\n```{browse-index} places\n```\n")
    app = make_app("html", srcdir=srcdir)
    app.build()
    assert warnings_of(app) == [
        f"{extra}:6: WARNING: unknown index 'places': write 'topics' or 'authors' [browse.index]"
    ]
