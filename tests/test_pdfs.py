"""One PDF per essay, and its links from the site (peninsula.pdfs).

The tiny project is built to LaTeX only (its .tex files are read); the real
corpus is built to PDF once per session (corpus_latex), then to HTML beside it,
as `make site` does. Missing TeX or poppler fail these tests, never skip them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ANSI, REPO, strict_build, warnings_of
from lxml import html as lxml_html
from peninsula.pdfs import essay_pdf
from pypdf import PdfReader

ESSAYS = sorted(p.stem for p in (REPO / "articles").glob("*.md"))


def squeeze(text: str) -> str:
    """Letters and digits only: line breaks and hyphenation cannot split a match."""
    return re.sub(r"[\W_]+", "", text)


def pdftotext(pdf: Path, first: int = 1, last: int = 0) -> str:
    args = ["pdftotext", "-f", str(first), "-layout", str(pdf), "-"]
    if last:
        args[3:3] = ["-l", str(last)]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def words(element) -> str:
    return " ".join(element.text_content().split())


# -- The tiny project: what the LaTeX builder is given ------------------------------


@pytest.mark.sphinx("latex", testroot="pdfs")
def test_one_latex_document_per_essay_beside_the_collection(app):
    app.build()
    assert warnings_of(app) == []
    out = Path(app.outdir)
    assert sorted(p.name for p in out.glob("*.tex")) == ["collection.tex", "one.tex", "two.tex"]
    collection = (out / "collection.tex").read_text()
    assert r"{sphinxmanual}" in collection and r"\title{A Collection}" in collection
    one = (out / "one.tex").read_text()
    assert r"\documentclass[letterpaper,10pt,english,oneside]{sphinxhowto}" in one
    assert r"\title{The First Essay}" in one
    assert r"\author{Pronoy Chatterji and Naman Gurudatha}" in one
    assert r"\date{February 14, 2023}" in one
    assert (
        r"\peninsulaessaytitle{A Collection}{Its subtitle}{Pronoy Chatterji and Naman Gurudatha}"
        r"{edited by the editors of A Collection}"
    ) in one
    assert r"\sphinxtableofcontents" not in one
    # the title block has them: the header keeps only what it adds
    body = one.split(r"\begin{document}")[1]
    after_title = body.split(r"\peninsulaessaytitle")[1].split("\n", 1)[1]
    assert "Its subtitle" not in after_title
    assert "Pronoy Chatterji and Naman" not in after_title
    # nothing of the other essay
    assert "second" not in one.lower()
    two = (out / "two.tex").read_text()
    # an unsigned original: the PDF's Author field credits the editors as a
    # group, the title block says what readers see on the page
    assert r"\author{Editors of A Collection}" in two and r"\date{2020}" in two
    assert (
        r"\peninsulaessaytitle{A Collection}{}{Unsigned original}{edited by the editors of A Collection}"
    ) in two


@pytest.mark.sphinx("latex", testroot="pdfs")
def test_references_outside_the_pdf_link_to_the_site(app):
    app.build()
    one = (Path(app.outdir) / "one.tex").read_text()
    site = "https://example.org/papers/glossary.html"
    assert re.findall(r"\\sphinxhref\{([^}]*)\}", one) == [
        "https://example.org/papers/topics/sanctions.html",  # the header's topic
        site + r"\#term-NLL",  # {term}
        site + r"\#glossary-nll",  # {ref}, with the section's title as text
        site,  # {doc}
        site,  # a Markdown link
    ]
    assert r"{\DUrole{std-ref}{Lines at sea}}" in one
    assert "glossary:" not in one, "no LaTeX label of a page outside the PDF"
    # within the essay, a reference stays a link inside the PDF
    assert r"\hyperref[\detokenize{articles/one:one-argument}]" in one
    # in the collection, which holds the glossary, the same term is inside
    collection = (Path(app.outdir) / "collection.tex").read_text()
    # where only the pages made for browsing the site are outside it
    outside = set(re.findall(r"\\sphinxhref\{([^}]*)\}", collection))
    assert {url.rsplit("/", 2)[-2] for url in outside} == {"topics", "authors"}
    assert r"\hyperref[\detokenize{glossary:term-NLL}]" in collection


@pytest.mark.sphinx("html", testroot="pdfs")
def test_the_site_links_the_pdfs_and_says_when_they_are_missing(app):
    app.build()
    assert warnings_of(app) == []
    tree = lxml_html.fromstring((Path(app.outdir) / "articles/one.html").read_text())
    header = tree.xpath('//div[contains(@class, "essay-header")]')[0]
    children = [c.get("class").split()[0] for c in header]
    assert children[:3] == ["essay-subtitle", "essay-byline", "essay-pdf"]
    link = header.xpath('.//p[@class="essay-pdf"]/a')[0]
    assert (words(link), link.get("href")) == ("PDF", "../pdf/one.pdf")
    index = lxml_html.fromstring((Path(app.outdir) / "index.html").read_text())
    assert index.xpath('//a[@href="pdf/collection.pdf"]/text()') == ["PDF edition"]
    status = ANSI.sub("", app.status.getvalue())
    assert "PDFs: none built yet in" in status
    assert "the site's PDF links need `make site`" in status
    assert not (Path(app.outdir) / "pdf").exists()


@pytest.mark.sphinx("html", testroot="pdfs", srcdir="pdfs-copied")
def test_the_site_carries_the_pdfs_of_the_latex_build_beside_it(app):
    latex = Path(app.outdir).parent / "latex"
    latex.mkdir(parents=True, exist_ok=True)
    for name in ("collection", "one"):
        (latex / f"{name}.pdf").write_bytes(b"%PDF-1.5 " + name.encode())
    app.build()
    assert warnings_of(app) == []
    pdf = Path(app.outdir) / "pdf"
    assert sorted(p.name for p in pdf.iterdir()) == ["collection.pdf", "one.pdf"]
    assert (pdf / "one.pdf").read_bytes() == b"%PDF-1.5 one"
    assert "PDFs: two.pdf not built yet" in ANSI.sub("", app.status.getvalue())


def test_essay_pdf_paths():
    assert essay_pdf("articles/broadened-diplomacy") == "pdf/broadened-diplomacy.pdf"


# -- The real corpus ------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(corpus_latex) -> Path:
    """The HTML build beside the PDF build, as `make site` makes it."""
    result = strict_build("html", corpus_latex.parent)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return corpus_latex.parent / "html"


def page(site: Path, docname: str):
    return lxml_html.fromstring((site / f"{docname}.html").read_text())


@pytest.mark.parametrize("essay", ESSAYS)
def test_essay_pdf_opens_with_its_title_block(corpus_latex, site, essay):
    pdf = corpus_latex / f"{essay}.pdf"
    header = page(site, f"articles/{essay}").xpath('//div[contains(@class, "essay-header")]')[0]
    title = words(page(site, f"articles/{essay}").xpath("//h1")[0]).rstrip("¶ ")
    subtitle = words(header.xpath('.//*[contains(@class, "essay-subtitle")]')[0])
    byline = words(header.xpath('.//*[contains(@class, "essay-authors")]')[0])
    date = words(header.xpath('.//*[contains(@class, "essay-date")]')[0])
    first = squeeze(pdftotext(pdf, 1, 1))
    editors = words(header.xpath('.//*[contains(@class, "essay-editors")]')[0])
    assert editors == "edited by the editors of Peninsula Papers"
    block = [
        squeeze(s) for s in ("PENINSULA PAPERS", title, subtitle, byline, editors, date, "Abstract")
    ]
    positions = [first.find(s) for s in block]
    assert -1 not in positions and positions == sorted(positions), (block, positions)
    meta = PdfReader(pdf).metadata
    # the Author field credits the editors as group author of an unsigned original
    credited = "Editors of Peninsula Papers" if byline == "Unsigned original" else byline
    assert (meta.title, meta.author) == (title, credited)


@pytest.mark.parametrize("essay", ESSAYS)
def test_essay_pdf_holds_its_references_and_nothing_of_the_other_essays(corpus_latex, site, essay):
    text = squeeze(pdftotext(corpus_latex / f"{essay}.pdf"))
    tree = page(site, f"articles/{essay}")
    paragraphs = tree.xpath('//section[h2[@id="references"]]//p')
    for backlinks in tree.xpath('//section[h2[@id="references"]]//span[@class="backlinks"]'):
        backlinks.drop_tree()  # the website's way back to the citations; the PDF has none
    entries = [words(p) for p in paragraphs]
    assert len(entries) >= 5
    references = text.rfind(squeeze("References"))
    for entry in entries:
        assert squeeze(entry) in text[references:], entry
    for section in tree.xpath("//article//section/section/h2"):
        assert squeeze(words(section).rstrip("¶")) in text
    for other in ESSAYS:
        if other == essay:
            continue
        other_tree = page(site, f"articles/{other}")
        assert squeeze(words(other_tree.xpath("//h1")[0]).rstrip("¶ ")) not in text
        for section in other_tree.xpath("//article//section/section/h2"):
            heading = words(section).rstrip("¶ ")
            if heading not in ("Editor’s note", "References", "How to cite this essay"):
                assert squeeze(heading) not in text, heading


@pytest.mark.parametrize("essay", ESSAYS)
def test_every_glyph_of_an_essay_pdf_has_a_font(corpus_latex, essay):
    log = (corpus_latex / f"{essay}.log").read_text(errors="replace")
    assert "Missing character" not in log


def test_hangul_is_printed_and_latin_text_after_it_is_not_in_the_hangul_font(corpus_latex):
    pdf = corpus_latex / "future-of-diplomacy.pdf"
    assert "김정은" in pdftotext(pdf, 1, 1)
    fonts: dict[str, set[str]] = {}

    def note(text, cm, tm, font, size):
        if font and text.strip():
            fonts.setdefault(str(font["/BaseFont"]), set()).add(text)

    PdfReader(pdf).pages[0].extract_text(visitor_text=note)
    hangul = " ".join(t for name, ts in fonts.items() if "CJK" in name for t in ts)
    assert "김정은" in hangul
    assert not re.search(r"[A-Za-z]{3}", hangul), hangul


@pytest.mark.parametrize("essay", ESSAYS)
def test_the_site_links_each_essay_pdf_and_carries_it(corpus_latex, site, essay):
    tree = page(site, f"articles/{essay}")
    href = tree.xpath('//div[contains(@class, "essay-header")]//p[@class="essay-pdf"]/a/@href')
    assert href == [f"../pdf/{essay}.pdf"]
    published = site / "pdf" / f"{essay}.pdf"
    assert published.read_bytes() == (corpus_latex / f"{essay}.pdf").read_bytes()


def test_the_front_page_links_the_pdf_edition(corpus_latex, site):
    assert page(site, "index").xpath('//a[@href="pdf/peninsula-papers.pdf"]')
    published = site / "pdf" / "peninsula-papers.pdf"
    assert published.read_bytes() == (corpus_latex / "peninsula-papers.pdf").read_bytes()


def test_pdftotext_is_installed():
    assert shutil.which("pdftotext"), "poppler-utils is needed: run `make test`"
