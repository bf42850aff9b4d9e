"""Essay front matter, page header and essay list (peninsula.records.essays)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ANSI, warnings_of
from lxml import html as lxml_html


def page(app, name: str):
    return lxml_html.fromstring((Path(app.outdir) / f"{name}.html").read_text())


def text_of(tree, css_class: str) -> list[str]:
    return [
        " ".join(e.text_content().split())
        for e in tree.xpath(f'//*[contains(@class, "{css_class}")]')
    ]


@pytest.mark.sphinx("html", testroot="essays")
def test_good_essays_build_clean(app):
    app.build()
    assert warnings_of(app) == []


@pytest.mark.sphinx("html", testroot="essays")
def test_header_comes_from_front_matter(app):
    app.build()
    tree = page(app, "articles/newer")
    assert tree.xpath("//h1")[0].text_content().strip("¶ ") == "A Newer Essay"
    assert text_of(tree, "essay-subtitle") == ["Its subtitle"]
    assert text_of(tree, "essay-byline") == [
        "Pronoy Chatterji and Naman Gurudatha · edited by the editors of The Journal · "
        "February 2023 · 1 min read"
    ]
    assert text_of(tree, "essay-source") == ["An edition of Chatterji and Gurudatha (2023)"]
    assert text_of(tree, "essay-abstract") == ["Abstract The newer essay's abstract."]
    assert text_of(tree, "essay-topics") == ["Topics: Sanctions, Deterrence"]
    # the edited work is cited, so it is in the page's References
    assert tree.xpath('//section[@id="references"]//p/@id') == ["ref-chatterji2023broadened"]
    older = page(app, "articles/older")
    assert text_of(older, "essay-byline") == [
        "Unsigned original · edited by the editors of The Journal · 2020 · 1 min read"
    ]
    assert older.xpath('//section[@id="references"]') == []


@pytest.mark.sphinx("html", testroot="essays")
def test_essay_list_is_newest_first(app):
    app.build()
    tree = page(app, "index")
    titles = text_of(tree, "essay-card-title")
    assert titles == ["A Newer Essay", "An Older Essay"]
    links = tree.xpath('//*[contains(@class, "essay-card-title")]//a/@href')
    assert links == ["articles/newer.html", "articles/older.html"]
    assert text_of(tree, "essay-card-abstract") == [
        "The newer essay's abstract.",
        "The older essay's abstract.",
    ]


GOOD = (
    Path(__file__).parent.parent / "roots" / "test-essays" / "articles" / "newer.md"
).read_text()


@pytest.fixture
def build_with(make_app, rootdir, tmp_path):
    """Build a copy of the essays root whose articles/newer.md holds *text*;
    return that file and the warnings."""

    def build(text: str) -> tuple[Path, list[str]]:
        srcdir = tmp_path / "essays"
        shutil.copytree(rootdir / "test-essays", srcdir)
        essay = srcdir / "articles" / "newer.md"
        essay.write_text(text)
        app = make_app("html", srcdir=srcdir)
        app.build()
        return essay, warnings_of(app)

    return build


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            "title: A Newer Essay\n",
            "",
            1,
            "required field 'title' is missing: add 'title:' to the front matter (see templates/essay.md)",
        ),
        (
            "date: 2023-02",
            "date: 2023-13",
            8,
            "field 'date': '2023-13' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD",
        ),
        (
            "date: 2023-02",
            "date: Feb 2023",
            8,
            "field 'date': 'Feb 2023' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD",
        ),
        (
            "topics: [sanctions, deterrence]",
            "topics: [sanctions, diplomacy]",
            12,
            "unknown topic 'diplomacy': choose from deterrence, sanctions (peninsula_topics in conf.py)",
        ),
        (
            "0000-0002-1825-0097",
            "0000-0002-1825-0098",
            6,
            "ORCID '0000-0002-1825-0098' of Pronoy Chatterji is not valid (format "
            "0000-0002-1825-0097, last character a checksum): copy it from orcid.org",
        ),
        (
            "source: chatterji2023broadened",
            "source: chatterji2023broad",
            13,
            "field 'source': 'chatterji2023broad' is not a key of refs.bib: "
            "did you mean 'chatterji2023broadened'?",
        ),
        (
            "license: CC-BY-4.0",
            "licence: CC-BY-4.0",
            14,
            "unknown field 'licence': did you mean 'license'?",
        ),
        (
            "license: CC-BY-4.0",
            "license: MIT",
            14,
            "unknown license 'MIT': choose from CC-BY-4.0 (peninsula_licenses in conf.py)",
        ),
        (
            "title: A Newer Essay",
            "title: A *Newer* Essay",
            2,
            "field 'title' must be plain text, without Markdown or HTML characters such as "
            "* _ ` [ ] < > #",
        ),
        (
            "  - name: Naman Gurudatha\n",
            "  - nom: Naman Gurudatha\n",
            7,
            "unknown author field 'nom': did you mean 'name'?",
        ),
        (
            "title: A Newer Essay",
            "title: [unclosed",
            3,
            "front matter is not valid YAML (while parsing a flow sequence started at line 2): "
            "expected ',' or ']', but got ':'",
        ),
        (
            "title: A Newer Essay",
            "title: A {Newer Essay",
            2,
            "field 'title' has unbalanced braces: braces mark words that keep their capitals, "
            "as in 'Talks with {North Korea}'",
        ),
    ],
)
def test_broken_front_matter_is_reported(build_with, old, new, line, message):
    assert old in GOOD
    essay, warnings = build_with(GOOD.replace(old, new))
    assert warnings == [f"{essay}:{line}: WARNING: front matter: {message} [essays.front_matter]"]


def test_an_essay_without_front_matter_is_reported(build_with):
    essay, warnings = build_with("# A title\n\nText.\n")
    assert warnings == [
        f"{essay}:1: WARNING: front matter: an essay starts with YAML front matter between "
        "'---' lines: copy templates/essay.md [essays.front_matter]"
    ]


def test_a_second_title_heading_is_reported(build_with):
    essay, warnings = build_with(GOOD.replace("## A section", "# A Newer Essay\n\n## A section"))
    assert warnings == [
        f"{essay}:17: WARNING: the title comes from the front matter: remove this '# ' "
        "heading and start sections with '## ' [essays.title]"
    ]


def test_line_numbers_of_the_body_are_kept(build_with):
    essay, warnings = build_with(GOOD + "\nA typo {cite:p}`nokey2020x`.\n")
    lines = GOOD.count("\n") + 2
    assert warnings == [
        f"{essay}:{lines}: WARNING: unknown citation key 'nokey2020x': add the work to "
        "refs.bib or correct the key [citations.unknown_key]"
    ]


def test_corpus_pages_are_rewritten_only_when_what_they_show_changes(make_app, rootdir, tmp_path):
    srcdir = tmp_path / "essays"
    shutil.copytree(rootdir / "test-essays", srcdir)
    essay = srcdir / "articles" / "older.md"

    def written() -> list[str]:
        app = make_app("html", srcdir=srcdir)
        app.build()
        status = ANSI.sub("", app.status.getvalue())
        return re.findall(r"writing output\.\.\. \[\s*\d+%\] (\S+)", status)

    written()
    # new text only: the essay, and its toctree parent as Sphinx always does
    essay.write_text(essay.read_text() + "\nMore text.\n")
    assert written() == ["articles/older", "index"]
    # a new citation: the bibliography's "cited in" notes change too
    essay.write_text(essay.read_text() + "\nCited {cite:p}`chatterji2023broadened`.\n")
    assert written() == ["articles/older", "bibliography", "index"]
    bib = lxml_html.fromstring((srcdir / "_build" / "html" / "bibliography.html").read_text())
    assert "An Older Essay" in text_of(bib, "cited-in")[0]
    # a new abstract: the essay list changes
    # a new abstract: every page listing essays changes
    essay.write_text(essay.read_text().replace("The older essay's abstract.", "A new abstract."))
    browse = sorted(
        f"{folder}/{page.stem}"
        for folder in ("authors", "topics")
        for page in (srcdir / folder).glob("*.md")
    )
    assert written() == sorted(["articles/older", "bibliography", "index", *browse])
    assert "topics/sanctions" in browse
    for page in ("index", "topics/sanctions"):
        tree = lxml_html.fromstring((srcdir / "_build" / "html" / f"{page}.html").read_text())
        assert "A new abstract." in text_of(tree, "essay-card-abstract")


WITH_IMAGE = GOOD.replace(
    "license: CC-BY-4.0\n",
    "license: CC-BY-4.0\n"
    + """image:
  file: newer-map.png
  alt: A blue rectangle standing for a map
  credit: Drawn by the editors, CC BY 4.0
""",
)


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            "file: newer-map.png",
            "file: missing.png",
            16,
            "image file 'missing.png' is not there: put it beside the essay "
            "(expected at articles/missing.png)",
        ),
        (
            "file: newer-map.png",
            "file: newer.md",
            16,
            "image file 'newer.md' is not a picture: use .png, .jpg, .jpeg",
        ),
        (
            "  alt: A blue rectangle standing for a map\n",
            "",
            15,
            "image needs 'alt:' — what the picture shows, for readers who cannot see it",
        ),
        (
            "  credit: Drawn by the editors, CC BY 4.0\n",
            "  credits: Drawn by the editors, CC BY 4.0\n",
            18,
            "unknown image field 'credits': did you mean 'credit'?",
        ),
    ],
)
def test_broken_picture_is_reported(build_with, old, new, line, message):
    assert old in WITH_IMAGE
    essay, warnings = build_with(WITH_IMAGE.replace(old, new))
    assert warnings == [f"{essay}:{line}: WARNING: front matter: {message} [essays.front_matter]"]


def test_picture_with_alt_text_and_credit(build_with):
    essay, warnings = build_with(WITH_IMAGE)
    assert warnings == []
    outdir = essay.parent.parent / "_build" / "html"
    tree = lxml_html.fromstring((outdir / "articles" / "newer.html").read_text())
    (figure,) = tree.xpath('//div[contains(@class, "essay-header")]//figure')
    (img,) = figure.xpath(".//img")
    assert img.get("alt") == "A blue rectangle standing for a map"
    assert (outdir / "articles" / img.get("src")).resolve().read_bytes() == (
        essay.parent / "newer-map.png"
    ).read_bytes()
    assert " ".join(
        figure.xpath('.//figcaption//span[contains(@class, "caption-text")]')[0]
        .text_content()
        .split()
    ) == ("Drawn by the editors, CC BY 4.0")
    head = tree.xpath("//head")[0]
    assert head.xpath('./meta[@property="og:image"]/@content') == [
        "https://journal.example.org/_images/newer-map.png"
    ]
    assert head.xpath('./meta[@property="og:image:alt"]/@content') == [
        "A blue rectangle standing for a map"
    ]


@pytest.mark.parametrize(("words", "minutes"), [(5, 1), (238, 1), (239, 2), (1000, 5)])
def test_reading_time_counts_the_body(build_with, words, minutes):
    # the header's own words (title, subtitle, abstract) are not counted, and
    # the body already has two: "A section" is a title, "Text." one word
    body = " ".join(["word"] * (words - 1))
    essay, warnings = build_with(GOOD.replace("Text.", f"Text. {body}"))
    assert warnings == []
    tree = lxml_html.fromstring(
        (essay.parent.parent / "_build" / "html" / "articles" / "newer.html").read_text()
    )
    assert text_of(tree, "essay-reading-time") == [f"{minutes} min read"]


def test_the_template_shows_every_field_and_builds(make_app, rootdir, tmp_path):
    from conftest import REPO
    from peninsula.records.frontmatter import AUTHOR_FIELDS, FIELDS, IMAGE_FIELDS

    template = (REPO / "templates" / "essay.md").read_text()
    data = yaml.safe_load(template.split("---\n")[1])
    assert list(data) == list(FIELDS)
    assert set(data["authors"][0]) == set(AUTHOR_FIELDS)
    assert set(data["image"]) == set(IMAGE_FIELDS)
    # as an essay of a project with the corpus's refs.bib, the topics of the
    # test project and its picture beside it, it builds without a warning
    srcdir = tmp_path / "essays"
    shutil.copytree(rootdir / "test-essays", srcdir)
    shutil.copy(REPO / "refs.bib", srcdir / "refs.bib")
    topics = f"topics: [{', '.join(data['topics'])}]"
    assert topics in template
    text = template.replace(topics, "topics: [sanctions]")
    text = text.replace("my-essay-slug-map.png", "newer-map.png").replace("my-essay-slug", "newer")
    (srcdir / "articles" / "newer.md").write_text(text)
    app = make_app("html", srcdir=srcdir)
    app.build()
    assert warnings_of(app) == []
