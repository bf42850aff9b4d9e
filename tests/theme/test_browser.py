"""The site as a reader uses it, in headless Chromium (fixtures in conftest.py,
shared pieces in browser.py)."""

from __future__ import annotations

from corpus_files import REPO, front_matter
from playwright.sync_api import expect


def test_a_citation_takes_the_reader_to_its_reference(site, tab):
    tab.goto(f"{site}/articles/broadened-diplomacy.html")
    link = tab.locator("span.citation a").first
    href = link.get_attribute("href")
    assert href == "#ref-chatterji2023broadened"
    link.click()
    assert tab.evaluate("location.hash") == href
    target = tab.locator(f"p{href}")
    expect(target).to_be_in_viewport()
    # the full reference is in the served HTML as the link's title, for readers
    # without JavaScript; previews.js moves it to a data attribute and shows the
    # References entry in its own popup instead, so that there are never two
    # tooltips (tests/theme/test_previews.py checks both)
    assert link.get_attribute("title") is None
    assert link.get_attribute("data-preview-title").startswith(
        "Chatterji, P., & Gurudatha, N. (2023)."
    )


def test_search_finds_an_essay(site, tab):
    tab.goto(f"{site}/search.html?q=Ulleung")
    results = tab.locator("#search-results li.search-result")
    expect(results.first).to_be_visible(timeout=10_000)
    assert "Broadened Diplomacy" in results.first.inner_text()


def test_front_page_leads_to_each_essay(site, tab):
    tab.goto(f"{site}/index.html")
    cards = tab.locator(".essay-card-title a")
    expect(cards).to_have_count(2)
    cards.nth(1).click()
    expect(tab.locator("h1")).to_contain_text("The Future of Diplomacy with North Korea")


def test_the_cite_box_copies_what_it_shows(site, browser, corpus_html):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    tab.goto(f"{site}/articles/broadened-diplomacy.html#cite-this-essay")
    buttons = tab.locator(".cite-box button.copybtn")
    expect(buttons).to_have_count(4)  # APA, BibTeX, RIS, CSL-JSON
    bibtex = (corpus_html / "cite" / "broadened-diplomacy.bib").read_text()
    csl_json = (corpus_html / "cite" / "broadened-diplomacy.json").read_text()
    # the cite box cites the version shown, dated by the day it was recorded
    last = (front_matter(REPO / "articles" / "broadened-diplomacy.md").get("history") or [{}])[-1]
    dated = f"({last['date'].year}, {last['date']:%B} {last['date'].day})" if last else "(2023, "
    for index, expected in ((1, bibtex), (3, csl_json), (0, None)):
        tab.locator(".cite-box button.copybtn").nth(index).click()
        copied = tab.evaluate("navigator.clipboard.readText()")
        if expected is not None:
            # (the copy leaves out the final newline, so that pasting runs nothing)
            assert copied == expected.rstrip("\n")
        else:
            apa = tab.locator("p.cite-apa").inner_text()
            assert copied == apa and copied.startswith(f"Chatterji, P., & Gurudatha, N. {dated}")
            if last:
                assert f"Version {last['version']})" in copied
    download = tab.locator(".cite-download-ris a")
    with tab.expect_download() as info:
        download.click()
    path = info.value.path()
    assert (
        path is not None
        and path.read_text() == (corpus_html / "cite" / "broadened-diplomacy.ris").read_text()
    )
    context.close()
