"""Every page of the site is valid HTML by the Nu Html Checker (vnu, the
checker behind validator.w3.org/nu), run once over every HTML page of the
corpus and of the versioned corpus (a revised essay with its earlier versions,
a retracted one).

vnu is npm's ``vnu-jar`` (package-lock.json), run with Debian's Java; `make
test` installs both, and without them these tests fail. The pages are checked
as a host serves them, from a server on 127.0.0.1: vnu also checks what a page
loads against the page's Content-Security-Policy (peninsula.pages.security), and a
page read from a ``file:`` address has no origin, so ``'self'`` would match
none of its own scripts, stylesheets and pictures and vnu would report every
one as blocked. vnu refuses loopback addresses unless told otherwise
(``nu.validator.servlet.allow-forbidden-hosts``).

No page may have an error. The warnings left are the ones judged below, each
checked to point at the element it was judged on; any other fails the test
with its file and line.

* "Consider using the h1 element as a top-level heading only": the page's
  title is an ``<h1>`` inside docutils' ``<section>`` inside furo's
  ``<article>``, two sectioning elements deep. The warning is for pages with
  an ``<h1>`` per section, which a screen reader would read as so many
  top-level headings; each of ours has one ``<h1>``, its first heading, and
  every other heading is ``<h2>`` to ``<h6>`` (checked below), so its one
  top-level heading is the page's title, which is what the warning asks.
* "Article lacks heading": the same structure seen from furo's ``<article>``,
  whose heading is its section's. That ``<article>`` carries ``role="main"``:
  assistive technology meets it as the page's main landmark, not as an
  article, and the landmark opens with the page's ``<h1>``. Writing the page
  without docutils' outer ``<section>``, or furo's main element as other than
  an ``<article>``, would change the structure that the theme's styles, ours
  and the other tests address, for no difference a reader's software makes.
* "Inline script violates Content Security Policy": the essay's JSON-LD
  (peninsula.pages.head), ``<script type="application/ld+json">``. HTML makes a
  script element of that type a data block, which is never run, so the
  policy is never asked about it; Chromium reports no violation on any page
  (tests/pages/test_security.py). vnu counts every inline ``<script>`` alike.

vnu's notes below a warning are only that a void element's trailing slash
(Sphinx's ``<meta ... />``, ``<link ... />``) has no effect.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser import serve
from lxml import html as lxml_html

REPO = Path(__file__).resolve().parents[2]
#: the checker, as `npm ci` installs it from package-lock.json
VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: lets vnu fetch from 127.0.0.1
ALLOW_LOOPBACK = "-Dnu.validator.servlet.allow-forbidden-hosts=true"

#: every kind of page the site has; a page of a kind not listed fails the test
PAGE_KINDS = [
    "front page",
    "essay",
    "earlier version",
    "topic index",
    "topic page",
    "author index",
    "author page",
    "bibliography",
    "glossary",
    "chronology",
    "corrections",
    "search",
    "404",
]

# the warnings judged acceptable (see above), by the start of their message
H1_NESTED = "Consider using the “h1” element as a top-level heading only"
ARTICLE_HEADING = "Article lacks heading."
JSON_LD = "Inline script violates Content Security Policy (meta tag): blocked by “script-src”"
#: the element each accepted warning was judged on, as its line in the page starts
JUDGED_AT = {
    H1_NESTED: "<h1 ",
    ARTICLE_HEADING: '<article role="main"',
    JSON_LD: '<script type="application/ld+json">',
}
#: a page written from a document: its title in a <section> in furo's <article>
DOCUMENT = (H1_NESTED, ARTICLE_HEADING)
#: the warnings each kind of page has, each once
ACCEPTED = {kind: DOCUMENT for kind in PAGE_KINDS} | {
    "essay": DOCUMENT + (JSON_LD,),
    "earlier version": DOCUMENT + (JSON_LD,),
    # the search page's <h1> is the <article>'s own (_templates/search.html)
    "search": (),
}
#: vnu's one note below a warning on our pages
TRAILING_SLASH = "Trailing slash on void elements has no effect"

#: the search record's tags as they were, with no name: what the control
#: document gives vnu, to see it find the error it must
CONTROL = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Control</title>
<meta data-pagefind-filter="topic[content]" content="China" />
</head>
<body><main><h1>Control</h1></main></body>
</html>
"""
CONTROL_LINE = 6
MISSING_META_ATTRIBUTE = "Element “meta” is missing one or more of the following attributes"
#: an element that is a heading, in XPath
HEADINGS = " or ".join(f"self::h{level}" for level in range(1, 7))


def page_kind(path: str) -> str:
    """The kind of the page at *path*, from the site's root."""
    parts = path.split("/")
    if parts[0] == "articles":
        return "essay" if len(parts) == 2 else "earlier version"
    if parts[0] in ("topics", "authors"):
        one = parts[0].removesuffix("s")
        return f"{one} index" if parts[1] == "index.html" else f"{one} page"
    return "front page" if path == "index.html" else path.removesuffix(".html")


@dataclass
class Page:
    site: str
    root: Path
    path: str
    messages: list[dict] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return page_kind(self.path)

    @property
    def file(self) -> Path:
        return self.root / self.path

    def line(self, number: int) -> str:
        return self.file.read_text(encoding="utf-8").splitlines()[number - 1].strip()

    def where(self, message: dict) -> str:
        return f"{self.site}/{self.path}:{message.get('lastLine', '?')}"

    def errors(self) -> list[dict]:
        return [m for m in self.messages if m["type"] != "info"]

    def warnings(self) -> list[dict]:
        return [m for m in self.messages if m["type"] == "info" and m.get("subType") == "warning"]

    def notes(self) -> list[dict]:
        return [m for m in self.messages if m["type"] == "info" and "subType" not in m]


def describe(page: Page, message: dict) -> str:
    extract = " ".join(message.get("extract", "").split())
    return f"{page.where(message)}: {message['type']}: {message['message']} [{extract[:120]}]"


def site_pages(site: str, root: Path) -> list[Page]:
    """Every HTML page of a built site; not the assets, not the search index."""
    paths = (p.relative_to(root).as_posix() for p in root.rglob("*.html"))
    return [
        Page(site, root, path)
        for path in sorted(paths)
        if path.split("/")[0] not in ("_static", "_images", "pagefind")
    ]


def run_vnu(targets: list[str]) -> list[dict]:
    """vnu's messages on *targets* (addresses or files), in one run."""
    java = shutil.which("java")
    assert java, "java is not installed: run `make test` (it installs default-jre-headless)"
    assert VNU.is_file(), f"the Nu Html Checker is not installed at {VNU}: run `make test` (npm ci)"
    result = subprocess.run(
        [java, ALLOW_LOOPBACK, "-jar", str(VNU), "--format", "json", "--exit-zero-always"]
        + targets,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # the report is written to standard error, after anything Java says first
    start = re.search(r"^\{", result.stderr, re.MULTILINE)
    assert start, result.stderr
    report, _ = json.JSONDecoder().raw_decode(result.stderr[start.start() :])
    return report["messages"]


@dataclass
class Checked:
    pages: list[Page]
    control: list[dict]
    stray: list[dict]


@pytest.fixture(scope="module")
def checked(corpus_html, versioned_html, tmp_path_factory) -> Checked:
    """vnu's messages on every page of both sites and on the control document."""
    control = tmp_path_factory.mktemp("vnu") / "control.html"
    control.write_text(CONTROL, encoding="utf-8")
    sites = {"corpus": corpus_html, "versioned": versioned_html}
    pages: dict[str, Page] = {}
    with contextlib.ExitStack() as stack:
        for site, root in sites.items():
            address = stack.enter_context(serve(root))
            for page in site_pages(site, root):
                pages[f"{address}/{page.path}"] = page
        messages = run_vnu(list(pages) + [str(control)])
    stray, control_messages = [], []
    for message in messages:
        url = message.get("url", "")
        if url in pages:
            pages[url].messages.append(message)
        elif url.startswith("file:") and Path(urlsplit(url).path) == control:
            control_messages.append(message)
        else:
            stray.append(message)
    return Checked(list(pages.values()), control_messages, stray)


def of_kind(checked: Checked, kind: str) -> list[Page]:
    pages = [p for p in checked.pages if p.kind == kind]
    assert pages, f"no page of kind {kind!r} was checked"
    return pages


def test_checker_finds_an_error(checked):
    """The harness sees what vnu reports: the search record's old tags, which
    had no name, are the error they were."""
    errors = [m for m in checked.control if m["type"] != "info"]
    assert [(m["message"].startswith(MISSING_META_ATTRIBUTE), m["lastLine"]) for m in errors] == [
        (True, CONTROL_LINE)
    ], errors


def test_every_page_checked_is_of_a_known_kind(checked):
    kinds = Counter(page.kind for page in checked.pages)
    assert set(kinds) == set(PAGE_KINDS), kinds
    assert {page.site for page in checked.pages} == {"corpus", "versioned"}
    assert checked.stray == []


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_no_errors(checked, kind):
    found = [describe(p, m) for p in of_kind(checked, kind) for m in p.errors()]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_only_the_accepted_warnings(checked, kind):
    """Each page has exactly the warnings its kind was judged to have, each
    once and at the element it was judged on."""
    found = []
    for page in of_kind(checked, kind):
        seen = Counter()
        for message in page.warnings():
            accepted = next((a for a in ACCEPTED[kind] if message["message"].startswith(a)), None)
            if accepted is None:
                found.append(describe(page, message))
                continue
            seen[accepted] += 1
            if not page.line(message["lastLine"]).startswith(JUDGED_AT[accepted]):
                found.append("not where it was judged: " + describe(page, message))
        if seen != Counter(ACCEPTED[kind]):
            found.append(f"{page.site}/{page.path}: {dict(seen)}, not one each of {ACCEPTED[kind]}")
    assert found == [], "\n".join(found)


def test_notes_are_only_trailing_slashes(checked):
    found = [
        describe(page, m)
        for page in checked.pages
        for m in page.notes()
        if not m["message"].startswith(TRAILING_SLASH)
    ]
    assert found == [], "\n".join(found)


def test_one_h1_the_first_heading_of_the_main_landmark(checked):
    """What the h1 and article warnings were accepted on: every page has one
    <h1>, in furo's <article role="main">, before any other heading."""
    found = []
    for page in checked.pages:
        tree = lxml_html.fromstring(page.file.read_bytes())
        h1s = tree.xpath("//h1")
        first = tree.xpath(f'(//article[@role="main"]//*[{HEADINGS}])[1]')
        if len(h1s) != 1 or first != h1s:
            found.append(f"{page.site}/{page.path}: {len(h1s)} h1, first heading {first[:1]}")
    assert found == []


def test_one_viewport(checked):
    """furo's viewport tag, and not docutils' beside it (peninsula.theme.accessibility)."""
    found = {}
    for page in checked.pages:
        tree = lxml_html.fromstring(page.file.read_bytes())
        tags = tree.xpath('//head/meta[@name="viewport"]/@content')
        if tags != ["width=device-width,initial-scale=1"]:
            found[f"{page.site}/{page.path}"] = tags
    assert found == {}
