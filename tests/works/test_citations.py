"""In-text citations and per-page References lists (peninsula.works.citations)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ANSI, warnings_of
from lxml import html as lxml_html


def page(app, name: str):
    return lxml_html.fromstring((Path(app.outdir) / f"{name}.html").read_text())


def citations(tree) -> list[str]:
    return [
        " ".join(span.text_content().split())
        for span in tree.xpath('//span[contains(@class, "citation")]')
    ]


def reference_ids(tree) -> list[str]:
    return tree.xpath('//section[@id="references"]//p[contains(@class, "reference")]/@id')


@pytest.mark.sphinx("html", testroot="citations")
def test_builds_without_warnings(app):
    app.build()
    # one key cited on two pages gives no "duplicate citation/label" warning
    assert warnings_of(app) == []


@pytest.mark.sphinx("html", testroot="citations")
def test_in_text_forms(app):
    app.build()
    assert citations(page(app, "first")) == [
        "(Kim, 2022)",
        "Ahlander and O'Connor (2019)",
        "(Chang, 2015; Kim, 2022)",  # APA 8.12: in reference-list order
        "(see Chang, 2015, p. 70)",
        "(United Nations Security Council [UNSC], 2017)",  # APA 8.21: first use
        "(UNSC, 2017)",
    ]
    assert citations(page(app, "second")) == ["(Kim, 2022)", "Cha (2012)"]


@pytest.mark.sphinx("html", testroot="citations")
def test_links_resolve_to_the_same_pages_references(app):
    app.build()
    for name in ("first", "second"):
        tree = page(app, name)
        ids = set(reference_ids(tree))
        links = tree.xpath('//span[contains(@class, "citation")]//a/@href')
        assert links
        for href in links:
            assert href.startswith("#") and href[1:] in ids, href


@pytest.mark.sphinx("html", testroot="citations")
def test_each_list_holds_exactly_the_works_cited_there(app):
    app.build()
    assert reference_ids(page(app, "first")) == [
        "ref-ahlander2019north",
        "ref-chang2015revisiting",
        "ref-kim2022missile",
        "ref-unsc2017resolution",
    ]
    assert reference_ids(page(app, "second")) == ["ref-cha2012impossible", "ref-kim2022missile"]
    # a page that cites nothing has no References section
    assert page(app, "index").xpath('//section[@id="references"]') == []


@pytest.mark.sphinx("html", testroot="citations")
def test_references_section_is_last_and_in_page_toc(app):
    app.build()
    tree = page(app, "first")
    article = tree.xpath('//article//section[@id="first"]')[0]
    last = [child for child in article if child.tag == "section"][-1]
    assert last.get("id") == "references"
    assert last.xpath("./h2")[0].text_content().strip("#¶ ") == "References"
    toc = tree.xpath('//div[contains(@class, "toc-tree")]//a/@href')
    assert "#references" in toc


@pytest.mark.sphinx("html", testroot="citations")
def test_tooltip_is_the_full_reference(app):
    app.build()
    link = page(app, "second").xpath('//a[@href="#ref-cha2012impossible"]')[0]
    assert (
        link.get("title")
        == "Cha, V. (2012). The impossible state: North Korea, past and future. Ecco."
    )


@pytest.mark.sphinx("latex", testroot="citations")
def test_latex_keeps_each_list_in_its_own_chapter(app):
    app.build()
    (tex_file,) = Path(app.outdir).glob("*.tex")
    tex = tex_file.read_text()
    first, second = tex.index(r"\chapter{First}"), tex.index(r"\chapter{Second}")
    # the first page's entries are labelled inside its chapter, before the next
    label = r"\label{\detokenize{first:ref-chang2015revisiting}}"
    assert first < tex.index(label) < second
    assert r"\hyperref[\detokenize{first:ref-chang2015revisiting}]" in tex
    # no entry was moved into a closing thebibliography
    assert r"\begin{sphinxthebibliography}" not in tex


@pytest.mark.sphinx("html", testroot="citations", srcdir="citations-unknown-key")
def test_unknown_key_is_reported_at_its_line(app):
    source = Path(app.srcdir) / "second.md"
    source.write_text(source.read_text() + "\nA typo {cite:p}`kim2022misile`.\n")
    app.build()
    assert warnings_of(app) == [
        f"{source}:5: WARNING: unknown citation key 'kim2022misile': "
        "did you mean 'kim2022missile'? [citations.unknown_key]"
    ]


@pytest.mark.sphinx("html", testroot="citations", srcdir="citations-other-forms")
def test_other_cite_forms_are_refused(app):
    source = Path(app.srcdir) / "second.md"
    source.write_text(source.read_text() + "\nA label {cite:alp}`kim2022missile`.\n")
    app.build()
    assert warnings_of(app) == [
        f"{source}:5: WARNING: {{cite:alp}} is not a citation form of this corpus: write "
        "{cite:p} for (Kim, 2022) or {cite:t} for Kim (2022) [citations.role]"
    ]


def test_editing_an_entry_rereads_only_the_pages_citing_it(make_app, rootdir, tmp_path):
    srcdir = tmp_path / "citations"
    shutil.copytree(rootdir / "test-citations", srcdir)
    app = make_app("html", srcdir=srcdir)
    app.build()
    bib = srcdir / "refs.bib"
    bib.write_text(bib.read_text().replace("{Ecco}", "{Ecco Press}"))
    app = make_app("html", srcdir=srcdir)
    app.build()
    status = ANSI.sub("", app.status.getvalue())
    read = re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", status)
    assert read == ["second"], status
    tree = lxml_html.fromstring((Path(app.outdir) / "second.html").read_text())
    assert "Ecco Press." in tree.xpath('//p[@id="ref-cha2012impossible"]')[0].text_content()
