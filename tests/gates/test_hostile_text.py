"""Front matter is text, whatever characters it holds: every output shows it as
written, and no character of it becomes markup, a new field or a new tag in
another format; what is not text is refused at its line.

One essay of the gates project (tests/roots/test-gates) gets front matter
written to break each format the site writes (HTML, JSON in a <script>,
Markdown of the author pages, BibTeX, RIS, CSL-JSON, Atom, the search
records, LaTeX, the PDF's metadata), and each output is read back with a real
reader of its format: html5lib, as a browser parses the page; json; pybtex for
BibTeX's structure and pylatexenc for the LaTeX of its values; the citation
clients of tests/clients.py (bibtexparser, rispy, citation-js, classic BibTeX);
feedparser; pypdf. The mistakes are rows through the
gates' harness (tests/harness.py): exactly their message, at their line, on two
builds in a row, the published site untouched.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import html5lib
import pytest
from clients import (
    citation_js,
    downloads,
    expectations,
    page_item,
    plain_bst,
    read_downloads,
    same,
)
from harness import assert_refused, copy_project, messages, staged_build, tree_digest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html
from peninsula.pages.cite import bibtex_text
from peninsula.works import apa
from pybtex.database import parse_string
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pypdf import PdfReader
from sphinx.util import texescape

ESSAY = "articles/the-line.md"

# -- The hostile essay ----------------------------------------------------------

#: braces in a title or subtitle mark protected capitals, and are not shown
TITLE = "Trade Fell 90% after {Pyongyang} Tested, $5 & ^ ~ -- '' \"q\" ,, &amp; 50%"
SUBTITLE = "A {50% cut} in aid ?` !` ``x``: \\textbf{x}, {{ 7*7 }} and {% raw %} </script><!--<script> #_ @"
ABSTRACT = (
    "An abstract <!--<script> rose}, note = {injected}, howpublished = {x \\end{document} %"
    "\nTY  - JOUR \u2028 ]]> &amp; </script> \\u2028 \\"
    "\nER  - \nA2  - Mallory, Eve \"quoted\" & 'single'"
)
NAME = "[Jane Roe](https://evil.example/) <script>alert(1)</script> O'Brien {x} %"
#: a name BibTeX would split at its comma and its "and": one braced name
GROUPED = "King, Jr., Martin and Coretta"
HANGUL = "김민준"
AFFILIATION = "Dept. of <i>&amp;</i> {50%} \\relax ~ `{role}`x``"


def one_line(text: str) -> str:
    """As every output shows a field: its spaces and line breaks one space."""
    return " ".join(text.split())


def shown(text: str) -> str:
    """As every output shows a title: braces out, spaces single."""
    return one_line(text.replace("{", "").replace("}", ""))


FULL_TITLE = f"{shown(TITLE)}: {shown(SUBTITLE)}"
URL = "https://peninsula-papers.readthedocs.io/en/latest/articles/the-line.html"
NAMES = [one_line(NAME), GROUPED, HANGUL]
SLUGS = [
    "jane-roe-https-evil-example-script-alert-1-script-o-brien-x",
    "king-jr-martin-and-coretta",
]
SLUGS.append("gimminjun")


def yaml_text(text: str) -> str:
    """*text* as a YAML double-quoted scalar (JSON's string form is one)."""
    return json.dumps(text)


HOSTILE = f"""---
title: {yaml_text(TITLE)}
subtitle: {yaml_text(SUBTITLE)}
authors:
  - name: {yaml_text(NAME)}
    affiliation: {yaml_text(AFFILIATION)}
    orcid: 0000-0002-1825-0097
  - name: {yaml_text(GROUPED)}
  - name: {HANGUL}
date: 2023-02
abstract: {yaml_text(ABSTRACT)}
topics: [northern-limit-line]
license: CC-BY-4.0
---

(the-line-sea)=
## The sea

The {{term}}`Northern Limit Line <NLL>` runs between the islands {{cite:p}}`chang2015revisiting`.
A missile fell south of it on {{ref}}`November 2, 2022 <event-missile-barrage>`
{{cite:p}}`kim2022missile`.
"""


@pytest.fixture(scope="module")
def hostile(published_root, tmp_path_factory) -> Path:
    """The gates project with the hostile essay, built as `make html` does."""
    srcdir = copy_project(published_root, tmp_path_factory.mktemp("hostile") / "project")
    (srcdir / ESSAY).write_text(HOSTILE, encoding="utf-8")
    result = staged_build(srcdir)
    assert result.returncode == 0 and messages(result, srcdir) == [], result.stderr
    return srcdir / "_build" / "html"


def browser_tree(path: Path):
    """The page as a browser parses it (HTML5's rules for <script> included)."""
    return html5lib.parse(
        path.read_bytes(), treebuilder="lxml", namespaceHTMLElements=False
    ).getroot()


def text_of(element) -> str:
    """The text of an element without its heading link."""
    return "".join(element.xpath("text() | *[not(contains(@class, 'headerlink'))]//text()"))


def words(element) -> str:
    return " ".join("".join(element.itertext()).split())


# -- Readers of BibTeX and RIS --------------------------------------------------------


def latex_reader() -> LatexNodes2Text:
    """LaTeX to text as LaTeX prints it: pylatexenc's tables lack
    ``\\textbraceleft``/``\\textbraceright`` and map ``\\textasciicircum`` to
    U+02C6, where LaTeX prints ``{``, ``}`` and ``^``."""
    context = get_default_latex_context_db()
    context.add_context_category(
        "latex-text-symbols",
        macros=[
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textasciicircum", "^"),
        ],
        prepend=True,
    )
    return LatexNodes2Text(latex_context=context, math_mode="verbatim", strict_latex_spaces=True)


READER = latex_reader()


def read_bib(text: str):
    bib = parse_string(text, "bibtex")
    (entry,) = bib.entries.values()
    return entry


def person_text(person) -> str:
    parts = person.first_names + person.middle_names + person.prelast_names + person.last_names
    return " ".join(READER.latex_to_text(part) for part in parts)


def parse_ris(text: str) -> list[tuple[str, str]]:
    """RIS as its lines of ``TAG  - value``; any other line is an error."""
    pairs = []
    for line in text.splitlines():
        tag, sep, value = line[:2], line[2:6], line[6:]
        assert sep == "  - " and re.fullmatch("[A-Z][A-Z0-9]", tag), line
        pairs.append((tag, value))
    return pairs


# -- Every output shows the text as written ----------------------------------------------


def test_json_ld_reads_back_in_a_browser(hostile):
    tree = browser_tree(hostile / "articles" / "the-line.html")
    (script,) = tree.xpath('//script[@type="application/ld+json"]')
    # nothing of the record can end the element or open a comment in it
    assert not re.search("[<>&\u2028\u2029]", script.text)
    data = json.loads(script.text)
    assert data["headline"] == shown(TITLE)
    assert data["alternativeHeadline"] == shown(SUBTITLE)
    assert data["abstract"] == one_line(ABSTRACT)
    assert [a["name"] for a in data["author"]] == NAMES
    assert data["author"][0]["affiliation"]["name"] == AFFILIATION
    # the page after the element is still the page
    assert tree.xpath('//*[contains(@class, "essay-abstract")]')


def test_bibtex_download_reads_back_field_by_field(hostile):
    download = (hostile / "cite" / "the-line.bib").read_text(encoding="utf-8")
    page = lxml_html.fromstring((hostile / "articles" / "the-line.html").read_bytes())
    (block,) = page.xpath('//div[contains(@class, "highlight-bibtex")]//pre')
    assert block.text_content() == download
    entry = read_bib(download)
    # the address for classic styles, and what biblatex leaves out: LaTeX, not text
    assert entry.fields["note"] == f"\\url{{{URL}}}"
    assert entry.fields["execute"] == "\\clearfield{note}\\clearlist{language}"
    fields = {
        name: READER.latex_to_text(value)
        for name, value in entry.fields.items()
        if name not in ("note", "execute")
    }
    # the title keeps the spaces inside its braces, as the page's title does
    assert " ".join(fields.pop("title").split()) == FULL_TITLE
    assert fields == {
        "journal": "Peninsula Papers",
        "date": "2023-02",
        "year": "2023",
        "month": "February",
        "publisher": "Peninsula Papers",
        "url": URL,
        "language": "en",
        "langid": "english",
        "keywords": "Northern Limit Line",
        "abstract": one_line(ABSTRACT),
    }
    assert [person_text(p) for p in entry.persons["author"]] == NAMES
    assert [person_text(p) for p in entry.persons["editor"]] == ["Editors of Peninsula Papers"]


def test_ris_download_has_only_its_own_tags(hostile):
    pairs = parse_ris((hostile / "cite" / "the-line.ris").read_text(encoding="utf-8"))
    assert [tag for tag, _ in pairs] == [
        "TY", "ID", "AU", "AU", "AU", "A2", "TI", "T2", "JF", "Y1", "PB", "UR", "N2", "KW", "ER",
    ]  # fmt: skip
    values = dict(pairs[5:])
    assert " ".join(values["TI"].split()) == FULL_TITLE
    assert values["N2"] == one_line(ABSTRACT)
    first, grouped, hangul = [v for tag, v in pairs if tag == "AU"]
    family, given = first.split(", ", 1)
    assert (f"{given} {family}", grouped, hangul) == (NAMES[0], GROUPED, HANGUL)


def test_every_client_reads_the_downloads_as_the_page(hostile):
    """bibtexparser, rispy and citation-js read each field as the page gives it.
    RIS writes a name "Family, Given": a name written with a comma, which
    BibTeX braces and CSL-JSON gives as one literal name, is read in RIS as
    a person's parts (its text is there, as test_ris_download_has_only_its_own_tags
    reads it)."""
    page = hostile / "articles" / "the-line.html"
    found = downloads(hostile, page)
    expected = page_item(page)
    assert expected.title == FULL_TITLE and expected.abstract == one_line(ABSTRACT)
    assert [n.text for n in expected.authors] == NAMES
    wanted = expectations(expected, None)
    got = read_downloads(found, citation_js(list(found.values())))
    for (suffix, client), item in got.items():
        want = wanted[(suffix, client)]
        if suffix == "ris":
            plain = [i for i, name in enumerate(NAMES) if "," not in name]
            assert [item.authors[i].text for i in plain] == [NAMES[i] for i in plain]
            item, want = replace(item, authors=()), replace(want, authors=())
        same(item, want, f"the-line {suffix} {client}")


def test_classic_bibtex_reads_the_download_as_the_page(hostile, tmp_path):
    (printed,) = plain_bst([hostile / "cite" / "the-line.bib"], tmp_path).values()
    # plain.bst sets the title in sentence case
    assert FULL_TITLE.casefold() in printed.casefold()
    assert f"{NAMES[0]}, {GROUPED}, and {HANGUL}." in printed
    assert f"Peninsula Papers, February 2023. {URL}." in printed


def test_the_apa_reference_is_whole(hostile):
    page = lxml_html.fromstring((hostile / "articles" / "the-line.html").read_bytes())
    (reference,) = page.xpath('//p[contains(@class, "cite-apa")]')
    text = words(reference)
    # APA sets the title in sentence case; every character of it is there
    assert FULL_TITLE.casefold() in text.casefold()
    assert f", {GROUPED}, & {HANGUL}. (2023, February). " in text
    assert not reference.xpath(".//a[contains(@href, 'evil.example')]")


def test_the_page_shows_the_text_and_links_nothing_of_it(hostile):
    path = hostile / "articles" / "the-line.html"
    tree = browser_tree(path)
    assert text_of(tree.xpath("//h1")[0]) == shown(TITLE)
    assert tree.xpath("//title")[0].text.startswith(shown(TITLE) + " - ")
    (subtitle,) = tree.xpath('//p[contains(@class, "essay-subtitle")]')
    assert subtitle.text == shown(SUBTITLE)
    byline = tree.xpath('//*[contains(@class, "essay-authors")]//a')
    assert [words(a) for a in byline] == NAMES
    assert [a.get("href") for a in byline] == [f"../authors/{slug}.html" for slug in SLUGS]
    (affiliations,) = tree.xpath('//p[contains(@class, "essay-affiliations")]')
    assert affiliations.text == f"{NAMES[0]}, {AFFILIATION}"
    (abstract,) = tree.xpath('//*[contains(@class, "essay-abstract")]/p[not(@class)]')
    assert abstract.text == one_line(ABSTRACT)
    assert not tree.xpath("//a[contains(@href, 'evil.example')]")
    assert not tree.xpath("//script[normalize-space(text()) = 'alert(1)']")
    head = tree.xpath("//head")[0]
    assert head.xpath('./meta[@name="citation_title"]/@content') == [FULL_TITLE]
    assert head.xpath('./meta[@name="citation_author"]/@content') == NAMES
    assert head.xpath('./meta[@name="citation_author_institution"]/@content') == [AFFILIATION]
    assert head.xpath('./meta[@name="citation_abstract"]/@content') == [one_line(ABSTRACT)]
    assert head.xpath('./meta[@property="og:title"]/@content') == [shown(TITLE)]
    filters = head.xpath('./meta[@data-pagefind-filter="author[content]"]/@content')
    assert filters == NAMES


def test_the_feed_and_the_search_catalogue_hold_the_text(hostile):
    feed = feedparser.parse((hostile / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    (entry,) = feed.entries
    assert entry.title == shown(TITLE)
    assert entry.summary == one_line(ABSTRACT)
    assert [a.name for a in entry.authors] == NAMES
    (record,) = json.loads((hostile / "pagefind" / "essays.json").read_text(encoding="utf-8"))
    assert (record["title"], record["author"]) == (shown(TITLE), NAMES)


def test_author_pages_show_each_name_as_text(hostile):
    for name, slug in zip(NAMES, SLUGS, strict=True):
        tree = browser_tree(hostile / "authors" / f"{slug}.html")
        (heading,) = tree.xpath("//h1")
        assert text_of(heading) == name
        assert heading.xpath(".//a/@class") == ["headerlink"]
        assert not tree.xpath("//a[contains(@href, 'evil.example')]")
    index = browser_tree(hostile / "authors" / "index.html")
    listed = [words(a) for a in index.xpath('//ul[contains(@class, "browse-index")]//a')]
    assert sorted(listed) == sorted(NAMES)


def test_every_address_of_the_sitemap_is_ascii(hostile):
    sitemap = etree.parse(str(hostile / "sitemap.xml"))
    addresses = sitemap.xpath("//*[local-name()='loc']/text()")
    assert all(address.isascii() and urlsplit(address).scheme == "https" for address in addresses)
    assert "https://peninsula-papers.readthedocs.io/en/latest/authors/gimminjun.html" in addresses


@pytest.fixture(scope="module")
def hostile_latex(hostile) -> Path:
    """The LaTeX build of the hostile project (as `make latex` does), and the
    hostile essay's PDF compiled from it once by xelatex."""
    srcdir = hostile.parent.parent
    result = staged_build(srcdir, "latex")
    assert result.returncode == 0, result.stderr
    latex = srcdir / "_build" / "latex"
    done = subprocess.run(
        ["xelatex", "-interaction=nonstopmode", "-halt-on-error", "the-line.tex"],
        cwd=latex,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    return latex


def test_text_reaches_latex_through_one_escape(hostile_latex):
    tex = (hostile_latex / "the-line.tex").read_text(encoding="utf-8")
    engine = "xelatex"
    texescape.init()  # the tables the LaTeX builder fills when it starts
    tex_escape = texescape.escape
    byline = f"{NAMES[0]}, {NAMES[1]}, and {NAMES[2]}"
    assert f"\\title{{{tex_escape(shown(TITLE), engine)}}}" in tex
    assert (
        f"\\peninsulaessaytitle{{Peninsula Papers}}{{{tex_escape(shown(SUBTITLE), engine)}}}"
        f"{{{tex_escape(byline, engine)}}}" in tex
    )
    assert HANGUL in tex


def test_the_pdf_fields_hold_the_text(hostile_latex):
    """Title, Author, Subject (the abstract) and Keywords (the topics) of the
    essay's PDF, each as written."""
    meta = PdfReader(hostile_latex / "the-line.pdf").metadata
    assert meta.title == shown(TITLE)
    assert meta.author == f"{NAMES[0]}, {NAMES[1]}, and {NAMES[2]}"
    assert meta.subject == one_line(ABSTRACT)
    assert meta.get("/Keywords") == "Northern Limit Line"


def test_hangul_prints_in_the_pdf(hostile_latex):
    """The Hangul name is set in a face that has it (Noto Serif CJK KR), not
    dropped: XeLaTeX logs each character no font of the page has, and the
    PDF's text holds the name as written."""
    log = (hostile_latex / "the-line.log").read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log
    pages = PdfReader(hostile_latex / "the-line.pdf").pages
    assert HANGUL in " ".join(page.extract_text() for page in pages)


# -- BibTeX text, character by character ----------------------------------------------------

#: what LaTeX or BibTeX reads specially, and what TeX's fonts join
SPECIALS = "\\{}$&%#_^~-'`?!<>,\"@= aZé김"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=SPECIALS.replace(" ", ""), min_size=1), min_size=1, max_size=6))
def test_any_text_reads_back_from_bibtex_and_in_the_cite_box(parts):
    text = " ".join(parts)
    entry = read_bib(f"@online{{key,\n  abstract = {{{bibtex_text(text)}}},\n}}\n")
    assert list(entry.fields) == ["abstract"]
    assert READER.latex_to_text(entry.fields["abstract"]) == text
    assert apa.plain(apa.decode(bibtex_text(text))) == text


# -- What is not text, or not UTF-8, is refused at its line ----------------------------------


def front_matter_warning(line: int, message: str, path: str = ESSAY) -> str:
    return f"{path}:{line}: WARNING: front matter: {message} [essays.front_matter]"


def second_essay(project: Path, name: str) -> None:
    """articles/the-sea.md, signed by *name* on line 4."""
    text = (project / ESSAY).read_text(encoding="utf-8")
    text = text.replace("The Line at Sea", "The Sea").replace("Ada Keeper", name)
    (project / "articles" / "the-sea.md").write_text(text.replace("the-line-sea", "the-sea"))


def edit(project: Path, old: str, new: str) -> None:
    essay = project / ESSAY
    text = essay.read_text(encoding="utf-8")
    assert old in text, old
    essay.write_text(text.replace(old, new, 1), encoding="utf-8")


def billion_laughs() -> str:
    """Nine lines of YAML whose last value is 9**9 items long."""
    lines = ["a: &a [" + ", ".join(['"lol"'] * 9) + "]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines)


BOMB = billion_laughs()


def bomb_messages(path: str, first: int) -> list[str]:
    return [
        front_matter_warning(
            first + offset,
            f"front matter uses the YAML alias '*{name}': write the value out where it is "
            "needed; front matter takes no aliases",
            path,
        )
        for offset, name in enumerate("abcdefgh", start=1)
    ]


ROWS = {
    "control character in the abstract": (
        lambda p: edit(
            p,
            "abstract: A short essay about the line at sea.",
            'abstract: "A short essay \\a about the line at sea."',
        ),
        [
            front_matter_warning(
                7,
                "field 'abstract' holds the control character U+0007, which is not text: delete it",
            )
        ],
    ),
    "terminal escape in a name": (
        lambda p: edit(p, "name: Ada Keeper", 'name: "Ada \\e]0;owned\\a Keeper"'),
        [
            front_matter_warning(
                4,
                "an author's 'name' holds the control character U+001B, which is not text: "
                "delete it",
            )
        ],
    ),
    "two names with one page, in two essays": (
        lambda p: second_essay(p, "Ada-Keeper"),
        [
            front_matter_warning(
                4,
                "author 'Ada-Keeper' would share the page authors/ada-keeper with 'Ada Keeper' "
                "(articles/the-line.md:4): write one person's name the same way everywhere, and "
                "two people's names so that they differ in more than accents, case or punctuation",
                "articles/the-sea.md",
            )
        ],
    ),
    "alias bomb in an essay": (
        lambda p: edit(p, "title: The Line at Sea\n", f"title: The Line at Sea\n{BOMB}\n"),
        bomb_messages(ESSAY, 3),
    ),
    "alias bomb in the glossary": (
        lambda p: (p / "glossary.md").write_text(
            f"---\n{BOMB}\n---\n" + (p / "glossary.md").read_text()
        ),
        bomb_messages("glossary.md", 2),
    ),
    "alias bomb in the front page": (
        lambda p: edit_page(p, "index.md", "nosearch: true\n", f"nosearch: true\n{BOMB}\n"),
        bomb_messages("index.md", 3),
    ),
}


def edit_page(project: Path, page: str, old: str, new: str) -> None:
    path = project / page
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("row", list(ROWS))
def test_what_is_not_text_is_refused(broken_copy, row):
    make_mistake, expected = ROWS[row]
    make_mistake(broken_copy)
    start = time.perf_counter()
    assert_refused(broken_copy, expected)
    assert time.perf_counter() - start < 60  # two builds: no value is expanded


#: where a byte that is not UTF-8 is put: (the file, the text it is put
#: into, the line of that text)
BAD_BYTES = {
    "an essay's body": (ESSAY, (b"runs between", b"runs \xe9 between"), 15),
    "an essay's front matter": (ESSAY, (b"A short essay", b"A short \xe9 essay"), 7),
    "a page of the site": ("glossary.md", (b"The sea boundary", b"The sea \xe9 boundary"), 6),
    # Sphinx cannot build without it (a page of the site is read with the
    # bad byte as U+FFFD, so that what leads into it holds)
    "the root page": ("index.md", (b"nosearch: true", b"nosearch: \xe9true"), 2),
}


@pytest.mark.parametrize("where", list(BAD_BYTES))
def test_a_page_that_is_not_utf8_is_refused_at_its_first_bad_byte(broken_copy, where):
    page, (old, new), line = BAD_BYTES[where]
    # a second essay by the same author: the author's page is made from both
    second_essay(broken_copy, "Ada Keeper")
    path = broken_copy / page
    data = path.read_bytes()
    assert data.count(old) == 1, old
    path.write_bytes(data.replace(old, new))
    assert_refused(
        broken_copy,
        [
            f"{page}:{line}: WARNING: the page is not UTF-8 text: byte 0xE9 is not UTF-8 text: "
            "save the file with the encoding UTF-8 (in most editors, 'Save with encoding' or "
            "'Reopen with encoding', then save) [sources.encoding]"
        ],
    )


def test_an_essay_with_a_byte_order_mark_builds_as_without(broken_copy):
    published = broken_copy / "_build" / "html"
    before = tree_digest(published)
    essay = broken_copy / ESSAY
    essay.write_bytes(b"\xef\xbb\xbf" + essay.read_bytes())
    result = staged_build(broken_copy)
    assert result.returncode == 0 and messages(result, broken_copy) == [], result.stderr
    after = tree_digest(published)

    # Pagefind names its index files by a hash of more than the pages
    def site(digest: dict[str, str]) -> dict[str, str]:
        return {
            path: sha
            for path, sha in digest.items()
            if not path.startswith("pagefind/") or path == "pagefind/essays.json"
        }

    assert site(after) == site(before)
    assert "authors/ada-keeper.html" in after


def test_a_hangul_name_has_its_page_everywhere(broken_copy):
    edit(broken_copy, "name: Ada Keeper", f"name: {HANGUL}")
    result = staged_build(broken_copy)
    assert result.returncode == 0 and messages(result, broken_copy) == [], result.stderr
    html = broken_copy / "_build" / "html"
    assert text_of(browser_tree(html / "authors" / "gimminjun.html").xpath("//h1")[0]) == HANGUL
    essay = browser_tree(html / "articles" / "the-line.html")
    (link,) = essay.xpath('//*[contains(@class, "essay-authors")]//a')
    assert (words(link), link.get("href")) == (HANGUL, "../authors/gimminjun.html")
    (entry,) = feedparser.parse((html / "feed.xml").read_bytes()).entries
    assert [a.name for a in entry.authors] == [HANGUL]


@pytest.mark.parametrize("mark", [b"", b"\xef\xbb\xbf"], ids=["plain", "byte-order mark"])
def test_a_bad_byte_is_placed_at_its_line_with_or_without_a_byte_order_mark(mark):
    from peninsula.core.sources import NotUTF8, decode

    with pytest.raises(NotUTF8) as caught:
        decode(mark + b"line one\nline two\nbad \xff here\n")
    assert caught.value.line == 3
    assert str(caught.value).startswith("byte 0xFF is not UTF-8 text")
