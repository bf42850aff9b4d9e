"""The site's addresses: Atom feed, sitemap, robots.txt, canonical links, 404 page
(peninsula.pages.feed, peninsula.pages.site, sphinx-sitemap, sphinx-notfound-page)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from browser import hosted_handler, launch, serve
from conftest import warnings_of
from corpus_files import ESSAYS, front_matter, shown
from lxml import etree
from lxml import html as lxml_html
from playwright.sync_api import sync_playwright

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
FEED_LINK = '//head/link[@rel="alternate"][@type="application/atom+xml"]'

BASE = "https://journal.example.org/papers/"  # the test root's html_baseurl, plus its slash
ROOT_PAGES = [
    "404",
    "articles/daily",
    "articles/monthly",
    "articles/unsigned",
    "articles/yearly",
    "authors/index",
    "authors/naman-gurudatha",
    "authors/pronoy-chatterji",
    "genindex",
    "index",
    "search",
    "topics/deterrence",
    "topics/index",
    "topics/sanctions",
]


def rfc4287_problems(feed: etree._Element) -> list[str]:
    """What RFC 4287 requires of a feed and its entries (sections 4.1 and 4.2)."""
    problems: list[str] = []

    def count(parent, name, where, low, high):
        found = parent.findall(ATOM + name)
        if not low <= len(found) <= high:
            problems.append(f"{where}: {len(found)} atom:{name}")

    if feed.tag != ATOM + "feed":
        return [f"root element is {feed.tag}, not atom:feed"]
    for name in ("id", "title", "updated"):
        count(feed, name, "feed", 1, 1)
    for name in ("subtitle", "rights", "icon", "logo", "generator"):
        count(feed, name, "feed", 0, 1)
    for element in feed.iter(ATOM + "updated", ATOM + "published"):
        if not RFC3339.match(element.text or ""):
            problems.append(f"date {element.text!r} is not RFC 3339")
    for element in feed.iter(ATOM + "id"):
        if not urlsplit(element.text or "").scheme:
            problems.append(f"id {element.text!r} is not an absolute IRI")
    for kind in ("author", "contributor"):
        for person in feed.iter(ATOM + kind):
            count(person, "name", kind, 1, 1)
    for link in feed.iter(ATOM + "link"):
        if not link.get("href"):
            problems.append("link without href")
    for category in feed.iter(ATOM + "category"):
        if not category.get("term"):
            problems.append("category without term")
    feed_has_author = bool(feed.findall(ATOM + "author"))
    for number, entry in enumerate(feed.findall(ATOM + "entry"), start=1):
        where = f"entry {number}"
        for name in ("id", "title", "updated"):
            count(entry, name, where, 1, 1)
        for name in ("content", "published", "rights", "summary", "source"):
            count(entry, name, where, 0, 1)
        if not feed_has_author and not entry.findall(ATOM + "author"):
            problems.append(f"{where}: no atom:author, and the feed has none")
        alternates = [
            link
            for link in entry.findall(ATOM + "link")
            if link.get("rel", "alternate") == "alternate"
        ]
        if entry.find(ATOM + "content") is None and not alternates:
            problems.append(f"{where}: neither atom:content nor an alternate link")
    return problems


def html_pages(outdir: Path) -> list[str]:
    return sorted(
        str(p.relative_to(outdir).with_suffix(""))
        for p in outdir.rglob("*.html")
        if not p.relative_to(outdir).parts[0].startswith("_")
    )


def tree_of(outdir: Path, page: str):
    return lxml_html.fromstring((outdir / f"{page}.html").read_bytes())


def sitemap_locs(outdir: Path) -> list[str]:
    root = etree.parse(str(outdir / "sitemap.xml")).getroot()
    assert root.tag == SITEMAP + "urlset"
    assert all(url.tag == SITEMAP + "url" for url in root)
    return [url.findtext(SITEMAP + "loc") for url in root]


def build_warnings(app) -> list[str]:
    """The warnings of a build, less the notices of a second app in one test
    registering the same nodes and roles again."""
    return [w for w in warnings_of(app) if not w.startswith("WARNING: while setting up extension")]


def copy_of_root(rootdir: Path, tmp_path: Path) -> Path:
    srcdir = tmp_path / "site"
    shutil.copytree(rootdir / "test-site", srcdir)
    return srcdir


# -- The test root ------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="site")
def test_site_builds_clean(app):
    app.build()
    assert warnings_of(app) == []
    assert html_pages(Path(app.outdir)) == ROOT_PAGES


@pytest.mark.sphinx("html", testroot="site")
def test_feed_is_valid_atom(app):
    app.build()
    data = (Path(app.outdir) / "feed.xml").read_bytes()
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert rfc4287_problems(etree.fromstring(data)) == []


@pytest.mark.sphinx("html", testroot="site")
def test_feed_level_elements(app):
    app.build()
    feed = etree.parse(str(Path(app.outdir) / "feed.xml")).getroot()
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert feed.findtext(ATOM + "id") == BASE
    assert feed.findtext(ATOM + "title") == "The Journal"
    assert feed.findtext(ATOM + "subtitle") == "Essays of The Journal"
    assert feed.findtext(ATOM + "rights") == "© 2026, the editors of The Journal"
    assert [a.findtext(ATOM + "name") for a in feed.findall(ATOM + "author")] == [
        "Editors of The Journal"
    ]
    # every entry names its authors (the editors, for an unsigned original) and its editors
    for entry in feed.findall(ATOM + "entry"):
        assert entry.findall(ATOM + "author"), entry.findtext(ATOM + "title")
        contributors = [c.findtext(ATOM + "name") for c in entry.findall(ATOM + "contributor")]
        assert contributors == ["Editors of The Journal"]
    links = {
        (link.get("rel"), link.get("type"), link.get("href"))
        for link in feed.findall(ATOM + "link")
    }
    assert links == {
        ("self", "application/atom+xml", BASE + "feed.xml"),
        ("alternate", "text/html", BASE + "index.html"),
    }
    # the newest essay's date, not the time of the build
    assert feed.findtext(ATOM + "updated") == "2023-02-01T00:00:00+00:00"


@pytest.mark.sphinx("html", testroot="site")
def test_feed_entries_come_from_the_records(app):
    app.build()
    parsed = feedparser.parse((Path(app.outdir) / "feed.xml").read_bytes())

    def summary(entry):
        return {
            "id": entry.id,
            "title": entry.title,
            "links": [(link.rel, link.href) for link in entry.links],
            "published": entry.published,
            "updated": entry.updated,
            "authors": [(a.get("name"), a.get("href")) for a in entry.get("authors", [])],
            "summary": entry.summary,
            "categories": [(t.term, t.label) for t in entry.tags],
            "rights": entry.rights,
        }

    licence = "Creative Commons Attribution 4.0 International"
    assert [summary(e) for e in parsed.entries] == [
        {
            "id": BASE + "articles/monthly.html",
            "title": "A Monthly Essay",
            "links": [("alternate", BASE + "articles/monthly.html")],
            "published": "2023-02-01T00:00:00+00:00",
            "updated": "2023-02-01T00:00:00+00:00",
            "authors": [("Naman Gurudatha", None)],
            "summary": "The monthly essay's abstract.",
            "categories": [("deterrence", "Deterrence")],
            "rights": licence,
        },
        {
            "id": BASE + "articles/daily.html",
            "title": "A Daily Essay",
            "links": [("alternate", BASE + "articles/daily.html")],
            "published": "2021-06-15T00:00:00+00:00",
            "updated": "2021-06-15T00:00:00+00:00",
            "authors": [
                ("Pronoy Chatterji", "https://orcid.org/0000-0002-1825-0097"),
                ("Naman Gurudatha", None),
            ],
            "summary": "The daily essay's abstract.",
            "categories": [("sanctions", "Sanctions"), ("deterrence", "Deterrence")],
            "rights": licence,
        },
        {
            "id": BASE + "articles/unsigned.html",
            "title": "An Unsigned Essay",
            "links": [("alternate", BASE + "articles/unsigned.html")],
            "published": "2020-01-01T00:00:00+00:00",
            "updated": "2020-01-01T00:00:00+00:00",
            # the editors, as the group author of an unsigned original
            "authors": [("Editors of The Journal", None)],
            "summary": "The unsigned essay's abstract.",
            "categories": [("sanctions", "Sanctions")],
            "rights": licence,
        },
        {
            "id": BASE + "articles/yearly.html",
            "title": "A Yearly Essay",
            "links": [("alternate", BASE + "articles/yearly.html")],
            "published": "2019-01-01T00:00:00+00:00",
            "updated": "2019-01-01T00:00:00+00:00",
            "authors": [("Pronoy Chatterji", None)],
            "summary": "The yearly essay's abstract.",
            "categories": [("deterrence", "Deterrence"), ("sanctions", "Sanctions")],
            "rights": licence,
        },
    ]


def test_the_rfc4287_check_finds_missing_elements():
    feed = etree.fromstring(
        b'<feed xmlns="http://www.w3.org/2005/Atom"><id>https://x.example/</id><title>T</title>'
        b"<entry><id>https://x.example/a</id><title>A</title><updated>2020-01-01</updated>"
        b'<link href="https://x.example/a" rel="related"/></entry></feed>'
    )
    assert rfc4287_problems(feed) == [
        "feed: 0 atom:updated",
        "date '2020-01-01' is not RFC 3339",
        "entry 1: no atom:author, and the feed has none",
        "entry 1: neither atom:content nor an alternate link",
    ]


@pytest.mark.sphinx("html", testroot="site")
def test_every_page_links_the_feed_and_its_canonical_address(app):
    app.build()
    outdir = Path(app.outdir)
    for page in ROOT_PAGES:
        tree = tree_of(outdir, page)
        feeds = tree.xpath(FEED_LINK)
        assert [(f.get("title"), f.get("href")) for f in feeds] == [
            ("The Journal", BASE + "feed.xml")
        ], page
        assert tree.xpath('//head/link[@rel="canonical"]/@href') == [BASE + page + ".html"], page


@pytest.mark.sphinx("html", testroot="site")
def test_sitemap_and_robots(app):
    app.build()
    outdir = Path(app.outdir)
    assert sitemap_locs(outdir) == [
        BASE + page + ".html" for page in ROOT_PAGES if page not in ("404", "genindex", "search")
    ]
    assert (outdir / "robots.txt").read_text() == (
        f"User-agent: *\nDisallow:\n\nSitemap: {BASE}sitemap.xml\n"
    )


@pytest.mark.sphinx("html", testroot="site")
def test_404_page_uses_absolute_addresses(app):
    app.build()
    tree = tree_of(Path(app.outdir), "404")
    assert tree.xpath("//h1")[0].text_content().strip("¶ ") == "Page not found"
    assets = tree.xpath("//link[@rel='stylesheet']/@href | //script/@src")
    assert len(assets) >= 4
    for url in assets:
        assert url.startswith("/papers/_static/"), url
    body = tree.xpath("//article//a[not(contains(@class, 'headerlink'))]/@href")
    assert body == ["/papers/index.html", "/papers/search.html"]
    # no address is relative to where the page happens to be served
    for url in tree.xpath("//@href | //@src | //@action"):
        assert url.startswith(("/papers/", "#", "https://")), url


@pytest.mark.sphinx("html", testroot="site")
def test_404_page_is_not_searched(app):
    app.build()
    index = (Path(app.outdir) / "searchindex.js").read_text()
    assert "Nothing" not in index and "nothing" not in index
    assert "daily" in index


def test_feed_and_sitemap_follow_incremental_builds(make_app, rootdir, tmp_path):
    srcdir = copy_of_root(rootdir, tmp_path)
    feed = srcdir / "_build" / "html" / "feed.xml"

    def build() -> list[str]:
        app = make_app("html", srcdir=srcdir)
        app.build()
        assert build_warnings(app) == []
        return [e.title for e in feedparser.parse(feed.read_bytes()).entries]

    titles = ["A Monthly Essay", "A Daily Essay", "An Unsigned Essay", "A Yearly Essay"]
    assert build() == titles
    written = feed.stat().st_mtime_ns
    # nothing changed: the feed is not touched
    assert build() == titles
    assert feed.stat().st_mtime_ns == written
    # a record changed: new title and date, so a new place in the list
    essay = srcdir / "articles" / "yearly.md"
    text = essay.read_text()
    essay.write_text(text.replace("A Yearly Essay", "A Renamed Essay").replace("2019", "2024-05"))
    assert build() == ["A Renamed Essay", "A Monthly Essay", "A Daily Essay", "An Unsigned Essay"]
    assert feedparser.parse(feed.read_bytes()).feed.updated == "2024-05-01T00:00:00+00:00"
    # only the changed essay was written, yet the sitemap lists every page
    # (4 essays, the front page, and 6 topic and author pages)
    assert len(sitemap_locs(srcdir / "_build" / "html")) == 11
    # an essay removed
    (srcdir / "articles" / "unsigned.md").unlink()
    assert build() == ["A Renamed Essay", "A Monthly Essay", "A Daily Essay"]
    assert BASE + "articles/unsigned.html" not in sitemap_locs(srcdir / "_build" / "html")


def test_parallel_build_writes_the_same_feed_and_sitemap(make_app, rootdir, tmp_path):
    outputs = []
    for parallel in (1, 2):
        srcdir = copy_of_root(rootdir, tmp_path / str(parallel))
        app = make_app("html", srcdir=srcdir, parallel=parallel)
        app.build()
        assert build_warnings(app) == []
        out = Path(app.outdir)
        outputs.append([(out / name).read_bytes() for name in ("feed.xml", "sitemap.xml")])
    assert outputs[0] == outputs[1]


def test_a_base_url_that_is_not_an_address_is_reported(make_app, rootdir, tmp_path):
    srcdir = copy_of_root(rootdir, tmp_path)
    app = make_app("html", srcdir=srcdir, confoverrides={"html_baseurl": "journal.example.org"})
    conf = (srcdir / "conf.py").read_text().splitlines()
    line = next(n for n, text in enumerate(conf, start=1) if text.startswith("html_baseurl ="))
    assert warnings_of(app) == [
        f"{srcdir / 'conf.py'}:{line}: WARNING: html_baseurl 'journal.example.org' is not the address "
        "of the site: set it to an absolute http(s) URL such as "
        "https://peninsula-papers.readthedocs.io/en/latest/, or set PENINSULA_BASE_URL "
        "[site.baseurl]"
    ]


@pytest.mark.sphinx("latex", testroot="site")
def test_other_builders_write_no_feed(app):
    app.build()
    assert warnings_of(app) == []
    assert not (Path(app.outdir) / "feed.xml").exists()
    assert not (Path(app.outdir) / "robots.txt").exists()


# -- The real corpus ----------------------------------------------------------


@pytest.fixture(scope="module")
def base(conf) -> str:
    return conf["html_baseurl"].rstrip("/") + "/"


def rfc3339_of(date) -> str:
    year, month, day = ([*str(date).split("-"), "01", "01"])[:3]
    return f"{year}-{month}-{day}T00:00:00+00:00"


def test_corpus_feed_is_valid_atom(corpus_html, conf, base):
    data = (corpus_html / "feed.xml").read_bytes()
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert rfc4287_problems(etree.fromstring(data)) == []
    assert parsed.feed.id == base
    assert parsed.feed.title == conf["project"]
    assert parsed.feed.author == conf["author"]
    assert parsed.feed.subtitle == conf["peninsula_feed_subtitle"]
    assert {(link.rel, link.href) for link in parsed.feed.links} == {
        ("self", base + "feed.xml"),
        ("alternate", base + "index.html"),
    }
    # the feed was last updated when an essay was last published or corrected
    newest = max(rfc3339_of(last_change(front_matter(p))) for p in ESSAYS)
    assert parsed.feed.updated == newest
    assert any(front_matter(p).get("history") for p in ESSAYS)  # a correction counts


#: the kinds of version the feed announces in an entry of their own
ANNOUNCED = {"correction": "Correction", "update": "Update", "retraction": "Retraction"}


def last_change(meta: dict):
    """The day an essay was published, or its last version recorded."""
    return max([str(meta["date"])] + [str(v["date"]) for v in meta.get("history") or []])


def test_corpus_feed_lists_every_essay_newest_first(corpus_html, conf, base):
    parsed = feedparser.parse((corpus_html / "feed.xml").read_bytes())
    expected = []  # (sort key, entry): by day last changed, title, version
    for path in ESSAYS:
        meta = front_matter(path)
        title = shown(meta["title"])
        page = tree_of(corpus_html, f"articles/{path.stem}")
        (canonical,) = page.xpath('//head/link[@rel="canonical"]/@href')
        assert canonical == base + f"articles/{path.stem}.html"
        entry = {
            "id": canonical,
            "title": title,
            "link": canonical,
            "published": rfc3339_of(meta["date"]),
            "updated": rfc3339_of(last_change(meta)),
            "authors": [a["name"] for a in meta["authors"]] or [conf["peninsula_editors"]],
            "summary": " ".join(meta["abstract"].split()),
            "categories": [(t, conf["peninsula_topics"][t]) for t in meta["topics"]],
            "rights": conf["peninsula_licenses"][meta["license"]][0],
        }
        expected.append(((entry["updated"], title, 0), entry))
        for version in meta.get("history") or []:
            if version["kind"] not in ANNOUNCED:
                continue
            day = rfc3339_of(version["date"])
            notice = {
                "id": f"{canonical}#version-{version['version']}",
                "title": f"{ANNOUNCED[version['kind']]}: {title}",
                "link": canonical,
                "published": day,
                "updated": day,
                "authors": [conf["peninsula_editors"]],
                "summary": " ".join(version["note"].split()),
                "categories": [],
                "rights": None,
            }
            expected.append(((day, title, version["version"]), notice))
    expected = [entry for _, entry in sorted(expected, key=lambda e: e[0], reverse=True)]
    assert len(expected) > len(ESSAYS) >= 2  # both essays have been corrected
    assert [
        {
            "id": e.id,
            "title": e.title,
            "link": e.link,
            "published": e.published,
            "updated": e.updated,
            "authors": [a["name"] for a in e.get("authors", [])],
            "summary": e.summary,
            "categories": [(t.term, t.label) for t in e.get("tags", [])],
            "rights": e.get("rights"),
        }
        for e in parsed.entries
    ] == expected


def test_corpus_pages_link_feed_and_canonical_address(corpus_html, conf, base):
    pages = html_pages(corpus_html)
    assert {"index", "404", "bibliography", "search"} <= set(pages)
    assert "genindex" not in pages  # the glossary is the index of terms
    for page in pages:
        tree = tree_of(corpus_html, page)
        assert [(f.get("title"), f.get("href")) for f in tree.xpath(FEED_LINK)] == [
            (conf["project"], base + "feed.xml")
        ], page
        # an earlier version of an essay names the current one as the page to index
        current = EARLIER_VERSION.sub("", page)
        assert tree.xpath('//head/link[@rel="canonical"]/@href') == [f"{base}{current}.html"], page
    assert any(EARLIER_VERSION.search(page) for page in pages)  # both essays were corrected


#: an earlier version of an essay: articles/<slug>/v<N>
EARLIER_VERSION = re.compile(r"/v[0-9]+$")


def test_corpus_sitemap_lists_every_page(corpus_html, base):
    pages = [
        p
        for p in html_pages(corpus_html)
        if p not in ("404", "genindex", "search") and not EARLIER_VERSION.search(p)
    ]
    locs = sitemap_locs(corpus_html)
    assert locs == [f"{base}{page}.html" for page in pages]
    assert {f"{base}articles/{p.stem}.html" for p in ESSAYS} <= set(locs)
    assert (corpus_html / "robots.txt").read_text() == (
        f"User-agent: *\nDisallow:\n\nSitemap: {base}sitemap.xml\n"
    )


def test_corpus_404_page_uses_absolute_addresses(corpus_html, base):
    prefix = urlsplit(base).path
    tree = tree_of(corpus_html, "404")
    assets = tree.xpath("//link[@rel='stylesheet']/@href | //script/@src")
    assert assets and all(url.startswith(prefix + "_static/") for url in assets), assets
    body = tree.xpath("//article//a[not(contains(@class, 'headerlink'))]/@href")
    assert body == [prefix + "index.html", prefix + "bibliography.html", prefix + "search.html"]


def test_404_page_works_deep_in_the_site(corpus_html, base):
    prefix = urlsplit(base).path
    with serve(corpus_html, hosted_handler(prefix)) as site:
        with sync_playwright() as p:
            browser = launch(p)
            tab = browser.new_page()
            missing = f"{site}{prefix}no/such/deep/page.html"
            failed: list[str] = []
            tab.on(
                "response",
                lambda r: failed.append(r.url) if r.status >= 400 and r.url != missing else None,
            )
            response = tab.goto(missing)
            assert response.status == 404
            tab.wait_for_load_state("networkidle")
            assert tab.locator("h1").inner_text().strip("¶ \n") == "Page not found"
            assert failed == []
            # furo's stylesheet applied: the sidebar is laid out beside the page
            assert tab.locator(".sidebar-drawer").is_visible()
            tab.get_by_role("link", name="The bibliography").click()
            assert tab.url == f"{site}{prefix}bibliography.html"
            assert tab.locator("h1").inner_text().strip("¶ \n") == "Bibliography"
            browser.close()
