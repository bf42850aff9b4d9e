"""A page links only the PDFs its build publishes (peninsula.pages.pdfs).

`make html` on a fresh checkout has no PDF to carry: no page may link one
(the header's PDF button, ``citation_pdf_url``, the JSON-LD ``encoding``, the
Signposting ``item``, the front page's edition link). Once `make latexpdf` has
published them, the next incremental `make html` links them; when one goes,
its links go. Checked with stand-in PDFs, through tools/build.py as `make`
runs it and through Sphinx's own incremental builds; and once with the real
PDFs, on the site `make site` and Read the Docs build (the PDFs, then the
HTML beside them), every address of every page resolving to a file.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from conftest import ANSI, strict_build
from harness import staged_build
from lxml import html as lxml_html

#: what each place that names an essay's PDF says, on a page
PLACES = ("button", "citation_pdf_url", "encoding", "item")


def tree(path: Path):
    return lxml_html.fromstring(path.read_bytes())


def pdf_links(page: Path) -> dict[str, list[str]]:
    """Every place of an essay's page that names its PDF, and what it names."""
    root = tree(page)
    (script,) = root.xpath('//script[@type="application/ld+json"]')
    encoding = json.loads(script.text).get("encoding")
    return {
        "button": root.xpath('//p[@class="essay-pdf"]/a/@href'),
        "citation_pdf_url": root.xpath('//meta[@name="citation_pdf_url"]/@content'),
        "encoding": [encoding["contentUrl"]] if encoding else [],
        "item": root.xpath('//link[@rel="item"]/@href'),
    }


def written(app) -> list[str]:
    """The pages a build wrote, as Sphinx reports them."""
    status = ANSI.sub("", app.status.getvalue())
    return sorted(set(re.findall(r"writing output\.\.\. \[\s*\d+%\] (\S+)", status)))


def edition_links(page: Path) -> list[str]:
    return [h for h in tree(page).xpath("//a/@href") if h.endswith(".pdf")]


# -- As `make html` and `make latexpdf` publish them (tools/build.py) -------------------


def test_an_incremental_make_html_links_the_pdfs_as_they_appear_and_go(broken_copy):
    site = broken_copy / "_build" / "html"
    essay = site / "articles" / "the-line.html"
    base = tree(essay).xpath('//link[@rel="canonical"]/@href')[0].rsplit("articles/", 1)[0]
    # the project was published by `make html` alone: nothing to link
    assert pdf_links(essay) == {place: [] for place in PLACES}
    assert not (site / "pdf").exists()
    # `make latexpdf` publishes the PDFs in _build/latex
    latex = broken_copy / "_build" / "latex"
    latex.mkdir()
    for name in ("the-line.pdf", "peninsula-papers.pdf"):
        (latex / name).write_bytes(b"%PDF-1.5 " + name.encode())
    result = staged_build(broken_copy)
    assert result.returncode == 0, result.stderr
    assert pdf_links(essay) == {
        "button": ["../pdf/the-line.pdf"],
        "citation_pdf_url": [f"{base}pdf/the-line.pdf"],
        "encoding": [f"{base}pdf/the-line.pdf"],
        "item": [f"{base}pdf/the-line.pdf"],
    }
    assert (site / "pdf" / "the-line.pdf").read_bytes() == b"%PDF-1.5 the-line.pdf"
    # the essay's PDF goes (the LaTeX build was cleaned): so do its links and copy
    (latex / "the-line.pdf").unlink()
    result = staged_build(broken_copy)
    assert result.returncode == 0, result.stderr
    assert pdf_links(essay) == {place: [] for place in PLACES}
    assert sorted(p.name for p in (site / "pdf").iterdir()) == ["peninsula-papers.pdf"]


# -- Sphinx's own incremental builds, with the edition's link --------------------------------


def test_pages_are_written_again_when_their_pdf_appears_or_goes(make_app, rootdir, tmp_path):
    srcdir = tmp_path / "pdfs"
    shutil.copytree(rootdir / "test-pdfs", srcdir)
    latex = srcdir / "_build" / "latex"
    app = make_app("html", srcdir=srcdir)
    app.build()
    out = Path(app.outdir)
    assert edition_links(out / "index.html") == []
    assert tree(out / "articles/one.html").xpath('//p[@class="essay-pdf"]') == []
    latex.mkdir(parents=True)
    for name in ("collection", "one"):
        (latex / f"{name}.pdf").write_bytes(b"%PDF-1.5 " + name.encode())
    app = make_app("html", srcdir=srcdir)
    app.build()
    assert edition_links(out / "index.html") == ["pdf/collection.pdf"]
    assert tree(out / "articles/one.html").xpath('//p[@class="essay-pdf"]/a/@href') == [
        "../pdf/one.pdf"
    ]
    # only the pages whose links changed were written again
    assert written(app) == ["articles/one", "index"]
    assert tree(out / "articles/two.html").xpath('//p[@class="essay-pdf"]') == []
    (latex / "collection.pdf").unlink()
    app = make_app("html", srcdir=srcdir)
    app.build()
    assert edition_links(out / "index.html") == []
    assert not (out / "pdf" / "collection.pdf").exists()
    assert (out / "pdf" / "one.pdf").is_file()


# -- The published site, with the real PDFs ----------------------------------------------


@pytest.fixture(scope="module")
def published(corpus_latex) -> Path:
    """The HTML build beside the PDF build, as `make site` and Read the Docs make it."""
    result = strict_build("html", corpus_latex.parent)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return corpus_latex.parent / "html"


def addresses(value) -> list[str]:
    """Every string of a JSON value."""
    if isinstance(value, dict):
        return [a for v in value.values() for a in addresses(v)]
    if isinstance(value, list):
        return [a for v in value for a in addresses(v)]
    return [value] if isinstance(value, str) else []


def local_file(site: Path, base: str, page: Path, address: str) -> Path | None:
    """The file of the site an address of *page* leads to, or None when it
    leads elsewhere (another site, a fragment of the page, an e-mail)."""
    parts = urlsplit(address)
    prefix = urlsplit(base).path  # the 404 page's addresses start with it
    if address.startswith(base):
        path = address[len(base) :]
    elif parts.scheme or parts.netloc or not parts.path:
        return None
    elif address.startswith("/"):
        path = address.removeprefix(prefix)
    else:
        relative = page.relative_to(site).as_posix()
        path = urlsplit(urljoin(f"https://x/{relative}", address)).path.lstrip("/")
    target = site / unquote(urlsplit(path).path)
    return target / "index.html" if target.is_dir() or path.endswith("/") else target


def test_the_published_site_links_only_files_it_has(published):
    base = tree(published / "index.html").xpath('//link[@rel="canonical"]/@href')[0]
    base = base.rsplit("index.html", 1)[0]
    missing = []
    for page in sorted(published.rglob("*.html")):
        root = tree(page)
        # links and sources, and the addresses the head's data give
        data = root.xpath("//meta/@content")
        for script in root.xpath('//script[@type="application/ld+json"]'):
            data += addresses(json.loads(script.text))
        found = root.xpath("//@href | //@src") + [a for a in data if a.startswith(base)]
        for address in found:
            target = local_file(published, base, page, address)
            if target is not None and not target.is_file():
                missing.append(f"{page.relative_to(published)}: {address}")
    for linkset in sorted((published / "cite").glob("*.linkset.json")):
        for address in addresses(json.loads(linkset.read_text(encoding="utf-8"))):
            if not address.startswith(base):
                continue
            target = local_file(published, base, linkset, address)
            if target is not None and not target.is_file():
                missing.append(f"{linkset.relative_to(published)}: {address}")
    assert missing == []


def test_the_published_site_links_every_essay_pdf_everywhere(published, corpus_latex):
    base = tree(published / "index.html").xpath('//link[@rel="canonical"]/@href')[0]
    base = base.rsplit("index.html", 1)[0]
    essays = sorted(p.stem for p in (published / "articles").glob("*.html"))
    assert essays
    for essay in essays:
        pdf = f"pdf/{essay}.pdf"
        assert pdf_links(published / "articles" / f"{essay}.html") == {
            "button": [f"../{pdf}"],
            "citation_pdf_url": [base + pdf],
            "encoding": [base + pdf],
            "item": [base + pdf],
        }
        assert (published / pdf).read_bytes() == (corpus_latex / f"{essay}.pdf").read_bytes()
    assert edition_links(published / "index.html") == ["pdf/peninsula-papers.pdf"]
    # an earlier version has no PDF, and names none
    versions = sorted(published.glob("articles/*/v*.html"))
    assert versions
    for version in versions:
        assert pdf_links(version) == {place: [] for place in PLACES}, version
