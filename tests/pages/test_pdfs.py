"""One PDF per essay, and its links from the site (peninsula.pages.pdfs).

The tiny project is built to LaTeX only (its .tex files are read); the real
corpus is built to PDF once per session (corpus_latex), then to HTML beside it,
as `make site` does. The versions of an essay are read in one more PDF build,
of tests/versioned.py's project (an essay at version 3, one retracted; about
8 seconds of CPU). Missing TeX or poppler fail these tests, never skip them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ANSI, REPO, strict_build, warnings_of
from lxml import html as lxml_html
from peninsula.pages.pdfs import essay_pdf
from peninsula.records.frontmatter import Essay, Known, parse
from PIL import Image
from pypdf import PdfReader
from versioned import CORRECTION_NOTE, RETRACTED, RETRACTION_NOTE, REVISED, UPDATE_NOTE

ESSAYS = sorted(p.stem for p in (REPO / "articles").glob("*.md"))
#: what a version did, as its version line says it
DONE = {
    "correction": "corrected",
    "update": "updated",
    "revision": "revised",
    "retraction": "retracted",
}


def squeeze(text: str) -> str:
    """Letters and digits only: line breaks and hyphenation cannot split a match."""
    return re.sub(r"[\W_]+", "", text)


#: the type area of an A4 page in Sphinx's one-inch margins, in points: the
#: running head and the page number are outside it, so that a paragraph or an
#: entry broken across two pages reads as one
TYPE_AREA = ["-x", "0", "-y", "72", "-W", "596", "-H", "698"]


def pdftotext(pdf: Path, first: int = 1, last: int = 0) -> str:
    """The text of pages *first* to *last* (to the end by default), whitespace folded."""
    args = ["pdftotext", "-f", str(first), *TYPE_AREA, "-layout", str(pdf), "-"]
    if last:
        args[3:3] = ["-l", str(last)]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def words(element) -> str:
    return " ".join(element.text_content().split())


def record_of(srcdir: Path, essay: str) -> Essay:
    """The record of an essay's current version, as its front matter gives it."""
    path = srcdir / "articles" / f"{essay}.md"
    record = parse(path.read_text(), f"articles/{essay}", Known(None, None))
    assert isinstance(record, Essay), record
    return record


def version_line(record: Essay) -> str:
    """What a PDF says of the version it holds."""
    if not record.history:
        return f"Version 1 · published {record.date.long()}"
    last = record.history[-1]
    return f"Version {1 + len(record.history)} · {DONE[last.kind]} {last.date.long()}"


def marked_pages(pdf: Path, folder: Path) -> list[int]:
    """The pages (from 1) marked RETRACTED across the text: pale red on more
    than 2% of the page, where a page with no mark has none at all."""
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(pdf), str(folder / "p")], check=True)
    marked = []
    for number, png in enumerate(sorted(folder.glob("p-*.png")), 1):
        image = Image.open(png).convert("RGB")
        data = image.tobytes()
        pale_red = sum(
            1
            for r, g, b in zip(data[0::3], data[1::3], data[2::3], strict=True)
            if r > 200 and r - g > 8 and abs(g - b) < 8
        )
        if pale_red > 0.02 * image.width * image.height:
            marked.append(number)
    return marked


def crop(pdf: Path, number: int, x0: float, top: float, x1: float, bottom: float) -> str:
    """The text of an area of a page, in points from its top left corner."""
    box = [str(int(v)) for v in (x0, top, x1 - x0 + 1, bottom - top + 1)]
    args = ["pdftotext", "-f", str(number), "-l", str(number), "-x", box[0], "-y", box[1]]
    args += ["-W", box[2], "-H", box[3], str(pdf), "-"]
    return " ".join(subprocess.run(args, capture_output=True, text=True, check=True).stdout.split())


def internal_links(pdf: Path, number: int = 1) -> list[tuple[str, int, str]]:
    """Each link within the PDF from page *number*: the text it covers, the
    page it leads to, and the line printed where it leads."""
    reader = PdfReader(pdf)
    page = reader.pages[number - 1]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    links = []
    for annot in page.get("/Annots") or []:
        annot = annot.get_object()
        action = annot.get("/A") or {}
        if action.get("/S") != "/GoTo":
            continue
        x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
        dest = reader.named_destinations[action["/D"]]
        target = reader.get_destination_page_number(dest) + 1
        top = height - float(dest.top)
        there = crop(pdf, target, 0, top, width, top + 30)
        links.append((crop(pdf, number, x0, height - y1, x1, height - y0), target, there))
    return links


def first_page_order(pdf: Path, texts: list[str]) -> list[int]:
    """Where each of *texts* is found on the first page, squeezed; -1 if not."""
    first = squeeze(pdftotext(pdf, 1, 1))
    return [first.find(squeeze(t)) for t in texts]


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
    # no History here (the project leaves out peninsula.records.history): no link
    assert r"\date{\peninsulaversion{}{Version 1 · published February 14, 2023}{}}" in one
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
    assert "Version 1" not in after_title
    # nothing of the other essay
    assert "second" not in one.lower()
    two = (out / "two.tex").read_text()
    # an unsigned original: the PDF's Author field credits the editors as a
    # group, the title block says what readers see on the page
    assert r"\author{Editors of A Collection}" in two
    assert r"\date{\peninsulaversion{}{Version 1 · published 2020}{}}" in two
    assert (
        r"\peninsulaessaytitle{A Collection}{}{Unsigned original}{edited by the editors of A Collection}"
    ) in two
    # the edition prints each essay's version line under its byline
    collection = (out / "collection.tex").read_text()
    for date in ("February 14, 2023", "2020"):
        assert (
            "{1 min read}\n\n\\sphinxAtStartPar\n"
            f"Version 1 · published {date}\n\n"
            "\\begin{sphinxuseclass}{essay-abstract}"
        ) in collection


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
def test_the_site_links_no_pdf_before_one_is_built_and_says_how(app):
    app.build()
    assert warnings_of(app) == []
    tree = lxml_html.fromstring((Path(app.outdir) / "articles/one.html").read_text())
    header = tree.xpath('//div[contains(@class, "essay-header")]')[0]
    children = [c.get("class").split()[0] for c in header]
    assert children[:2] == ["essay-subtitle", "essay-byline"]
    assert header.xpath('.//*[contains(@class, "essay-pdf")]') == []
    index = lxml_html.fromstring((Path(app.outdir) / "index.html").read_text())
    # the words stay, with no link to a file that is not there
    assert "the PDF edition" in words(index.xpath("//p")[0])
    assert [h for h in index.xpath("//a/@href") if h.endswith(".pdf")] == []
    status = ANSI.sub("", app.status.getvalue())
    assert "PDFs: none built yet in" in status
    assert "so no page links one; to publish them, run `make site`" in status
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
    # each page links what is there
    tree = lxml_html.fromstring((Path(app.outdir) / "articles/one.html").read_text())
    header = tree.xpath('//div[contains(@class, "essay-header")]')[0]
    children = [c.get("class").split()[0] for c in header]
    assert children[:3] == ["essay-subtitle", "essay-byline", "essay-pdf"]
    link = header.xpath('.//p[@class="essay-pdf"]/a')[0]
    assert (words(link), link.get("href")) == ("PDF", "../pdf/one.pdf")
    two = lxml_html.fromstring((Path(app.outdir) / "articles/two.html").read_text())
    assert two.xpath('//*[contains(@class, "essay-pdf")]') == []
    index = lxml_html.fromstring((Path(app.outdir) / "index.html").read_text())
    assert index.xpath('//a[@href="pdf/collection.pdf"]/text()') == ["PDF edition"]


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
    editors = words(header.xpath('.//*[contains(@class, "essay-editors")]')[0])
    assert editors == "edited by the editors of Peninsula Papers"
    record = record_of(REPO, essay)
    line = version_line(record)
    # the web page says its version once revised, in the PDF's words
    shown = [words(p) for p in header.xpath('.//*[contains(@class, "essay-version")]')]
    assert shown == ([line] if record.history else [])
    # a first version's line has its date; a later one says when it was first
    dated = [line, f"First published {date}"] if record.history else [line]
    assert date in " ".join(dated)
    block = ["PENINSULA PAPERS", title, subtitle, byline, editors, *dated, "Abstract"]
    positions = first_page_order(pdf, block)
    assert -1 not in positions and positions == sorted(positions), (block, positions)
    # the version line leads to the History
    assert (line, "History") in [(text, at) for text, _, at in internal_links(pdf)]
    meta = PdfReader(pdf).metadata
    # the Author field credits the editors as group author of an unsigned original
    credited = "Editors of Peninsula Papers" if byline == "Unsigned original" else byline
    assert (meta.title, meta.author) == (title, credited)
    # Subject and Keywords: the abstract and the topics, as the page's head gives them
    head = page(site, f"articles/{essay}")
    (abstract,) = head.xpath('//meta[@name="citation_abstract"]/@content')
    topics = head.xpath('//meta[@name="citation_keywords"]/@content')
    assert (meta.subject, meta.get("/Keywords")) == (abstract, ", ".join(topics))


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
            if heading not in ("Editor’s note", "References", "History", "How to cite this essay"):
                assert squeeze(heading) not in text, heading


@pytest.mark.parametrize("essay", ESSAYS)
def test_essay_pdf_ends_with_its_history(corpus_latex, conf, essay):
    record = record_of(REPO, essay)
    text = pdftotext(corpus_latex / f"{essay}.pdf")
    history = text[text.rfind("History") : text.rfind("How to cite this essay")]
    # the version printed is "this version": "this page" means the web page
    assert f"Version {record.version} (this version)" in history
    assert "(this page)" not in text
    for version in range(1, record.version):
        # a printed copy cannot follow a link: an earlier version's address is shown
        url = f"{conf['html_baseurl']}articles/{essay}/v{version}.html"
        assert f"Version {version}" in history and url in history.replace(" ", "")


@pytest.mark.parametrize("essay", ESSAYS)
def test_every_glyph_of_an_essay_pdf_has_a_font(corpus_latex, essay):
    log = (corpus_latex / f"{essay}.log").read_text(errors="replace")
    assert "Missing character" not in log


def pdf_fonts(pdf: Path) -> list[str]:
    """The names of the fonts embedded in *pdf*, as pdffonts lists them."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    return [line.split()[0] for line in out.stdout.splitlines()[2:]]


@pytest.mark.parametrize("pdf", [*ESSAYS, "peninsula-papers"])
def test_hangul_is_set_in_the_korean_face_of_noto_serif_cjk(corpus_latex, pdf):
    """The Hangul font is the collection's Korean face, shaped as Korean.
    pdffonts names the font program embedded, which the five faces of the
    collection share (named after the Japanese one): it must be the program
    of the face fontconfig gives XeTeX for "Noto Serif CJK KR"."""
    from fontTools.ttLib import TTCollection

    log = " ".join((corpus_latex / f"{pdf}.log").read_text(errors="replace").split())
    asked = "created for font 'Noto Serif CJK KR' with options [Script=Hangul,Language=Korean]"
    assert asked.replace(" ", "") in log.replace("(fontspec)", "").replace(" ", "")
    found = subprocess.run(
        ["fc-match", "-f", "%{file}\n%{index}", "Noto Serif CJK KR:style=Regular"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    face = TTCollection(found[0], lazy=True).fonts[int(found[1])]
    assert face["name"].getDebugName(6) == "NotoSerifCJKkr-Regular"
    (program,) = face["CFF "].cff.fontNames
    cjk = [name for name in pdf_fonts(corpus_latex / f"{pdf}.pdf") if "CJK" in name]
    assert cjk and {name.split("+", 1)[1] for name in cjk} == {f"{program}-Identity-H"}


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


# -- Versions: an essay at version 3, one retracted ------------------------------------


@pytest.fixture(scope="module")
def versioned_latex(versioned_project, tmp_path_factory) -> Path:
    """tests/versioned.py's project built to PDF, strict, as `make latexpdf` does."""
    out = tmp_path_factory.mktemp("versioned-pdf")
    result = strict_build("latexpdf", out, versioned_project)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return out / "latex"


def test_earlier_versions_have_no_pdf_and_are_in_none(versioned_project, versioned_latex):
    essays = sorted(p.stem for p in (versioned_project / "articles").glob("*.md"))
    assert (versioned_project / "articles" / REVISED / "v2.md").is_file()
    assert sorted(p.stem for p in versioned_latex.glob("*.tex")) == sorted(
        [*essays, "peninsula-papers"]
    )
    for tex in versioned_latex.glob("*.tex"):
        text = tex.read_text()
        # no page of an earlier version, and no banner of one, in any PDF
        assert "/v1::doc" not in text and "/v2::doc" not in text, tex.name
        assert "You are reading version" not in text, tex.name
        # a link to an earlier version leads to the site, not into the PDF
        assert not re.findall(r"\\hyperref\[\\detokenize\{[^}]*/v\d+:", text), tex.name
    # nor the text of one: version 1 alone says this
    for pdf in (f"{REVISED}.pdf", "peninsula-papers.pdf"):
        assert "A closing remark of the first version" not in pdftotext(versioned_latex / pdf)


def test_a_revised_essay_pdf_says_its_version_and_when_first_published(
    versioned_project, versioned_latex
):
    pdf = versioned_latex / f"{REVISED}.pdf"
    record = record_of(versioned_project, REVISED)
    line = version_line(record)
    assert line == "Version 3 · updated December 3, 2026"
    block = ["edited by the editors", line, "First published 2020", "Abstract"]
    positions = first_page_order(pdf, block)
    assert -1 not in positions and positions == sorted(positions), (block, positions)
    # the essay's own PDF says it once, in its title block, not again in its header
    assert squeeze(pdftotext(pdf, 1, 1)).count(squeeze("Version 3")) == 1
    assert (line, "History") in [(text, at) for text, _, at in internal_links(pdf)]


def test_a_revised_essay_pdf_lists_its_versions_with_their_addresses(versioned_latex, conf):
    pdf = versioned_latex / f"{REVISED}.pdf"
    text = pdftotext(pdf)
    history = text[text.rfind("History") : text.rfind("How to cite this essay")]
    base = f"{conf['html_baseurl']}articles/{REVISED}"
    expected = [
        "Version 1 · First published · 2020",
        f"{base}/v1.html",
        "Version 2 · Correction · December 1, 2026",
        CORRECTION_NOTE,
        f"{base}/v2.html",
        "Version 3 (this version) · Update · December 3, 2026",
        UPDATE_NOTE,
    ]
    positions = [squeeze(history).find(squeeze(s)) for s in expected]
    assert -1 not in positions and positions == sorted(positions), (expected, positions)
    assert "(this page)" not in text
    uris = {
        annot.get_object()["/A"].get("/URI")
        for page in PdfReader(pdf).pages
        for annot in page.get("/Annots") or []
    }
    assert {f"{base}/v1.html", f"{base}/v2.html"} <= uris


def test_a_retracted_essay_pdf_opens_with_the_notice_and_is_marked_on_every_page(
    versioned_latex, tmp_path
):
    pdf = versioned_latex / f"{RETRACTED}.pdf"
    block = [
        "Broadened Diplomacy",
        "Version 2 · retracted December 4, 2026",
        "First published February 2023",
        "Retracted on December 4, 2026",
        RETRACTION_NOTE,
        "it is no longer endorsed",
        "Abstract",
    ]
    positions = first_page_order(pdf, block)
    assert -1 not in positions and positions == sorted(positions), (block, positions)
    # the mark is drawn, not text: copied or read aloud, the text is the essay's
    assert "RETRACTED" not in pdftotext(pdf)
    pages = len(PdfReader(pdf).pages)
    assert marked_pages(pdf, tmp_path / "retracted") == list(range(1, pages + 1))
    assert marked_pages(versioned_latex / f"{REVISED}.pdf", tmp_path / "revised") == []


def test_the_edition_keeps_the_retracted_essay_marked_and_prints_each_version(
    versioned_latex, tmp_path
):
    pdf = versioned_latex / "peninsula-papers.pdf"
    reader = PdfReader(pdf)
    starts = {
        item.title: reader.get_destination_page_number(item) + 1
        for item in reader.outline
        if not isinstance(item, list)
    }
    titles = list(starts)
    retracted = titles.index("Broadened Diplomacy in U.S.–North Korea Relations")
    first, after = starts[titles[retracted]], starts[titles[retracted + 1]]
    # a page left blank may come before the next chapter, which starts on a right-hand page
    pages = [n for n in range(first, after) if pdftotext(pdf, n, n)]
    assert pages == list(range(first, pages[-1] + 1))
    # the mark ends with the essay: the next chapter, and every other, has none
    assert marked_pages(pdf, tmp_path / "edition") == pages
    opening = squeeze(pdftotext(pdf, first, first))
    notice = [squeeze(s) for s in ("Retracted on December 4, 2026", RETRACTION_NOTE, "Abstract")]
    assert -1 < opening.find(notice[0]) < opening.find(notice[1]) < opening.find(notice[2])
    revised = starts["The Future of Diplomacy with North Korea"]
    chapter = squeeze(pdftotext(pdf, revised, revised))
    byline = squeeze("Unsigned original · edited by the editors of Peninsula Papers · 2020")
    line = squeeze("Version 3 · updated December 3, 2026")
    assert -1 < chapter.find(byline) < chapter.find(line) < chapter.find(squeeze("Abstract"))


def test_the_edition_is_dated_by_its_newest_text_not_the_build(versioned_project, versioned_latex):
    """The title page of the edition gives the date of the newest version it
    holds (here the retraction of December 4, 2026), whatever day it was built."""
    records = [
        record_of(versioned_project, p.stem) for p in (versioned_project / "articles").glob("*.md")
    ]
    newest = max(record.modified for record in records)
    assert newest.long() == "December 4, 2026"
    cover = pdftotext(versioned_latex / "peninsula-papers.pdf", 1, 1)
    assert cover.endswith(newest.long()), cover
    assert (versioned_latex / "peninsula-papers.tex").read_text().count(
        f"\\date{{{newest.long()}}}"
    ) == 1


def test_pdftotext_is_installed():
    assert shutil.which("pdftotext"), "poppler-utils is needed: run `make test`"
