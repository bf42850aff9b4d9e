"""Previews of citations, glossary terms and chronology events (peninsula.theme.previews,
_static/previews.js) and the back-links from References entries to the citing
places (peninsula.works.citations): first the HTML and LaTeX a build writes, then the
site as a reader uses it in Chromium (fixtures in conftest.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import DESKTOP, PHONE, axe_violations, horizontal_overflow, screenshot
from conftest import warnings_of
from lxml import html as lxml_html
from playwright.sync_api import expect

ESSAY = "articles/broadened-diplomacy.html"
TIP = "#peninsula-preview"
#: longer than previews.js's HIDE_DELAY: a popup still shown after it stays
PAST_HIDE_DELAY = 700


def squeeze(text: str) -> str:
    return " ".join(text.split())


# -- What the build writes ----------------------------------------------------------


def built(app, name: str):
    return lxml_html.fromstring((Path(app.outdir) / f"{name}.html").read_text())


@pytest.mark.sphinx("html", testroot="previews")
def test_every_citation_has_an_id_and_every_entry_links_back(app):
    app.build()
    assert warnings_of(app) == []
    tree = built(app, "essay")
    links = tree.xpath('//span[contains(@class, "citation")]//a')
    assert [(a.get("id"), a.get("href")) for a in links] == [
        ("cite-kim2022missile-1", "#ref-kim2022missile"),
        ("cite-cha2012impossible-1", "#ref-cha2012impossible"),
        ("cite-chang2015revisiting-1", "#ref-chang2015revisiting"),
        ("cite-kim2022missile-2", "#ref-kim2022missile"),
        ("cite-kim2022missile-3", "#ref-kim2022missile"),
    ]
    # the native tooltip stays in the HTML, for readers without JavaScript
    assert links[1].get("title") == (
        "Cha, V. (2012). The impossible state: North Korea, past and future. Ecco."
    )
    back = {
        entry.get("id"): [
            (a.get("href"), a.get("aria-label"), a.text_content())
            for a in entry.xpath('.//span[@class="backlinks"]/a[@class="backlink"]')
        ]
        for entry in tree.xpath('//div[contains(@class, "reference-list")]/p')
    }
    assert back == {
        "ref-cha2012impossible": [("#cite-cha2012impossible-1", "Back to the citation", "↑")],
        "ref-chang2015revisiting": [("#cite-chang2015revisiting-1", "Back to the citation", "↑")],
        "ref-kim2022missile": [
            ("#cite-kim2022missile-1", "Back to citation 1 of 3", "a"),
            ("#cite-kim2022missile-2", "Back to citation 2 of 3", "b"),
            ("#cite-kim2022missile-3", "Back to citation 3 of 3", "c"),
        ],
    }
    # the entry's own text is unchanged, the back-links come after it
    entry = tree.xpath('//p[@id="ref-cha2012impossible"]')[0]
    assert squeeze(entry.text_content()) == (
        "Cha, V. (2012). The impossible state: North Korea, past and future. Ecco. ↑"
    )


@pytest.mark.sphinx("html", testroot="previews")
def test_the_script_and_style_are_loaded(app):
    app.build()
    tree = built(app, "essay")
    scripts = tree.xpath('//script[contains(@src, "previews.js")]')
    assert len(scripts) == 1 and scripts[0].get("defer") is not None
    assert tree.xpath('//link[@rel="stylesheet"][contains(@href, "previews.css")]')


def assert_latex_has_no_back_links(outdir: Path) -> None:
    (tex_file,) = Path(outdir).glob("*.tex")
    tex = tex_file.read_text()
    assert r"\hyperref[\detokenize{essay:ref-kim2022missile}]" in tex  # citations link on
    assert "cite-" not in tex
    assert "Back to" not in tex and "↑" not in tex


@pytest.mark.sphinx("latex", testroot="previews")
def test_latex_has_no_citation_ids_or_back_links(app):
    app.build()
    assert_latex_has_no_back_links(Path(app.outdir))


def test_latex_after_html_from_the_same_doctrees_has_none_either(make_app, rootdir, tmp_path):
    import shutil

    srcdir = tmp_path / "previews"
    shutil.copytree(rootdir / "test-previews", srcdir)
    make_app("html", srcdir=srcdir).build()
    latex = make_app("latex", srcdir=srcdir)
    latex.build()
    assert_latex_has_no_back_links(Path(latex.outdir))


def test_a_work_cited_more_than_26_times_numbers_its_back_links(make_app, rootdir, tmp_path):
    import shutil

    srcdir = tmp_path / "previews"
    shutil.copytree(rootdir / "test-previews", srcdir)
    essay = srcdir / "essay.md"
    many = "".join(f"Claim {n} {{cite:p}}`kim2022missile`.\n" for n in range(27))
    essay.write_text(essay.read_text() + "\n" + many)
    app = make_app("html", srcdir=srcdir)
    app.build()
    assert warnings_of(app) == []
    entry = built(app, "essay").xpath('//p[@id="ref-kim2022missile"]')[0]
    marks = [a.text_content() for a in entry.xpath('.//a[@class="backlink"]')]
    assert marks == [str(n) for n in range(1, 31)]  # the root's own 3, then these 27


def test_corpus_pages_have_back_links_but_the_bibliography_does_not(corpus_html):
    tree = lxml_html.fromstring((corpus_html / ESSAY).read_text())
    ids = tree.xpath('//span[contains(@class, "citation")]//a/@id')
    assert ids and all(re.fullmatch(r"cite-[a-z0-9]+-\d+", i) for i in ids)
    hrefs = tree.xpath('//div[contains(@class, "reference-list")]//a[@class="backlink"]/@href')
    assert sorted(hrefs) == sorted(f"#{i}" for i in ids)
    # a, b, c ... or, for a work cited more than 26 times, 1, 2, 3 ...
    for entry in tree.xpath('//div[contains(@class, "reference-list")]/p'):
        marks = [a.text_content() for a in entry.xpath('.//a[@class="backlink"]')]
        if len(marks) > 1:
            expected = "abcdefghijklmnopqrstuvwxyz" if len(marks) <= 26 else range(1, 100)
            assert marks == [str(m) for m in expected][: len(marks)], marks
    bibliography = lxml_html.fromstring((corpus_html / "bibliography.html").read_text())
    assert bibliography.xpath('//*[contains(@class, "backlink")]') == []


# -- In the browser -------------------------------------------------------------------


def entry_text(page, entry_id: str) -> str:
    """What the reader sees of a References entry, its back-links left out."""
    return page.evaluate(
        """(id) => {
            const entry = document.getElementById(id);
            const back = entry.querySelector('.backlinks');
            back.style.display = 'none';
            const text = entry.innerText;
            back.style.display = '';
            return text;
        }""",
        entry_id,
    )


def citation_with_emphasis(page):
    """The first citation link whose entry has italics."""
    href = page.evaluate(
        """() => [...document.querySelectorAll('span.citation a')]
            .map(a => a.getAttribute('href'))
            .find(h => document.getElementById(h.slice(1)).querySelector('em'))"""
    )
    return page.locator(f'span.citation a[href="{href}"]').first


def box(locator) -> dict:
    value = locator.bounding_box()
    assert value is not None
    return value


def test_hover_shows_the_references_entry(site, tab):
    tab.goto(f"{site}/{ESSAY}")
    link = citation_with_emphasis(tab)
    href = link.get_attribute("href")
    # the native tooltip has moved aside: one tooltip, not two
    assert link.get_attribute("title") is None
    assert link.get_attribute("data-preview-title")
    tip = tab.locator(TIP)
    expect(tip).to_be_hidden()
    link.hover()
    expect(tip).to_be_visible()
    assert tip.get_attribute("role") == "tooltip"
    assert squeeze(tip.inner_text()) == squeeze(entry_text(tab, href[1:]))
    # with its italics, and without links or duplicate ids
    assert tip.locator("em").count() == tab.locator(f"{href} em").count() > 0
    assert tip.locator("a, [id]").count() == 0
    screenshot(tab, "preview-citation-desktop", full_page=False)
    # it stays while the pointer rests, and leaves with it
    tab.wait_for_timeout(PAST_HIDE_DELAY)
    expect(tip).to_be_visible()
    tab.mouse.move(DESKTOP["width"] - 5, DESKTOP["height"] - 5)
    expect(tip).to_be_hidden()
    assert link.get_attribute("aria-describedby") is None


def test_the_pointer_can_move_onto_the_popup(site, tab):
    tab.goto(f"{site}/{ESSAY}")
    link = tab.locator("span.citation a").first
    link.hover()
    tip = tab.locator(TIP)
    expect(tip).to_be_visible()
    start, end = box(link), box(tip)
    tab.mouse.move(start["x"] + 2, start["y"] + start["height"] / 2)
    tab.mouse.move(end["x"] + 10, end["y"] + end["height"] / 2, steps=12)
    tab.wait_for_timeout(PAST_HIDE_DELAY)
    expect(tip).to_be_visible()
    # from the popup back onto the link, still open
    tab.mouse.move(start["x"] + 2, start["y"] + start["height"] / 2, steps=12)
    tab.wait_for_timeout(PAST_HIDE_DELAY)
    expect(tip).to_be_visible()


def focus_by_tab(page, locator) -> None:
    """Give *locator* keyboard focus: focus a stop placed just before it, press Tab."""
    locator.evaluate(
        """el => {
            const stop = document.createElement('span');
            stop.tabIndex = 0;
            stop.id = 'test-focus-stop';
            el.before(stop);
            stop.focus();
        }"""
    )
    page.keyboard.press("Tab")
    page.evaluate("document.getElementById('test-focus-stop').remove()")
    assert locator.evaluate("el => document.activeElement === el")


def test_keyboard_focus_shows_it_and_escape_hides_it(site, tab):
    tab.goto(f"{site}/{ESSAY}")
    link = tab.locator("span.citation a").nth(1)
    tip = tab.locator(TIP)
    focus_by_tab(tab, link)
    expect(tip).to_be_visible()
    assert link.get_attribute("aria-describedby") == tip.get_attribute("id") == "peninsula-preview"
    assert squeeze(tip.inner_text()) == squeeze(entry_text(tab, link.get_attribute("href")[1:]))
    # the focus is visible
    assert link.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    # Esc hides the popup and leaves the focus where it was
    tab.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    assert link.get_attribute("aria-describedby") is None
    assert link.evaluate("el => document.activeElement === el")
    # the next Tab moves on as usual, and shows the next link's preview
    tab.keyboard.press("Tab")
    assert link.evaluate("el => document.activeElement !== el")


def test_a_click_still_jumps_to_the_entry(site, tab):
    tab.goto(f"{site}/{ESSAY}")
    link = tab.locator("span.citation a").nth(2)
    href = link.get_attribute("href")
    link.click()
    assert tab.evaluate("location.hash") == href
    expect(tab.locator(f"p{href}")).to_be_in_viewport()


def test_it_flips_above_when_there_is_no_room_below(site, tab):
    tab.goto(f"{site}/{ESSAY}")
    link = tab.locator("span.citation a").nth(3)
    # the link 30 px above the bottom of the window
    link.evaluate("el => window.scrollBy(0, el.getBoundingClientRect().bottom - innerHeight + 30)")
    link.hover()
    tip = tab.locator(TIP)
    expect(tip).to_be_visible()
    assert tip.get_attribute("data-side") == "above"
    assert box(tip)["y"] + box(tip)["height"] <= box(link)["y"]
    assert box(tip)["y"] >= 0


def touch_phone(browser):
    return browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)


def test_on_a_phone_a_tap_previews_and_a_second_tap_follows(site, browser):
    context = touch_phone(browser)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(f"{site}/{ESSAY}")
    tip = page.locator(TIP)
    for index in range(page.locator("span.citation a").count()):
        link = page.locator("span.citation a").nth(index)
        href = link.get_attribute("href")
        link.tap()
        expect(tip).to_be_visible()
        assert page.evaluate("location.hash") == ""
        # inside the phone's screen, with a margin
        popup = box(tip)
        assert popup["x"] >= 4 and popup["x"] + popup["width"] <= PHONE["width"] - 4, popup
        assert popup["y"] >= 0 and popup["y"] + popup["height"] <= PHONE["height"], popup
        assert horizontal_overflow(page) == 0
        if index == 0:
            screenshot(page, "preview-citation-phone", full_page=False)
        if index == 4:
            break
        # the popup may cover the next citation: close it (Esc works here too)
        page.keyboard.press("Escape")
        expect(tip).to_be_hidden()
    # a second tap on the same citation follows the link
    link.tap()
    assert page.evaluate("location.hash") == href
    expect(tip).to_be_hidden()
    context.close()
    assert errors == []


def test_on_a_phone_a_term_previews_its_definition_too(site, browser, corpus_html):
    context = touch_phone(browser)
    page = context.new_page()
    page.goto(f"{site}/{ESSAY}")
    link = page.locator('article a[href$="glossary.html#term-NLL"]').first
    link.tap()
    tip = page.locator(TIP)
    expect(tip).to_be_visible()
    term, definition = glossary_entry(corpus_html, "term-NLL")
    assert squeeze(tip.inner_text()) == f"{term} {definition}"
    popup = box(tip)
    assert popup["x"] >= 4 and popup["x"] + popup["width"] <= PHONE["width"] - 4, popup
    assert page.url.endswith(ESSAY)
    link.tap()
    page.wait_for_url("**/glossary.html#term-NLL")
    context.close()


def test_a_tap_elsewhere_closes_the_preview(site, browser):
    context = touch_phone(browser)
    page = context.new_page()
    page.goto(f"{site}/{ESSAY}")
    page.locator("span.citation a").first.tap()
    tip = page.locator(TIP)
    expect(tip).to_be_visible()
    page.locator("h1").tap()
    expect(tip).to_be_hidden()
    assert page.evaluate("location.hash") == ""
    context.close()


def glossary_entry(corpus_html: Path, term_id: str) -> tuple[str, str]:
    tree = lxml_html.fromstring((corpus_html / "glossary.html").read_text())
    dt = tree.get_element_by_id(term_id)
    dd = dt.xpath("following-sibling::dd[1]")[0]
    return squeeze(dt.text_content().rstrip("¶")), squeeze(dd.text_content())


def test_a_term_shows_its_definition_from_the_glossary(site, tab, corpus_html):
    tab.goto(f"{site}/{ESSAY}")
    link = tab.locator('article a[href$="glossary.html#term-DMZ"]').first
    assert link.get_attribute("data-preview") == "term"
    link.hover()
    tip = tab.locator(TIP)
    expect(tip).to_be_visible()
    term, definition = glossary_entry(corpus_html, "term-DMZ")
    assert squeeze(tip.locator(".preview-title").inner_text()) == term == "DMZ"
    assert squeeze(tip.inner_text()) == f"{term} {definition}"
    assert tip.locator("a, [id]").count() == 0
    screenshot(tab, "preview-term", full_page=False)
    # by keyboard too, and on the glossary page itself from its own DOM
    tab.goto(f"{site}/glossary.html")
    link = tab.locator('dd a[href="#term-DMZ"]').first
    focus_by_tab(tab, link)
    expect(tip).to_be_visible()
    assert squeeze(tip.inner_text()) == f"{term} {definition}"


def test_an_event_shows_its_date_title_and_description(site, tab, corpus_html):
    tab.goto(f"{site}/{ESSAY}")
    link = tab.locator('article a[href$="chronology.html#event-singapore-summit"]').first
    assert link.get_attribute("data-preview") == "event"
    link.hover()
    tip = tab.locator(TIP)
    expect(tip).to_be_visible()
    tree = lxml_html.fromstring((corpus_html / "chronology.html").read_text())
    dt = tree.get_element_by_id("event-singapore-summit")
    dd = dt.xpath("following-sibling::dd[1]")[0]
    heading = squeeze(tip.locator(".preview-title").inner_text())
    assert heading == squeeze(dt.text_content()) == "June 12, 2018 — Singapore summit"
    assert squeeze(tip.inner_text()) == f"{heading} {squeeze(dd.text_content())}"
    assert tip.locator("a, [id]").count() == 0
    screenshot(tab, "preview-event", full_page=False)


def test_a_page_opened_from_disk_keeps_plain_term_links(tab, corpus_html):
    # file:// gives the script no page to fetch: no preview, no error, a plain link
    tab.goto((corpus_html / ESSAY).as_uri())
    term = tab.locator('article a[href$="glossary.html#term-DMZ"]').first
    term.hover()
    tab.wait_for_timeout(PAST_HIDE_DELAY)
    expect(tab.locator(TIP)).to_be_hidden()
    term.click()
    assert tab.url.endswith("glossary.html#term-DMZ")
    # citations still preview: their entries are on the page
    tab.go_back()
    tab.locator("span.citation a").first.hover()
    expect(tab.locator(TIP)).to_be_visible()


def test_back_links_return_to_the_citing_place(site, tab):
    tab.goto(f"{site}/{ESSAY}")
    ids = tab.eval_on_selector_all("span.citation a", "links => links.map(a => a.id)")
    hrefs = tab.eval_on_selector_all(
        "a.backlink", "links => links.map(a => a.getAttribute('href'))"
    )
    assert ids and sorted(hrefs) == sorted(f"#{i}" for i in ids)
    back = tab.get_by_role("link", name="Back to citation 2 of 2").first
    href = back.get_attribute("href")
    # small, but its focus is visible
    focus_by_tab(tab, back)
    assert back.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    back.click()
    assert tab.evaluate("location.hash") == href
    citing = tab.locator(href)
    expect(citing).to_be_in_viewport()
    assert citing.evaluate("el => el.closest('span.citation') !== null")
    # the reader has just read the reference: no popup covers the sentence
    tab.wait_for_timeout(PAST_HIDE_DELAY)
    expect(tab.locator(TIP)).to_be_hidden()
    # nor when the page is opened at a citation (the browser focuses it)
    tab.goto("about:blank")
    tab.goto(f"{site}/{ESSAY}{href}")
    expect(citing).to_be_in_viewport()
    assert citing.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"
    tab.wait_for_timeout(PAST_HIDE_DELAY)
    expect(tab.locator(TIP)).to_be_hidden()


def test_without_javascript_links_stay_plain(site, browser):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/{ESSAY}")
    link = page.locator("span.citation a").first
    assert link.get_attribute("title").startswith("Chatterji, P., & Gurudatha, N. (2023).")
    assert link.get_attribute("data-preview") is None
    link.hover()
    assert page.locator(TIP).count() == 0
    href = link.get_attribute("href")
    link.click()
    assert page.evaluate("location.hash") == href  # a plain in-page link
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_open_preview_passes_axe(site, browser, scheme):
    context = browser.new_context(viewport=DESKTOP, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{site}/{ESSAY}")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(19, 20, 22)" if scheme == "dark" else "rgb(255, 255, 255)")
    citation_with_emphasis(page).hover()
    expect(page.locator(TIP)).to_be_visible()
    if scheme == "dark":
        screenshot(page, "preview-dark", full_page=False)
    assert axe_violations(page) == []
    # a term's preview, fetched from the glossary, too
    page.mouse.move(DESKTOP["width"] - 5, DESKTOP["height"] - 5)
    page.locator('article a[href$="glossary.html#term-DMZ"]').first.hover()
    expect(page.locator(TIP)).to_contain_text("strip of land")
    assert axe_violations(page) == []
    context.close()
