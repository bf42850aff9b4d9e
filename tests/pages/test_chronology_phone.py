"""The chronology's timeline in headless Chromium, on a phone and on a desktop:
each screen shows the layout drawn for it, at a size whose text can be read
(fixtures in conftest.py, shared pieces in browser.py)."""

from __future__ import annotations

from browser import DESKTOP, PHONE, horizontal_overflow, screenshot
from playwright.sync_api import expect

FIGURE = "figure.chronology-figure"


def open_chronology(browser, site: str, viewport: dict):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(f"{site}/chronology.html")
    return context, page, errors


def shown_image(page, css_class: str) -> dict:
    """The image once loaded (it is lazy): its intrinsic and its displayed width."""
    image = page.locator(f"{FIGURE} img.{css_class}")
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()
    handle = image.element_handle()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=handle)
    size = image.evaluate(
        "img => ({natural: img.naturalWidth, shown: img.getBoundingClientRect().width})"
    )
    # a full-page picture taken while scrolled shows the sticky header over the text
    page.evaluate("window.scrollTo(0, 0)")
    return size


def display_of(page, css_class: str) -> str:
    return page.locator(f"{FIGURE} img.{css_class}").evaluate(
        "img => getComputedStyle(img).display"
    )


def test_a_phone_shows_the_narrow_timeline_at_its_own_size(site, browser):
    context, page, errors = open_chronology(browser, site, PHONE)
    try:
        size = shown_image(page, "timeline-narrow")
        # display: none, so that a screen reader meets one alt text, not two
        assert display_of(page, "timeline-wide") == "none"
        expect(page.locator(f"{FIGURE} img.timeline-wide")).to_be_hidden()
        # scaled down further, its 9 pt text would shrink below what a phone shows legibly
        assert size["shown"] >= 0.9 * size["natural"], size
        assert horizontal_overflow(page) == 0
        screenshot(page, "chronology-phone")
    finally:
        context.close()
    assert errors == []


def test_a_desktop_shows_the_wide_timeline(site, browser):
    context, page, errors = open_chronology(browser, site, DESKTOP)
    try:
        size = shown_image(page, "timeline-wide")
        assert display_of(page, "timeline-narrow") == "none"
        expect(page.locator(f"{FIGURE} img.timeline-narrow")).to_be_hidden()
        assert size["shown"] >= 0.9 * size["natural"], size
        screenshot(page, "chronology-desktop")
    finally:
        context.close()
    assert errors == []
