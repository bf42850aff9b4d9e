"""Accessibility of every kind of page, as readers meet it: axe-core in light and
dark mode, the keyboard alone, and a phone's screen (peninsula.theme.accessibility,
_templates/page.html, _static/peninsula.css).

The corpus is served as its host serves it, under /en/latest/ (see the
``hosted`` fixture), so the 404 page is met at a missing address.
"""

from __future__ import annotations

import pytest
from browser import DESKTOP, PHONE, axe_violations, horizontal_overflow, screenshot
from lxml import html as lxml_html
from playwright.sync_api import expect

#: (name, address under the site's root) of each kind of page
PAGES = [
    ("front-page", "index.html"),
    ("essay-broadened", "articles/broadened-diplomacy.html"),
    ("essay-future", "articles/future-of-diplomacy.html"),
    ("bibliography", "bibliography.html"),
    ("glossary", "glossary.html"),
    ("chronology", "chronology.html"),
    ("topic", "topics/sanctions.html"),
    ("author", "authors/pronoy-chatterji.html"),
    ("topics-index", "topics/index.html"),
    ("authors-index", "authors/index.html"),
    ("search-filtered", "search.html?q=sanctions&topic=Sanctions"),
    ("not-found", "no/such/page.html"),
]


def open_page(browser, hosted: str, address: str, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(hosted + address)
    page.wait_for_load_state("networkidle")
    if address.startswith("search.html"):
        expect(page.locator("#search-status")).not_to_be_empty(timeout=15_000)
    page.errors = errors  # checked by the caller
    return context, page


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name,address", PAGES, ids=[p[0] for p in PAGES])
def test_axe_finds_no_violation(browser, hosted, name, address, scheme):
    context, page = open_page(browser, hosted, address, viewport=DESKTOP, color_scheme=scheme)
    theme = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert theme == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(19, 20, 22)")
    screenshot(page, f"{name}-{scheme}")
    violations = axe_violations(page)
    assert page.errors == []
    context.close()
    assert violations == []


@pytest.mark.parametrize("name,address", PAGES, ids=[p[0] for p in PAGES])
def test_a_phone_never_scrolls_sideways(browser, hosted, name, address):
    context, page = open_page(
        browser, hosted, address, viewport=PHONE, is_mobile=True, has_touch=True
    )
    overflow = horizontal_overflow(page)
    screenshot(page, f"{name}-phone")
    violations = axe_violations(page)
    context.close()
    assert overflow == 0
    assert violations == []


def focused(page) -> dict:
    """The focused element: what it is, and whether its focus can be seen."""
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            const style = getComputedStyle(e);
            const box = e.getBoundingClientRect();
            return {
                tag: e.tagName.toLowerCase(),
                id: e.id,
                classes: e.className && e.className.baseVal === undefined ? e.className : '',
                type: e.type || '',
                href: e.getAttribute('href') || '',
                text: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim(),
                outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
                shadow: style.boxShadow !== 'none',
                visible: box.width > 0 && box.height > 0,
            };
        }"""
    )


def tab_through(page, stops: int) -> list[dict]:
    """The elements Tab stops at, in order; past the last one focus leaves the
    page for the browser's own controls (the body is then active) and comes back."""
    seen = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        stop = focused(page)
        if stop["tag"] != "body":
            seen.append(stop)
    return seen


def test_the_skip_link_comes_first_and_reaches_the_content(browser, hosted):
    context, page = open_page(
        browser, hosted, "articles/broadened-diplomacy.html", viewport=DESKTOP
    )
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["classes"].startswith("skip-to-content") and first["visible"], first
    assert first["outline"] or first["shadow"]
    screenshot(page, "keyboard-skip-link", full_page=False)
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#furo-main-content"
    # the next stop is inside the essay, not in the sidebar
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('article') !== null")
    context.close()


def test_the_keyboard_reaches_citations_and_back_links_with_focus_always_visible(browser, hosted):
    context, page = open_page(
        browser, hosted, "articles/broadened-diplomacy.html", viewport=DESKTOP
    )
    stops = tab_through(page, 400)
    invisible = [s for s in stops if not (s["outline"] or s["shadow"])]
    assert invisible == [], invisible[:3]
    kinds = {s["href"].split("#")[-1].split("-")[0] for s in stops if s["tag"] == "a"}
    assert {"ref", "cite"} <= kinds, kinds  # citations, then their back-links
    context.close()


def test_the_keyboard_reaches_search_and_filters_with_focus_always_visible(browser, hosted):
    context, page = open_page(browser, hosted, "search.html?q=sanctions", viewport=DESKTOP)
    stops = tab_through(page, 60)
    invisible = [s for s in stops if not (s["outline"] or s["shadow"])]
    assert invisible == [], invisible[:3]
    assert any(s["id"] == "search-input" for s in stops)
    boxes = [s for s in stops if s["type"] == "checkbox"]
    assert len(boxes) >= 3
    assert any(s["tag"] == "a" and "articles/" in s["href"] for s in stops)  # a result
    # a filter is ticked with the space bar
    page.locator("#search-filters input[type=checkbox]").first.focus()
    page.keyboard.press("Space")
    expect(page.locator("#search-status")).to_contain_text(" with ")
    screenshot(page, "keyboard-search-filter", full_page=False)
    context.close()


def test_the_axe_check_finds_a_fault_it_should(browser, hosted):
    """axe_violations sees what it is for: a picture without alt text, and text
    too pale to read, each put into a page that passes."""
    context, page = open_page(browser, hosted, "glossary.html", viewport=DESKTOP)
    page.evaluate(
        """() => {
            const main = document.querySelector('article');
            const img = document.createElement('img');
            img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
            main.prepend(img);
            const p = document.createElement('p');
            p.textContent = 'pale words';
            p.style.color = '#f4f4f4';
            main.prepend(p);
        }"""
    )
    found = {v.split(" ")[0] for v in axe_violations(page)}
    context.close()
    assert {"image-alt", "color-contrast"} <= found


def test_sidebar_headings_have_a_level_and_landmarks_have_names(corpus_html):
    for name in ["index", "articles/broadened-diplomacy", "search", "404"]:
        tree = lxml_html.parse(str(corpus_html / f"{name}.html"))
        captions = tree.xpath('//p[contains(@class, "caption")][@role="heading"]')
        assert captions and all(c.get("aria-level") == "2" for c in captions), name
        names = [a.get("aria-label") for a in tree.xpath("//aside")]
        assert names == ["Site navigation", "On this page"], name
        assert tree.xpath('//header[@class="mobile-header"]//a[@class="header-search"]'), name


def test_a_section_id_is_on_its_heading(corpus_html):
    tree = lxml_html.parse(str(corpus_html / "articles/broadened-diplomacy.html"))
    heading = tree.xpath('//*[@id="broadened-diplomacy-launches"]')[0]
    assert heading.tag == "h2" and heading.getparent().tag == "section"
    assert tree.xpath("//section[@id]") == []
    # furo's table of contents and the permalinks still point at it
    assert tree.xpath('//a[@href="#broadened-diplomacy-launches"]')
