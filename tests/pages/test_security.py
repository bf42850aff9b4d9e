"""The site locked down (peninsula.pages.security, peninsula.theme.accessibility,
_templates/base.html): no inline script but the JSON-LD data block, no inline
event handler, every link off the site with rel="noopener noreferrer", the
Content-Security-Policy first in every page's head and in ``_headers``; then
every kind of page in Chromium under that policy with no violation and no
console error, the previews and the search included."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html
from peninsula.pages.security import HEADERS_FILE, policy
from playwright.sync_api import expect

ESSAY = "articles/broadened-diplomacy.html"
TIP = "#peninsula-preview"
#: a page of every kind the site has
PAGES = [
    "index.html",
    ESSAY,
    "bibliography.html",
    "glossary.html",
    "chronology.html",
    "topics/index.html",
    "topics/sanctions.html",
    "authors/index.html",
    "authors/pronoy-chatterji.html",
    "search.html?q=sanctions&topic=Sanctions",
]
#: collects what the browser reports before any script of the page runs
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective}: ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
});
"""


def pages(html_dir: Path) -> list[Path]:
    return sorted(html_dir.rglob("*.html"))


def test_no_inline_script_but_json_ld_and_no_event_handler(corpus_html):
    found = []
    for path in pages(corpus_html):
        tree = lxml_html.fromstring(path.read_bytes())
        name = path.relative_to(corpus_html).as_posix()
        for script in tree.iter("script"):
            if script.get("src") is None and script.get("type") != "application/ld+json":
                found.append(f"{name}: inline script {(script.text or '').strip()[:60]!r}")
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute in element.attrib:
                if attribute.lower().startswith("on"):
                    found.append(f"{name}: <{element.tag} {attribute}=...>")
    assert found == []
    # the one exception is data, there to be found
    essay = lxml_html.fromstring((corpus_html / ESSAY).read_bytes())
    assert essay.xpath('//script[@type="application/ld+json"][not(@src)]')


def test_every_link_off_the_site_is_noopener_noreferrer(corpus_html):
    checked, bare = 0, []
    for path in pages(corpus_html):
        tree = lxml_html.fromstring(path.read_bytes())
        for link in tree.iter("a"):
            parts = urlsplit(link.get("href", ""))
            if parts.scheme in ("http", "https") or (not parts.scheme and parts.netloc):
                checked += 1
                if not {"noopener", "noreferrer"} <= set((link.get("rel") or "").split()):
                    bare.append(f"{path.relative_to(corpus_html)}: {link.get('href')}")
    assert bare == []
    # DOIs and publishers' pages, ORCID records, the licence, furo's credits
    assert checked > 20


def test_the_policy_comes_first_in_every_head(corpus_html):
    for path in pages(corpus_html):
        head = lxml_html.fromstring(path.read_bytes()).find("head")
        metas = head.xpath('meta[@http-equiv="Content-Security-Policy"]')
        assert [m.get("content") for m in metas] == [policy()], path
        # before every script, style sheet and link the policy governs
        governed = head.xpath("script | link | style")
        assert all(metas[0].getparent().index(metas[0]) < head.index(el) for el in governed)
    assert "frame-ancestors" not in policy()  # a meta tag cannot carry it


def test_hosts_that_read_headers_get_the_policy(corpus_html):
    text = (corpus_html / HEADERS_FILE).read_text()
    lines = text.splitlines()
    assert lines[0] == "/*"
    assert f"  Content-Security-Policy: {policy(header=True)}" in lines
    assert "frame-ancestors 'none'" in policy(header=True)
    assert "'wasm-unsafe-eval'" in policy() and "'unsafe-eval'" not in policy()
    assert "script-src 'self' 'wasm-unsafe-eval'" in policy()


# -- In Chromium, under the policy ------------------------------------------------------


@pytest.fixture
def watched(tab):
    """The tab, recording policy violations and console errors."""
    tab.add_init_script(WATCH)
    errors: list[str] = []

    def console(message) -> None:
        # Chromium asks every site for /favicon.ico, which this one has not
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            errors.append(f"{message.text} ({message.location['url']})")

    tab.on("console", console)
    tab.console_errors = errors
    return tab


def reported(tab) -> list[str]:
    return tab.evaluate("window.__violations") + tab.console_errors


@pytest.mark.parametrize("page", PAGES)
def test_every_kind_of_page_runs_under_the_policy(site, watched, page):
    watched.goto(f"{site}/{page}")
    watched.wait_for_load_state("networkidle")
    # the theme script ran from its file: furo's toggle has its state
    assert watched.evaluate("document.body.dataset.theme") == "auto"
    if page.startswith("search.html"):
        expect(watched.locator("li.search-result").first).to_be_visible(timeout=15_000)
        expect(watched.locator("#search-status")).to_contain_text("topic Sanctions")
    assert reported(watched) == []


def test_the_404_page_runs_under_the_policy(hosted, watched):
    address = f"{hosted}no/such/page.html"
    response = watched.goto(address)
    assert response.status == 404
    watched.wait_for_load_state("networkidle")
    assert watched.locator("h1").count() == 1
    assert watched.evaluate("document.body.dataset.theme") == "auto"
    # the browser reports the missing page itself, as it should; nothing else
    assert [e for e in reported(watched) if not e.endswith(f"({address})")] == []


def test_previews_and_search_work_under_the_policy(site, watched):
    watched.goto(f"{site}/{ESSAY}")
    tip = watched.locator(TIP)
    watched.locator("span.citation a").first.hover()
    expect(tip).to_be_visible()
    assert tip.inner_text().strip()
    watched.mouse.move(5, 5)
    expect(tip).to_be_hidden()
    # a term's preview is fetched from the glossary page
    term = watched.locator('a[href*="glossary.html#term-"]').first
    term.hover()
    expect(tip).to_be_visible()
    expect(tip).not_to_be_empty()
    # the search, typed in: Pagefind's script, its WebAssembly and its index
    watched.goto(f"{site}/search.html")
    watched.fill("#search-input", "sanctions")
    watched.press("#search-input", "Enter")
    expect(watched.locator("li.search-result").first).to_be_visible(timeout=15_000)
    assert reported(watched) == []


def test_a_script_slipped_into_a_page_is_refused(site, watched):
    """The check above can fail: an inline script is blocked and reported."""
    watched.goto(f"{site}/index.html")
    watched.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__ran = true'; document.body.append(s); }"""
    )
    watched.wait_for_timeout(200)
    assert watched.evaluate("window.__ran") is None
    assert any(v.startswith("script-src") for v in watched.evaluate("window.__violations"))
