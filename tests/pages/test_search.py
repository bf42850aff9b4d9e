"""Search (peninsula.pages.search, _templates/search.html, _static/search.js): which
pages are results, the record each carries, the Pagefind index after clean and
incremental builds, and the search page as a reader uses it in Chromium."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from browser import PHONE, screenshot, serve
from conftest import warnings_of
from lxml import html as lxml_html
from playwright.sync_api import expect

ESSAYS = ["articles/broadened-diplomacy", "articles/future-of-diplomacy"]
REFERENCE_PAGES = ["bibliography", "chronology", "glossary"]


def head_record(path: Path) -> list[tuple[str, str, str]]:
    """The data-pagefind-* meta tags of a page, as (what, name, value)."""
    tree = lxml_html.parse(str(path))
    record = []
    for meta in tree.xpath("//head/meta"):
        for what in ("filter", "meta"):
            spec = meta.get(f"data-pagefind-{what}")
            if spec:
                assert spec.endswith("[content]"), spec
                record.append((what, spec[: -len("[content]")], meta.get("content")))
    return record


def entry(outdir: Path) -> dict:
    return json.loads((outdir / "pagefind" / "pagefind-entry.json").read_text())


# -- The test root -------------------------------------------------------------


@pytest.mark.sphinx("html", testroot="search")
def test_result_pages_carry_their_record(app):
    app.build()
    assert warnings_of(app) == []
    out = Path(app.outdir)
    assert head_record(out / "articles/harbour.html") == [
        ("filter", "author", "Ada Keeper"),
        ("filter", "author", "Ben Mason"),
        ("filter", "topic", "Sanctions"),
        ("filter", "topic", "Deterrence"),
        ("filter", "year", "2023"),
        ("meta", "kind", "Essay"),
        ("meta", "byline", "Ada Keeper and Ben Mason"),
        ("meta", "date", "February 2023"),
    ]
    assert head_record(out / "glossary.html") == [("meta", "kind", "Reference")]
    # the front page lists the essays' abstracts: it is no result of its own
    assert head_record(out / "index.html") == []


@pytest.mark.sphinx("html", testroot="search")
def test_index_holds_exactly_the_result_pages(app):
    app.build()
    languages = entry(Path(app.outdir))["languages"]
    assert list(languages) == ["en"]
    assert languages["en"]["page_count"] == 3  # two essays and the glossary


@pytest.mark.sphinx("html", testroot="search")
def test_the_catalogue_lists_every_essay_newest_first(app):
    app.build()
    essays = json.loads((Path(app.outdir) / "pagefind" / "essays.json").read_text())
    assert essays == [
        {
            "url": "/articles/harbour.html",
            "title": "The Harbour Wall",
            "author": ["Ada Keeper", "Ben Mason"],
            "topic": ["Sanctions", "Deterrence"],
            "year": ["2023"],
            "byline": "Ada Keeper and Ben Mason",
            "date": "February 2023",
        },
        {
            "url": "/articles/lighthouse.html",
            "title": "Keepers of the Lighthouse",
            "author": ["Ada Keeper"],
            "topic": ["Deterrence"],
            "year": ["2021"],
            "byline": "Ada Keeper",
            "date": "May 4, 2021",
        },
    ]


@pytest.fixture
def search_root(rootdir, tmp_path) -> Path:
    srcdir = tmp_path / "search"
    shutil.copytree(rootdir / "test-search", srcdir)
    return srcdir


def found(browser, outdir: Path, query: str) -> list[str]:
    """The URLs Pagefind's own API finds for *query* in a built site."""
    with serve(outdir) as site:
        page = browser.new_page()
        page.goto(f"{site}/glossary.html")
        urls = page.evaluate(
            """async (query) => {
                const pagefind = await import('/pagefind/pagefind.js');
                const search = await pagefind.search(query);
                return Promise.all(search.results.map(r => r.data().then(d => d.url)));
            }""",
            query,
        )
        page.close()
    return sorted(urls)


def test_the_index_follows_incremental_builds(make_app, search_root, browser):
    app = make_app("html", srcdir=search_root)
    app.build()
    out = Path(app.outdir)
    assert found(browser, out, "lamp") == ["/articles/lighthouse.html"]
    assert found(browser, out, "cormorant") == []
    written = (out / "pagefind" / "pagefind-entry.json").stat().st_mtime_ns

    # a build that writes no result page leaves the index as it was
    make_app("html", srcdir=search_root).build()
    assert (out / "pagefind" / "pagefind-entry.json").stat().st_mtime_ns == written

    essay = search_root / "articles" / "lighthouse.md"
    essay.write_text(essay.read_text().replace("trimmed the lamp", "fed the cormorant"))
    again = make_app("html", srcdir=search_root)
    again.build()
    assert [w for w in warnings_of(again) if "while setting up extension" not in w] == []
    # the edited essay is found by its new words, and no longer by its old ones
    assert found(browser, out, "cormorant") == ["/articles/lighthouse.html"]
    assert found(browser, out, '"trimmed the lamp"') == []
    assert not (out / ".pagefind-new").exists() and not (out / ".pagefind-old").exists()
    # the index is written into the output only: not where the build was started
    assert not (Path.cwd() / "pagefind").exists() and not (search_root / "pagefind").exists()


# -- The corpus ------------------------------------------------------------------


def test_the_catalogue_is_split_by_filter_value_whatever_the_value(corpus_html):
    """pagefind/essays/: for each filter and value, the records having it, in
    the catalogue's order; a file is named by a digest, never by the value."""
    from peninsula.pages.search import by_value

    hostile = '../../etc/passwd"</script><script>alert(1)</script>\u2028%00'
    records = [
        {
            "url": "/a.html",
            "title": "A",
            "author": [hostile, "Ada"],
            "topic": ["T"],
            "year": ["2023"],
        },
        {"url": "/b.html", "title": "B", "author": ["Ada"], "topic": ["T", "U"], "year": ["2020"]},
    ]
    files = by_value(records)
    index = json.loads(files.pop("index.json"))
    assert set(index) == {"author", "topic", "year"}
    assert set(index["author"]) == {hostile, "Ada"}
    for facet, values in index.items():
        for value, name in values.items():
            assert re.fullmatch(rf"{facet}-[0-9a-f]{{20}}\.json", name)
            listed = json.loads(files[name])
            assert [r["url"] for r in listed] == [r["url"] for r in records if value in r[facet]]
            assert [r["order"] for r in listed] == sorted(r["order"] for r in listed)
    assert len(files) == sum(len(values) for values in index.values())
    # the corpus: the same records as the whole catalogue
    folder = corpus_html / "pagefind" / "essays"
    catalogue = json.loads((corpus_html / "pagefind" / "essays.json").read_text())
    index = json.loads((folder / "index.json").read_text())
    for facet, values in index.items():
        for value, name in values.items():
            listed = json.loads((folder / name).read_text())
            assert [{k: v for k, v in r.items() if k != "order"} for r in listed] == [
                r for r in catalogue if value in r[facet]
            ]


def test_only_essays_and_reference_pages_are_results(corpus_html):
    kinds = {}
    for path in sorted(corpus_html.rglob("*.html")):
        name = path.relative_to(corpus_html).with_suffix("").as_posix()
        record = dict((n, v) for w, n, v in head_record(path) if w == "meta")
        if record:
            kinds[name] = record["kind"]
    assert kinds == {
        **{essay: "Essay" for essay in ESSAYS},
        **{page: "Reference" for page in REFERENCE_PAGES},
    }
    assert entry(corpus_html)["languages"]["en"]["page_count"] == len(kinds)


def test_essay_records_come_from_the_front_matter(corpus_html):
    record = head_record(corpus_html / "articles/future-of-diplomacy.html")
    assert ("meta", "byline", "Unsigned original") in record
    assert ("filter", "year", "2020") in record
    # filtered by whom the head tags credit: the editors, as group author
    assert [v for w, n, v in record if n == "author"] == ["Editors of Peninsula Papers"]
    record = head_record(corpus_html / "articles/broadened-diplomacy.html")
    assert [v for w, n, v in record if n == "author"] == ["Pronoy Chatterji", "Naman Gurudatha"]
    assert ("meta", "date", "February 2023") in record


# -- The search page in Chromium -------------------------------------------------


def search(tab, site: str, query: str = "", **filters: str) -> list[dict]:
    """Open the search page at the address a reader would share; the results."""
    params = ([("q", query)] if query else []) + list(filters.items())
    address = "&".join(f"{k}={quote(v)}" for k, v in params)
    tab.goto(f"{site}/search.html?{address}")
    expect(tab.locator("#search-status")).not_to_be_empty(timeout=15_000)
    return results(tab)


def results(tab) -> list[dict]:
    out = []
    for item in tab.locator("li.search-result").all():
        link = item.locator("h2 a")
        out.append(
            {
                "title": link.inner_text(),
                "href": link.get_attribute("href"),
                "meta": item.locator(".search-result-meta").inner_text(),
                # a mark may hold the punctuation after the word
                "marks": [
                    m.lower().strip("()[].,;:!?“”‘’")
                    for m in item.locator("mark").all_inner_texts()
                ],
            }
        )
    return out


def page_of(result: dict) -> str:
    return urlsplit(result["href"]).path.lstrip("/").removesuffix(".html")


def test_a_quoted_phrase_matches_only_that_phrase(site, tab):
    assert search(tab, site, '"pressure maximum"') == []
    assert tab.locator("#search-status").inner_text().startswith("No results")
    phrase = search(tab, site, '"maximum pressure"')
    assert sorted(page_of(r) for r in phrase) == ["articles/future-of-diplomacy", "glossary"]
    for result in phrase:
        assert {"maximum", "pressure"} <= set(result["marks"]), result
    screenshot(tab, "search-phrase")


def test_unquoted_words_must_all_match_in_any_form(site, tab):
    both = {page_of(r) for r in search(tab, site, "pressure maximum")}
    assert both == {"articles/future-of-diplomacy", "glossary"}
    # "sanction" is found as "sanctions": the words are stemmed
    stemmed = search(tab, site, "sanction")
    assert "articles/future-of-diplomacy" in {page_of(r) for r in stemmed}
    assert any(m.startswith("sanctions") for r in stemmed for m in r["marks"])
    # a word no page holds gives no result, not the pages holding its first
    # letters ("Pyongyang", "pressure")
    assert search(tab, site, "Pyeongchang") == []
    assert search(tab, site, "sanction zyzzyva") == []
    assert tab.locator("#search-status").inner_text() == (
        "No results: no page has the word “zyzzyva”."
    )


def test_a_result_gives_title_byline_date_excerpt_and_its_section(site, tab):
    found = search(tab, site, "Ulleungdo")
    assert len(found) == 1
    result = found[0]
    assert result["title"] == "Broadened Diplomacy in U.S.–North Korea Relations"
    assert result["meta"] == "Pronoy Chatterji and Naman Gurudatha · February 2023"
    assert result["marks"] == ["ulleungdo"]
    # the link leads to the section holding the match, by its heading's id
    path, _, anchor = result["href"].partition("#")
    assert path == "/articles/broadened-diplomacy.html" and anchor
    section = tab.locator(".search-result-section").first.inner_text()
    tab.locator("li.search-result h2 a").first.click()
    heading = tab.locator(f"[id='{anchor}']")
    expect(heading).to_be_in_viewport()
    assert heading.evaluate("e => /^H[1-6]$/.test(e.tagName)")
    assert section == f"In “{heading.inner_text().strip('¶ ')}”"


def test_each_page_appears_once_and_listing_pages_never(site, tab):
    found = search(tab, site, "Northern Limit Line")
    pages = [page_of(r) for r in found]
    assert len(pages) == len(set(pages))
    assert set(pages) <= set(ESSAYS + REFERENCE_PAGES)
    assert "articles/broadened-diplomacy" in pages


def test_filters_narrow_with_counts_and_the_address_reproduces_them(site, tab, browser):
    search(tab, site, "diplomacy")
    facets = tab.locator("fieldset.search-facet legend").all_text_contents()
    assert facets == ["Author", "Topic", "Year"]
    years = dict(
        (li.locator("input").get_attribute("value"), li.locator(".search-count").inner_text())
        for li in tab.locator("fieldset.search-facet-year li").all()
    )
    assert years == {"2023": "(1)", "2020": "(1)"}
    tab.get_by_label("Pronoy Chatterji").check()
    expect(tab.locator("#search-status")).to_contain_text("author Pronoy Chatterji")
    narrowed = results(tab)
    assert [page_of(r) for r in narrowed] == ["articles/broadened-diplomacy"]
    params = parse_qs(urlsplit(tab.url).query)
    assert params == {"q": ["diplomacy"], "author": ["Pronoy Chatterji"]}
    screenshot(tab, "search-filtered")

    # the address, opened afresh, gives the same results with the same box ticked
    other = browser.new_page()
    other.goto(tab.url)
    expect(other.locator("#search-status")).to_contain_text("1 result")
    assert results(other) == narrowed
    assert other.get_by_label("Pronoy Chatterji").is_checked()
    other.close()


def test_filters_alone_list_essays_newest_first(site, tab, corpus_html):
    fetched: list[str] = []
    tab.on("request", lambda r: fetched.append(urlsplit(r.url).path))
    found = search(tab, site, topic="Sanctions")
    assert [page_of(r) for r in found] == ESSAYS  # 2023, then 2020
    assert [r["meta"] for r in found] == [
        "Pronoy Chatterji and Naman Gurudatha · February 2023",
        "Unsigned original · 2020",
    ]
    # listed from the essays' records, not from the whole word index: the
    # records having the value chosen, not the whole catalogue
    files = json.loads((corpus_html / "pagefind" / "essays" / "index.json").read_text())
    assert [p for p in fetched if p.startswith("/pagefind/essays")] == [
        "/pagefind/essays/index.json",
        f"/pagefind/essays/{files['topic']['Sanctions']}",
    ]
    assert not [p for p in fetched if p.startswith("/pagefind/index/")]
    counts = dict(
        (li.locator("input").get_attribute("value"), li.locator(".search-count").inner_text())
        for li in tab.locator("fieldset.search-facet-year li").all()
    )
    assert counts == {"2023": "(1)", "2020": "(1)"}
    tab.get_by_label("2020").check()
    expect(tab.locator("#search-status")).to_contain_text(
        "1 result with topic Sanctions, year 2020"
    )
    assert [page_of(r) for r in results(tab)] == ["articles/future-of-diplomacy"]
    # with two filters, each counts with the other: the topics of 2020's essays
    topics = dict(
        (li.locator("input").get_attribute("value"), li.locator(".search-count").inner_text())
        for li in tab.locator("fieldset.search-facet-topic li").all()
    )
    expected = {}
    for essay in json.loads((corpus_html / "pagefind" / "essays.json").read_text()):
        if "2020" in essay["year"]:
            for topic in essay["topic"]:
                expected[topic] = expected.get(topic, 0) + 1
    assert {t: c for t, c in topics.items() if c != "(0)"} == {
        t: f"({n})" for t, n in expected.items()
    }
    assert f"/pagefind/essays/{files['year']['2020']}" in fetched


def test_a_query_fetches_no_page_of_the_site(site, tab):
    """Excerpts come from the index's fragments: no result page is fetched."""
    fetched: list[str] = []
    tab.on("request", lambda r: fetched.append(urlsplit(r.url).path))
    search(tab, site, "diplomacy")
    pages = [p for p in fetched if p.endswith(".html")]
    assert pages == ["/search.html"]
    assert any(p.startswith("/pagefind/fragment/") for p in fetched)


def test_the_sidebar_search_box_leads_to_the_search_page(site, tab):
    tab.goto(f"{site}/articles/future-of-diplomacy.html")
    box = tab.locator(".sidebar-drawer input.sidebar-search")
    box.fill('"six-party talks"')
    box.press("Enter")
    expect(tab.locator("#search-status")).not_to_be_empty(timeout=15_000)
    assert tab.url.startswith(f"{site}/search.html?q=")
    assert tab.locator("#search-input").input_value() == '"six-party talks"'
    assert results(tab)


def test_the_phone_header_leads_to_the_search_page(site, browser):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    tab = context.new_page()
    tab.goto(f"{site}/articles/broadened-diplomacy.html")
    button = tab.locator(".mobile-header a.header-search")
    expect(button).to_be_visible()
    assert button.get_attribute("aria-label") == "Search"
    box = button.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24  # WCAG 2.5.8 target size
    screenshot(tab, "phone-header", full_page=False)
    # On a slow line the reader types before the search page's script has run,
    # and presses Enter before Pagefind has loaded. Both are held back here, so
    # that this happens on every run: the words typed stay, and the search runs
    # once the index is there.
    held: dict[str, object] = {}

    def hold(name: str):
        return lambda route: held.setdefault(name, route)

    for name in ("search.js", "pagefind.js"):
        tab.route(re.compile(rf"/{re.escape(name)}$"), hold(name))

    def when_held(name: str):
        for _ in range(200):
            if name in held:
                return held[name]
            tab.wait_for_timeout(50)
        raise AssertionError(f"the search page never asked for {name}")

    button.tap()
    expect(tab.locator("h1")).to_have_text("Search")
    when_held("search.js")
    tab.locator("#search-input").fill("sanctions")
    when_held("search.js").continue_()
    when_held("pagefind.js")
    tab.locator("#search-input").press("Enter")
    assert tab.locator("#search-status").inner_text() == ""
    when_held("pagefind.js").continue_()
    expect(tab.locator("#search-status")).to_have_text(
        re.compile(r"^\d+ results? for “sanctions”\.$"), timeout=15_000
    )
    assert tab.locator("#search-input").input_value() == "sanctions"
    assert results(tab)
    screenshot(tab, "search-phone")
    context.close()


def test_opened_from_disk_the_search_page_says_how_to_serve_the_site(corpus_html, tab):
    tab.goto((corpus_html / "search.html").as_uri() + "?q=sanctions")
    notice = tab.locator(".search-notice")
    expect(notice).to_be_visible()
    assert "make serve" in notice.inner_text()
    assert tab.locator("#search-input").is_disabled()


def test_without_javascript_the_search_page_says_where_the_essays_are(site, browser):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{site}/search.html")
    assert "needs JavaScript" in tab.locator("article").inner_text()
    context.close()
