"""What machines and citers read of an essay's versions: head tags, JSON-LD,
the sitemap, the Atom feed, the cite box and its files, the search catalogue
(peninsula.pages.head, peninsula.pages.site, peninsula.pages.feed, peninsula.pages.cite, peninsula.pages.search).

Everything here reads the one strict build of tests/versioned.py's project
(the ``versioned_html`` fixture): ``future-of-diplomacy`` first published in
2020, corrected on 2026-12-01 (version 2) and updated on 2026-12-03 (version
3); ``broadened-diplomacy`` first published in February 2023 and retracted on
2026-12-04 (version 2). Its earlier versions are pages of their own:
``future-of-diplomacy/v1``, ``v2`` and ``broadened-diplomacy/v1``.
"""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html
from pybtex.database import parse_string
from test_cite import parse_ris
from versioned import CORRECTION_NOTE, RETRACTED, RETRACTION_NOTE, REVISED, UPDATE_NOTE

TITLE = "The Future of Diplomacy with North Korea"
RETRACTED_TITLE = "Broadened Diplomacy in U.S.–North Korea Relations"
#: the essays' full titles, as references give them (APA's sentence case aside)
FULL_TITLE = f"{TITLE}: Trading an unreachable goal for limits, safety and transparency"
RETRACTED_FULL_TITLE = (
    f"{RETRACTED_TITLE}: Pairing a larger military presence with candid engagement"
)
EDITORS = "Editors of Peninsula Papers"

CURRENT = f"articles/{REVISED}"
RETRACTED_PAGE = f"articles/{RETRACTED}"
#: earlier version -> its number
EARLIER = {
    f"articles/{REVISED}/v1": 1,
    f"articles/{REVISED}/v2": 2,
    f"articles/{RETRACTED}/v1": 1,
}
CURRENTS = (CURRENT, RETRACTED_PAGE)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
#: the sitemap protocol's constraints on <url>, written for this test: sitemaps.org's
#: own schema types lastmod as the union of xsd:date and xsd:dateTime, so an essay
#: dated to its month alone ("2023-02") can have no lastmod
SITEMAP_SCHEMA = f"""\
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"
            targetNamespace="{SITEMAP_NS}" xmlns="{SITEMAP_NS}"
            elementFormDefault="qualified">
  <xsd:element name="urlset">
    <xsd:complexType>
      <xsd:sequence>
        <xsd:element name="url" maxOccurs="50000">
          <xsd:complexType>
            <xsd:sequence>
              <xsd:element name="loc" type="xsd:anyURI"/>
              <xsd:element name="lastmod" minOccurs="0">
                <xsd:simpleType>
                  <xsd:union memberTypes="xsd:date xsd:dateTime"/>
                </xsd:simpleType>
              </xsd:element>
            </xsd:sequence>
          </xsd:complexType>
        </xsd:element>
      </xsd:sequence>
    </xsd:complexType>
  </xsd:element>
</xsd:schema>
"""


@pytest.fixture(scope="module")
def base(versioned_project) -> str:
    """The site's address, as the versioned project's conf.py gives it."""
    return runpy.run_path(str(versioned_project / "conf.py"))["html_baseurl"].rstrip("/") + "/"


def page(html: Path, name: str):
    return lxml_html.fromstring((html / f"{name}.html").read_bytes())


def head(html: Path, name: str):
    return page(html, name).xpath("//head")[0]


def metas(root, name: str) -> list[str]:
    return root.xpath(f'./meta[@name="{name}"]/@content')


def properties(root, name: str) -> list[str]:
    return root.xpath(f'./meta[@property="{name}"]/@content')


def highwire(root) -> list[str]:
    return root.xpath('./meta[starts-with(@name, "citation_")]/@name')


def json_ld(root) -> dict:
    (script,) = root.xpath('./script[@type="application/ld+json"]')
    # script_json writes <, > and & as JSON escapes, so no text can end the element
    assert not re.search("[<>&]", script.text), script.text
    return json.loads(script.text)


def words(element) -> str:
    return " ".join(element.text_content().split())


# -- Head tags: which address search engines list ----------------------------------


def test_earlier_versions_send_search_engines_to_the_current_one(versioned_html, base):
    for name in EARLIER:
        essay = name.rsplit("/", 1)[0]
        root = head(versioned_html, name)
        assert root.xpath('./link[@rel="canonical"]/@href') == [f"{base}{essay}.html"], name
        assert metas(root, "robots") == ["noindex"], name
        # no Google Scholar record of its own: the essay's is its current page
        assert highwire(root) == [], name
        # what a reference manager saves (Zotero takes og:url) is this version,
        # at its own address, as its cite box says
        assert properties(root, "og:url") == [f"{base}{name}.html"], name
        assert properties(root, "og:type") == ["article"], name
    for name in CURRENTS:
        root = head(versioned_html, name)
        assert root.xpath('./link[@rel="canonical"]/@href') == [f"{base}{name}.html"], name
        assert metas(root, "robots") == [], name
        assert properties(root, "og:url") == [f"{base}{name}.html"], name
        assert metas(root, "citation_title") and metas(root, "citation_author"), name
    # the retracted essay keeps its record, which now leads to its notice
    assert metas(head(versioned_html, RETRACTED_PAGE), "citation_title") == [RETRACTED_FULL_TITLE]
    # pages that are not essays are left as they were
    index = head(versioned_html, "index")
    assert index.xpath('./link[@rel="canonical"]/@href') == [f"{base}index.html"]
    assert metas(index, "robots") == []


def test_json_ld_says_which_version_a_page_is(versioned_html, base):
    def data(name: str) -> dict:
        return json_ld(head(versioned_html, name))

    def summary(name: str) -> dict:
        found = data(name)
        keys = ("@id", "url", "mainEntityOfPage", "version", "datePublished", "dateModified")
        return {
            **{k: found.get(k) for k in keys},
            "status": found.get("creativeWorkStatus"),
            "pdf": found.get("encoding", {}).get("contentUrl"),
        }

    def expected(name, version, published, modified, status, pdf):
        url = f"{base}{name}.html"
        return {
            "@id": url,
            "url": url,
            "mainEntityOfPage": url,
            "version": version,
            "datePublished": published,
            "dateModified": modified,
            "status": status,
            "pdf": f"{base}pdf/{name.rsplit('/', 1)[-1]}.pdf" if pdf else None,
        }

    # no PDF is built beside this build, so no page names one (the current
    # version's with a PDF: tests/pages/test_pdf_links.py; an earlier version never has one)
    assert summary(CURRENT) == expected(CURRENT, 3, "2020", "2026-12-03", None, False)
    assert summary(f"{CURRENT}/v1") == expected(f"{CURRENT}/v1", 1, "2020", None, "Obsolete", False)
    assert summary(f"{CURRENT}/v2") == expected(
        f"{CURRENT}/v2", 2, "2020", "2026-12-01", "Obsolete", False
    )
    assert summary(RETRACTED_PAGE) == expected(
        RETRACTED_PAGE, 2, "2023-02", "2026-12-04", "Retracted", False
    )
    assert summary(f"{RETRACTED_PAGE}/v1") == expected(
        f"{RETRACTED_PAGE}/v1", 1, "2023-02", None, "Retracted", False
    )
    # each version lists the works its own text cites (version 1 one more)
    assert len(data(f"{CURRENT}/v1")["citation"]) == len(data(CURRENT)["citation"]) + 1
    # OpenGraph's article tags say when the version shown was last changed
    assert properties(head(versioned_html, CURRENT), "article:modified_time") == ["2026-12-03"]
    assert properties(head(versioned_html, f"{CURRENT}/v2"), "article:modified_time") == [
        "2026-12-01"
    ]
    assert properties(head(versioned_html, f"{CURRENT}/v1"), "article:modified_time") == []


# -- The sitemap -------------------------------------------------------------------------


def test_sitemap_lists_current_versions_with_their_dates(versioned_html, base):
    document = etree.parse(str(versioned_html / "sitemap.xml"))
    schema = etree.XMLSchema(etree.fromstring(SITEMAP_SCHEMA.encode()))
    assert schema.validate(document), schema.error_log
    urls = {
        url.findtext(f"{{{SITEMAP_NS}}}loc"): url.findtext(f"{{{SITEMAP_NS}}}lastmod")
        for url in document.getroot()
    }
    essays = {loc: lastmod for loc, lastmod in urls.items() if "/articles/" in loc}
    assert essays == {
        f"{base}{CURRENT}.html": "2026-12-03",
        f"{base}{RETRACTED_PAGE}.html": "2026-12-04",
    }
    # no date is made up for a page that has none
    assert {lastmod for loc, lastmod in urls.items() if "/articles/" not in loc} == {None}
    assert f"{base}index.html" in urls and len(urls) > 10
    # the schema holds what it is meant to: a month alone is not a sitemap date
    month_only = etree.fromstring(
        f'<urlset xmlns="{SITEMAP_NS}"><url><loc>{base}x.html</loc>'
        "<lastmod>2023-02</lastmod></url></urlset>".encode()
    )
    assert not schema.validate(month_only)


# -- The Atom feed -----------------------------------------------------------------------


def test_feed_announces_corrections_updates_and_retractions(versioned_html, base):
    parsed = feedparser.parse((versioned_html / "feed.xml").read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.updated == "2026-12-04T00:00:00+00:00"
    current, retracted = f"{base}{CURRENT}.html", f"{base}{RETRACTED_PAGE}.html"

    def day(date: str) -> str:
        return f"{date}T00:00:00+00:00"

    entries = [
        (e.id, e.title, e.link, e.published, e.updated, [a.name for a in e.authors])
        for e in parsed.entries
    ]
    assert entries == [
        (
            f"{retracted}#version-2",
            f"Retraction: {RETRACTED_TITLE}",
            retracted,
            day("2026-12-04"),
            day("2026-12-04"),
            [EDITORS],
        ),
        (
            retracted,
            RETRACTED_TITLE,
            retracted,
            day("2023-02-01"),
            day("2026-12-04"),
            ["Pronoy Chatterji", "Naman Gurudatha"],
        ),
        (
            f"{current}#version-3",
            f"Update: {TITLE}",
            current,
            day("2026-12-03"),
            day("2026-12-03"),
            [EDITORS],
        ),
        (current, TITLE, current, day("2020-01-01"), day("2026-12-03"), [EDITORS]),
        (
            f"{current}#version-2",
            f"Correction: {TITLE}",
            current,
            day("2026-12-01"),
            day("2026-12-01"),
            [EDITORS],
        ),
    ]
    notes = {e.id: e.summary for e in parsed.entries if "#version-" in e.id}
    assert notes == {
        f"{retracted}#version-2": RETRACTION_NOTE,
        f"{current}#version-3": UPDATE_NOTE,
        f"{current}#version-2": CORRECTION_NOTE,
    }
    # no earlier version is an entry of its own
    assert not any(re.search(r"/v\d+\.html", e.link) for e in parsed.entries)


# -- The cite box and its files -------------------------------------------------------------

#: page -> (APA text without the address, BibTeX date, year, month, version and addendum,
#: RIS Y1 and N1)
CITED = {
    CURRENT: (
        f"{EDITORS}. (2026, December 3). The future of diplomacy with North Korea: Trading an "
        "unreachable goal for limits, safety and transparency (Version 3). Peninsula Papers.",
        ("2026-12-03", "2026", "December", "3", None),
        ("2026/12/03/", "Version 3"),
    ),
    f"{CURRENT}/v1": (
        f"{EDITORS}. (2020). The future of diplomacy with North Korea: Trading an "
        "unreachable goal for limits, safety and transparency (Version 1). Peninsula Papers.",
        ("2020", "2020", None, "1", None),
        ("2020///", "Version 1"),
    ),
    f"{CURRENT}/v2": (
        f"{EDITORS}. (2026, December 1). The future of diplomacy with North Korea: Trading an "
        "unreachable goal for limits, safety and transparency (Version 2). Peninsula Papers.",
        ("2026-12-01", "2026", "December", "2", None),
        ("2026/12/01/", "Version 2"),
    ),
    RETRACTED_PAGE: (
        "Chatterji, P., & Gurudatha, N. (2026, December 4). Broadened diplomacy in U.S.–North "
        "Korea relations: Pairing a larger military presence with candid engagement "
        f"({EDITORS}, Ed.; Version 2). Peninsula Papers. Retracted December 4, 2026.",
        ("2026-12-04", "2026", "December", "2", "Retracted December 4, 2026"),
        ("2026/12/04/", "Version 2. Retracted December 4, 2026"),
    ),
    f"{RETRACTED_PAGE}/v1": (
        "Chatterji, P., & Gurudatha, N. (2023, February). Broadened diplomacy in U.S.–North "
        "Korea relations: Pairing a larger military presence with candid engagement "
        f"({EDITORS}, Ed.; Version 1). Peninsula Papers. Retracted December 4, 2026.",
        ("2023-02", "2023", "February", "1", "Retracted December 4, 2026"),
        ("2023/02//", "Version 1. Retracted December 4, 2026"),
    ),
}


def stem_of(name: str) -> str:
    """``articles/x/v1`` -> ``x-v1``, ``articles/x`` -> ``x``: its cite files' name."""
    parts = name.split("/")[1:]
    return "-".join(parts)


@pytest.mark.parametrize("name", list(CITED), ids=stem_of)
def test_each_page_cites_the_version_shown(versioned_html, base, name):
    apa_text, bib_expected, ris_expected = CITED[name]
    url = f"{base}{name}.html"
    root = page(versioned_html, name)
    (box,) = root.xpath('//section[h2[@id="cite-this-essay"]]')
    (apa,) = box.xpath('.//p[contains(@class, "cite-apa")]')
    assert words(apa) == f"{apa_text} {url}"
    assert apa.xpath(".//a/@href") == [url]
    stem = stem_of(name)
    depth = "../" * (name.count("/"))
    assert box.xpath('.//p[contains(@class, "cite-download")]//a/@href') == [
        f"{depth}cite/{stem}.bib",
        f"{depth}cite/{stem}.ris",
        f"{depth}cite/{stem}.json",
    ]
    # the downloads are what the box shows
    bib_text = (versioned_html / "cite" / f"{stem}.bib").read_text(encoding="utf-8")
    ris_text = (versioned_html / "cite" / f"{stem}.ris").read_text(encoding="utf-8")
    csl_text = (versioned_html / "cite" / f"{stem}.json").read_text(encoding="utf-8")
    shown = [words(pre) for pre in box.xpath(".//pre")]
    assert shown == [" ".join(text.split()) for text in (bib_text, ris_text, csl_text)]

    (entry,) = parse_string(bib_text, "bibtex").entries.values()
    assert entry.key == f"peninsula:{stem}"
    date, year, month, version, note = bib_expected
    fields = entry.fields
    got = (fields["date"], fields["year"], fields.get("month"), fields["version"])
    assert got == (date, year, month, version)
    # the retraction, for biblatex; classic styles read it in the note, with the address
    assert fields.get("addendum") == note
    assert fields["note"].endswith(f"\\url{{{url}}}")
    assert fields["url"] == url

    ris = parse_ris(ris_text)
    tags = dict(ris)
    assert (tags["Y1"], tags["N1"]) == ris_expected
    assert tags["UR"] == url
    assert [tag for tag, _ in ris].count("UR") == 1


def test_every_version_and_only_versions_have_cite_files(versioned_html):
    files = sorted(p.name for p in (versioned_html / "cite").iterdir())
    assert files == sorted(
        f"{stem_of(name)}.{suffix}"
        for name in CITED
        # the downloads, and the page's JSON-LD and link set (peninsula.pages.signposting)
        for suffix in ("bib", "ris", "json", "jsonld", "linkset.json")
    )


# -- The search page's catalogue -----------------------------------------------------------


def test_the_search_catalogue_leaves_out_the_retracted_essay(versioned_html, base):
    catalogue = json.loads((versioned_html / "pagefind" / "essays.json").read_text())
    assert [(e["title"], e["url"]) for e in catalogue] == [(TITLE, f"/{CURRENT}.html")]
    (essay,) = catalogue
    # its filters count the essays listed, and only those
    assert essay["author"] == [EDITORS]
    assert "Missile tests" not in essay["topic"] and "Deterrence" in essay["topic"]
    assert "Chatterji" not in json.dumps(catalogue)
