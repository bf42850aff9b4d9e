"""FAIR Signposting (peninsula.pages.signposting) as a client reads it, and the head's
other forms with hostile text.

The `signposting` package from PyPI reads the links the way a harvester does,
from the site served on 127.0.0.1: the HTML ``<link>`` elements of a page
(``find_signposting_html``), its link set (``find_signposting_linkset``) and
the ``Link`` header that hosts reading ``_headers`` send
(``find_signposting_http``, from a server that applies the file's rules as
Netlify and Cloudflare Pages do: every rule whose path matches, ``/*`` for
all). The project is the gates project (tests/roots/test-gates) with a PDF of
its essay published and an unsigned essay whose PDF is not built; the
versioned corpus gives the earlier versions.

Then the same project with hostile front matter and a hostile name for the
editors: every head form (Highwire, Dublin Core, JSON-LD in the page and as a
file, OpenGraph, the link set, ``_headers``, the title card) reads back as
written, and each title card's lines fit it, measured in Chromium.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import html5lib
import pytest
from browser import HostedHandler, serve
from harness import copy_project, messages, staged_build
from signposting import find_signposting_html, find_signposting_http, find_signposting_linkset

ORCID = "https://orcid.org/0000-0002-1825-0097"
SCHOLARLY_ARTICLE = "https://schema.org/ScholarlyArticle"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
LINKSET = "application/linkset+json"
#: each metadata file beside an essay, with its media type
METADATA = {
    "bib": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
    "json": "application/vnd.citationstyles.csl+json",
    "jsonld": "application/ld+json",
}

UNSIGNED = """---
title: An Unsigned Note
authors: []
date: 2023-02-14
abstract: An unsigned note on the line at sea.
topics: [northern-limit-line]
license: CC-BY-4.0
---

(unsigned-sea)=
## The sea

The line runs between the islands {cite:p}`chang2015revisiting`.
"""


def canonical(path: Path) -> str:
    return (
        html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)
        .find(".//link[@rel='canonical']")
        .get("href")
    )


def base_of(site: Path) -> str:
    return canonical(site / "index.html").rsplit("index.html", 1)[0]


# -- A server that sends the headers _headers gives ----------------------------------------


def header_rules(site: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """The rules of ``_headers``: each path with its headers, in order. Every
    line is a path or an indented ``Name: value``."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for line in (site / "_headers").read_text(encoding="utf-8").splitlines():
        if line.startswith("  "):
            name, value = line.strip().split(": ", 1)
            assert re.fullmatch(r"[A-Za-z-]+", name), line
            rules[-1][1].append((name, value))
        else:
            assert line.startswith("/"), line
            rules.append((line, []))
    return rules


def headers_handler(prefix: str, rules: list[tuple[str, list[tuple[str, str]]]]) -> type:
    """The site served under *prefix*, each response with the headers of every
    rule whose path matches the request (``/*`` matches every path)."""

    class Handler(HostedHandler):
        def send_head(self):
            self.requested = urlsplit(self.path).path
            return super().send_head()

        def end_headers(self) -> None:
            for path, headers in rules:
                if path == "/*" or path == getattr(self, "requested", None):
                    for name, value in headers:
                        self.send_header(name, value)
            super().end_headers()

    Handler.prefix = prefix
    return Handler


# -- The project -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gates_site(published_root, tmp_path_factory) -> Path:
    """The gates project with its essay's PDF published, and an unsigned essay
    whose PDF is not built, published as `make html` does."""
    srcdir = copy_project(published_root, tmp_path_factory.mktemp("signposting") / "project")
    (srcdir / "articles" / "unsigned.md").write_text(UNSIGNED, encoding="utf-8")
    latex = srcdir / "_build" / "latex"
    latex.mkdir()
    (latex / "the-line.pdf").write_bytes(b"%PDF-1.5 the line")
    result = staged_build(srcdir)
    assert result.returncode == 0 and messages(result, srcdir) == [], result.stderr
    return srcdir / "_build" / "html"


@pytest.fixture(scope="module")
def served(gates_site):
    """(the site's address here, its published address): the links name the
    published one, which :func:`here` maps to this server."""
    base = base_of(gates_site)
    prefix = urlsplit(base).path
    with serve(gates_site, headers_handler(prefix, header_rules(gates_site))) as address:
        yield address + prefix, base


def here(served: tuple[str, str], url: str) -> str:
    address, base = served
    assert url.startswith(base), url
    return address + url[len(base) :]


def triples(signposting) -> set[tuple[str | None, str, str, str | None]]:
    """Each signpost as (its origin, relation, target, media type)."""
    return {
        (
            str(s.context) if s.context else None,
            s.rel.value if hasattr(s.rel, "value") else str(s.rel),
            str(s.target),
            str(s.type) if s.type else None,
        )
        for s in signposting.signposts
    }


def expected_links(base: str, stem: str, page: str, pdf: bool, orcid: bool) -> set:
    """The links of an essay's page, as (relation, target, media type)."""
    links = {
        ("cite-as", base + page, None),
        ("type", SCHOLARLY_ARTICLE, None),
        ("license", LICENSE, None),
        ("linkset", f"{base}cite/{stem}.linkset.json", LINKSET),
    }
    links |= {("describedby", f"{base}cite/{stem}.{s}", t) for s, t in METADATA.items()}
    if pdf:
        links.add(("item", f"{base}pdf/{stem}.pdf", "application/pdf"))
    if orcid:
        links.add(("author", ORCID, None))
    return links


@pytest.mark.parametrize(
    ("stem", "pdf", "orcid"), [("the-line", True, True), ("unsigned", False, False)]
)
def test_the_package_finds_each_essays_links_in_its_head(served, gates_site, stem, pdf, orcid):
    _, base = served
    page = f"articles/{stem}.html"
    found = find_signposting_html(here(served, base + page))
    assert str(found.citeAs.target) == base + page
    assert {(rel, target, kind) for _, rel, target, kind in triples(found)} == expected_links(
        base, stem, page, pdf, orcid
    )
    # every target on the site is a file of the site
    for _, _, target, _ in triples(found):
        if target.startswith(base):
            assert (gates_site / target[len(base) :]).is_file(), target


def test_the_link_header_says_what_the_head_says(served):
    _, base = served
    for stem in ("the-line", "unsigned"):
        url = here(served, f"{base}articles/{stem}.html")
        from_header = {t[1:] for t in triples(find_signposting_http(url))}
        assert from_header == {t[1:] for t in triples(find_signposting_html(url))}


def test_the_link_set_holds_the_page_links_and_those_back_to_it(served):
    _, base = served
    page = f"{base}articles/the-line.html"
    linkset = f"{base}cite/the-line.linkset.json"
    found = triples(find_signposting_linkset(here(served, linkset)))
    own = expected_links(base, "the-line", "articles/the-line.html", pdf=True, orcid=True)
    back = {(f"{base}cite/the-line.{s}", "describes", page, "text/html") for s in METADATA}
    back.add((f"{base}pdf/the-line.pdf", "collection", page, "text/html"))
    own.remove(("linkset", linkset, LINKSET))
    assert found == {(page, *link) for link in own} | back


def test_pages_that_are_not_essays_have_no_signposts(served):
    _, base = served
    for page in ("index.html", "authors/ada-keeper.html", "topics/northern-limit-line.html"):
        assert len(find_signposting_html(here(served, base + page), warn_empty=False)) == 0


def test_an_earlier_version_cites_its_own_address(versioned_html):
    base = base_of(versioned_html)
    versions = sorted(versioned_html.glob("articles/*/v*.html"))
    assert versions
    with serve(versioned_html) as address:
        for path in versions:
            page = path.relative_to(versioned_html).as_posix()
            found = find_signposting_html(f"{address}/{page}")
            stem = page.removeprefix("articles/").removesuffix(".html").replace("/", "-")
            # the address its cite box cites, though its canonical link is the current page's
            assert str(found.citeAs.target) == base + page != canonical(path)
            assert {t[1:] for t in triples(found)} == expected_links(
                base, stem, page, pdf=False, orcid=False
            )


# -- Hostile text in every form of the head ------------------------------------------------------

TITLE = 'A "Quoted" Line &amp; & {Pyongyang} \' 90% $5'
SUBTITLE = "</script><!--<script> </title> & <b>"
SHOWN = TITLE.replace("{", "").replace("}", "")
LONG = (
    "The Longest Possible Title of an Essay About the Northern Limit Line, Which Runs "
    "Between the Islands and the Mainland, and Every Naval Battle Fought Over It Since "
    "Nineteen Ninety-Nine, Told Once Again in Full for Readers Who Missed It"
)
NAME = 'Jane "Q" <Roe> & O\'Brien'
EDITORS = 'Editors of "Q" <b>&amp; & O\'Brien </script>'


def yaml_text(text: str) -> str:
    return json.dumps(text)


@pytest.fixture(scope="module")
def hostile(published_root, tmp_path_factory) -> Path:
    """The gates project with a hostile title and author, an unsigned essay
    with a title too long for its card, and editors with a hostile name."""
    srcdir = copy_project(published_root, tmp_path_factory.mktemp("hostile-head") / "project")
    conf = srcdir / "conf.py"
    conf.write_text(conf.read_text() + f"\npeninsula_editors = {EDITORS!r}\n")
    essay = srcdir / "articles" / "the-line.md"
    text = essay.read_text(encoding="utf-8")
    text = text.replace(
        "title: The Line at Sea",
        f"title: {yaml_text(TITLE)}\nsubtitle: {yaml_text(SUBTITLE)}",
    )
    text = text.replace("  - name: Ada Keeper", f"  - name: {yaml_text(NAME)}")
    essay.write_text(text, encoding="utf-8")
    unsigned = UNSIGNED.replace("title: An Unsigned Note", f"title: {yaml_text(LONG)}")
    (srcdir / "articles" / "unsigned.md").write_text(unsigned, encoding="utf-8")
    result = staged_build(srcdir)
    assert result.returncode == 0 and messages(result, srcdir) == [], result.stderr
    return srcdir / "_build" / "html"


def head(path: Path):
    """The page's head as a browser parses it."""
    return html5lib.parse(path.read_bytes(), treebuilder="lxml", namespaceHTMLElements=False).find(
        "head"
    )


def contents(root, attribute: str, name: str) -> list[str]:
    return root.xpath(f'./meta[@{attribute}="{name}"]/@content')


def test_every_head_form_reads_back_as_written(hostile):
    base = base_of(hostile)
    signed, unsigned = (head(hostile / f"articles/{s}.html") for s in ("the-line", "unsigned"))
    assert contents(signed, "name", "citation_title") == [f"{SHOWN}: {SUBTITLE}"]
    assert contents(signed, "name", "citation_author") == [NAME]
    assert contents(signed, "name", "citation_editor") == [f"{EDITORS},"]
    assert contents(unsigned, "name", "citation_author") == [f"{EDITORS},"]
    assert contents(signed, "property", "og:title") == [SHOWN]
    assert contents(signed, "property", "article:author") == [NAME]
    assert contents(unsigned, "property", "article:author") == [EDITORS]
    for root, stem in ((signed, "the-line"), (unsigned, "unsigned")):
        (script,) = root.xpath('./script[@type="application/ld+json"]')
        assert not re.search("[<>&]", script.text)
        data = json.loads(script.text)
        # the file is the same object, JSON with nothing escaped for HTML
        jsonld = (hostile / "cite" / f"{stem}.jsonld").read_text(encoding="utf-8")
        assert json.loads(jsonld) == data
        editors = data["contributor"][0]["contributor"]
        assert (editors["@type"], editors["name"]) == ("Organization", EDITORS)
        # each link's target is an address of the site, whatever the text
        for href in root.xpath("./link/@href"):
            assert not re.search(r"[\s\"'<>]", href), href
    data = json.loads(signed.xpath('./script[@type="application/ld+json"]')[0].text)
    assert (data["headline"], data["alternativeHeadline"]) == (SHOWN, SUBTITLE)
    (person,) = data["author"]
    assert (person["name"], person["sameAs"]) == (NAME, ORCID)
    assert (hostile / person["url"].removeprefix(base)).is_file()
    data = json.loads(unsigned.xpath('./script[@type="application/ld+json"]')[0].text)
    assert data["author"] == [{"@type": "Organization", "name": EDITORS, "url": base}]
    linkset = json.loads((hostile / "cite" / "the-line.linkset.json").read_text(encoding="utf-8"))
    assert linkset["linkset"][0]["anchor"] == f"{base}articles/the-line.html"
    # _headers: rules and headers only, every page's Link header on one line
    rules = header_rules(hostile)
    assert [path for path, _ in rules][1:] == [
        f"{urlsplit(base).path}articles/{s}.html" for s in ("the-line", "unsigned")
    ]


def card_text(path: Path) -> tuple[str, list[str]]:
    """The card's title and the text of its lines, as an XML parser reads them."""
    svg = ElementTree.parse(path).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    return svg.findtext(f"{ns}title"), [t.text for t in svg.iter(f"{ns}text")]


def test_the_title_cards_hold_the_text_and_it_fits(hostile, versioned_html, browser):
    title, lines = card_text(hostile / "cards" / "the-line.svg")
    assert title == SHOWN
    assert " ".join(lines[1:-2]) == f"{SHOWN} {SUBTITLE}" and lines[-2] == NAME
    title, lines = card_text(hostile / "cards" / "unsigned.svg")
    assert title == LONG
    shortened = " ".join(lines[1:-2])
    assert shortened.endswith("…") and LONG.startswith(shortened[:-1].rstrip(",;:."))
    assert lines[-2:] == ["Unsigned original", "Version 1 · published February 14, 2023"]
    cards = sorted(hostile.glob("cards/*.svg")) + sorted(versioned_html.glob("cards/*.svg"))
    page = browser.new_page()
    try:
        for card in cards:
            page.goto(card.as_uri())
            boxes = page.evaluate(
                "[...document.querySelectorAll('text')].map(t => {"
                " const b = t.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; })"
            )
            assert boxes, card
            for left, top, right, bottom in boxes:
                # inside the margins of a 1200 x 675 card (a glyph may reach a
                # little past its origin on the left)
                assert 76 <= left and right <= 1120 and 0 <= top and bottom <= 675, (card, right)
            # no line runs into the next
            for above, below in zip(boxes, boxes[1:], strict=False):
                assert above[3] <= below[1] + 2, (card, above, below)
    finally:
        page.close()
