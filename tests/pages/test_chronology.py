"""The chronology: events from a data file, their labels, and the timeline (peninsula.pages.chronology)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import matplotlib
import pytest
from conftest import ANSI, REPO, warnings_of
from lxml import html as lxml_html
from matplotlib.backends.backend_agg import FigureCanvasAgg
from peninsula.core.dates import Date
from peninsula.pages.chronology import (
    FONT_SIZE,
    LAYOUTS,
    NARROW,
    STYLE,
    TITLE_MAX,
    WIDE,
    Event,
    Layout,
    draw_timeline,
    load_events,
    spread,
    timeline_figure,
    title_lines,
)

ORDER = [
    "event-singapore-summit",
    "event-year-only",
    "event-stockholm-talks",
    "event-missile-barrage",
]
ALT = (
    "Timeline from 2018 to 2022, a vertical axis marked by decades, with 4 events at their "
    "dates: June 12, 2018, Singapore summit; 2019, An event known by its year; October 5, "
    "2019, Stockholm talks broken off; November 2022, Missile barrage."
)


def page(app, name: str):
    return lxml_html.fromstring((Path(app.outdir) / f"{name}.html").read_text())


def words(element) -> str:
    return " ".join(element.text_content().split())


@pytest.mark.sphinx("html", testroot="chronology")
def test_builds_without_warnings(app):
    app.build()
    assert warnings_of(app) == []


@pytest.mark.sphinx("html", testroot="chronology")
def test_events_render_in_date_order_with_anchors(app):
    app.build()
    tree = page(app, "chronology")
    terms = tree.xpath('//dl[contains(@class, "chronology")]/dt')
    assert [dt.get("id") for dt in terms] == ORDER
    assert [words(dt) for dt in terms] == [
        "June 12, 2018 — Singapore summit",
        "2019 — An event known by its year",
        "October 5, 2019 — Stockholm talks broken off",
        "November 2022 — Missile barrage",
    ]
    # a description keeps its Markdown paragraphs
    last = tree.xpath('//dl[contains(@class, "chronology")]/dd')[-1]
    assert [words(p) for p in last.xpath("./p")] == [
        "Twenty-five missiles in one day.",
        "One crossed the line (Kim, 2022).",
    ]


@pytest.mark.sphinx("html", testroot="chronology")
def test_every_event_cites_into_the_pages_references(app):
    app.build()
    tree = page(app, "chronology")
    entries = tree.xpath('//section[@id="references"]//p[contains(@class, "reference")]/@id')
    assert entries == ["ref-ahlander2019north", "ref-bader2018kim", "ref-kim2022missile"]
    for dd in tree.xpath('//dl[contains(@class, "chronology")]/dd'):
        links = dd.xpath('.//span[contains(@class, "citation")]//a/@href')
        assert links and all(href[1:] in entries for href in links), words(dd)


@pytest.mark.sphinx("html", testroot="chronology")
def test_a_ref_from_another_page_resolves_to_the_event(app):
    app.build()
    links = page(app, "essay").xpath('//article//p//a[contains(@class, "reference")]')
    assert [(a.get("href"), words(a)) for a in links if "chronology" in a.get("href")] == [
        ("chronology.html#event-singapore-summit", "Singapore summit"),
        ("chronology.html#event-stockholm-talks", "talked in Stockholm"),
    ]


@pytest.mark.sphinx("html", testroot="chronology")
def test_html_shows_the_timeline_in_both_layouts_as_svg_with_one_alt_text(app):
    app.build()
    images = page(app, "chronology").xpath('//figure[contains(@class, "chronology-figure")]//img')
    assert [(img.get("class"), img.get("src"), img.get("loading")) for img in images] == [
        ("timeline-wide", "_images/events-timeline.svg", "lazy"),
        ("timeline-narrow", "_images/events-timeline-narrow.svg", "lazy"),
    ]
    assert [img.get("alt") for img in images] == [ALT, ALT]
    for name in ("events-timeline.svg", "events-timeline-narrow.svg"):
        svg = ElementTree.parse(Path(app.outdir) / "_images" / name).getroot()
        assert svg.tag == "{http://www.w3.org/2000/svg}svg"


def assert_latex_has_the_wide_timeline_only(outdir: Path) -> None:
    assert (outdir / "events-timeline.pdf").read_bytes().startswith(b"%PDF")
    tex = (outdir / "test.tex").read_text()
    assert tex.count(r"\sphinxincludegraphics") == 1
    assert r"\sphinxincludegraphics{{events-timeline}.pdf}" in tex
    assert "narrow" not in tex
    assert not list(outdir.glob("*narrow*"))


@pytest.mark.sphinx("latex", testroot="chronology")
def test_latex_includes_the_timeline_as_pdf_and_targets_each_event(app):
    app.build()
    assert_latex_has_the_wide_timeline_only(Path(app.outdir))
    tex = (Path(app.outdir) / "test.tex").read_text()
    for label in ORDER:
        assert r"\label{\detokenize{chronology:%s}}" % label in tex
    assert r"\hyperref[\detokenize{chronology:event-singapore-summit}]" in tex


@pytest.fixture
def copy_of_root(rootdir, tmp_path) -> Path:
    srcdir = tmp_path / "chronology"
    shutil.copytree(rootdir / "test-chronology", srcdir)
    return srcdir


def rebuild(make_app, srcdir: Path) -> list[str]:
    """Build *srcdir* again in this process; its warnings, less those of Sphinx
    registering its own nodes and directives a second time."""
    app = make_app("html", srcdir=srcdir)
    app.build()
    return [w for w in warnings_of(app) if "while setting up extension" not in w]


def test_latex_after_html_from_the_same_doctrees_keeps_the_wide_timeline_only(
    make_app, copy_of_root
):
    html = make_app("html", srcdir=copy_of_root)
    html.build()
    # the LaTeX build reads no page again: it gets the doctrees the HTML build
    # pickled, narrow image and all
    latex = make_app("latex", srcdir=copy_of_root)
    latex.build()
    assert "0 added, 0 changed, 0 removed" in ANSI.sub("", latex.status.getvalue())
    assert_latex_has_the_wide_timeline_only(Path(latex.outdir))


def test_the_figures_are_drawn_again_only_when_their_data_changes(make_app, copy_of_root):
    def build() -> list[str]:
        return rebuild(make_app, copy_of_root)

    folder = copy_of_root / "_generated" / "chronology"
    figures = [folder / "events-timeline.svg", folder / "events-timeline-narrow.svg"]

    def drawn_at() -> list[int]:
        return [svg.stat().st_mtime_ns for svg in figures]

    assert build() == []
    drawn = drawn_at()
    # the page's own text changes: the page is read again, the figure is kept
    page_md = copy_of_root / "chronology.md"
    page_md.write_text(page_md.read_text() + "\nA new closing sentence.\n")
    assert build() == []
    assert (
        "A new closing sentence."
        in (copy_of_root / "_build" / "html" / "chronology.html").read_text()
    )
    assert drawn_at() == drawn
    # an event's title changes: the data file alone sends the page back to be read
    data = copy_of_root / "events.yaml"
    data.write_text(data.read_text().replace("title: Missile barrage", "title: Launches"))
    assert build() == []
    assert all(now != then for now, then in zip(drawn_at(), drawn, strict=True))
    assert "Launches" in (copy_of_root / "_build" / "html" / "chronology.html").read_text()


def corpus_events() -> list[Event]:
    events, problems = load_events((REPO / "chronology.yaml").read_text())
    assert problems == []
    return events


def test_the_files_do_not_depend_on_when_they_are_drawn(tmp_path):
    events = corpus_events()
    for run in ("a", "b"):
        draw_timeline(events, tmp_path / run / "t.svg", tmp_path / run / "t.pdf")
        draw_timeline(events, tmp_path / run / "n.svg", None, NARROW)
    for name in ("t.svg", "t.pdf", "n.svg"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    for name in ("t.svg", "n.svg"):
        assert b"<dc:date>" not in (tmp_path / "a" / name).read_bytes()
    assert b"/CreationDate" not in (tmp_path / "a" / "t.pdf").read_bytes()
    # the narrow figure is for the website only
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["n.svg", "t.pdf", "t.svg"]


def svg_size(path: Path) -> tuple[float, float]:
    """The SVG's width and height in points, as matplotlib writes them."""
    root = ElementTree.parse(path).getroot()
    width, height = root.get("width"), root.get("height")
    assert width.endswith("pt") and height.endswith("pt"), (width, height)
    return float(width[:-2]), float(height[:-2])


def test_the_narrow_figure_fits_a_phone_at_its_own_size_and_is_taller(tmp_path):
    events = corpus_events()
    draw_timeline(events, tmp_path / "wide.svg", None, WIDE)
    draw_timeline(events, tmp_path / "narrow.svg", None, NARROW)
    wide_w, wide_h = svg_size(tmp_path / "wide.svg")
    narrow_w, narrow_h = svg_size(tmp_path / "narrow.svg")
    assert narrow_w < wide_w and narrow_h > wide_h
    # at 96 CSS pixels to the inch it fits a 390-pixel phone less the page's margins
    assert narrow_w / 72 * 96 <= 350
    # the same design, not a copy of it: the same colours in both
    colours = [
        set(re.findall(r"#[0-9a-f]{6}", (tmp_path / name).read_text()))
        for name in ("wide.svg", "narrow.svg")
    ]
    assert colours[0] == colours[1]


def test_a_long_title_wraps_under_its_date_in_the_narrow_figure():
    assert title_lines(LONG_TITLE, WIDE) == [LONG_TITLE]
    lines = title_lines(LONG_TITLE, NARROW)
    assert len(lines) == 2 and " ".join(lines) == LONG_TITLE
    assert title_lines("Singapore summit", NARROW) == ["Singapore summit"]


#: capitals and wide letters, as long as a title may be
LONG_TITLE = "UN Security Council Resolution Number 2397"
assert len(LONG_TITLE) == TITLE_MAX


def _label_boxes(events: list[Event], layout: Layout):
    with matplotlib.rc_context(STYLE):
        fig = timeline_figure(events, layout)
        renderer = FigureCanvasAgg(fig).get_renderer()
        texts = fig.axes[0].texts
        # a title too long for its line is wrapped, never set smaller
        assert {t.get_fontsize() for t in texts} == {FONT_SIZE}
        return fig.bbox, [t.get_window_extent(renderer) for t in texts]


@pytest.mark.parametrize("layout", LAYOUTS, ids=["wide", "narrow"])
@pytest.mark.parametrize(
    "events",
    [
        load_events((REPO / "chronology.yaml").read_text())[0],
        # a crowded case: many events on one day, each with a title as long as allowed
        [Event(Date(2019, 6, 30), f"event-e{i}", LONG_TITLE, ["x"], 1, 1) for i in range(1, 20)]
        + [Event(Date(1950), "event-first", "First", ["x"], 1, 1)],
    ],
    ids=["corpus", "crowded"],
)
def test_no_two_labels_of_the_timeline_overlap(events, layout):
    figure_box, boxes = _label_boxes(sorted(events, key=lambda e: e.position), layout)
    for box in boxes:
        assert figure_box.x0 <= box.x0 and box.x1 <= figure_box.x1, box
        assert figure_box.y0 <= box.y0 and box.y1 <= figure_box.y1, box
    for i, one in enumerate(boxes):
        for other in boxes[i + 1 :]:
            assert not one.overlaps(other), (one, other)


def test_spread_keeps_order_gap_and_bounds():
    assert spread([0, 0, 0], 1, 0, 10) == [0, 1, 2]
    assert spread([5, 5, 5], 1, 0, 10) == [4, 5, 6]
    assert spread([9.5, 9.5, 9.5], 1, 0, 10) == [8, 9, 10]
    assert spread([1, 5, 9], 1, 0, 10) == [1, 5, 9]
    # one gap per neighbouring pair, for labels of different heights
    assert spread([0, 0, 0], [2, 1], 0, 10) == [0, 2, 3]
    assert spread([10, 10, 10], [2, 1], 0, 10) == [7, 9, 10]


# -- Broken data: each mistake at its line of events.yaml -------------------------


@pytest.mark.parametrize(
    ("old", "new", "warnings"),
    [
        (
            "date: 2019\n",
            "date: 2019-13\n",
            [
                "16: WARNING: date '2019-13' is not a date: write YYYY, YYYY-MM or "
                "YYYY-MM-DD [chronology.data]"
            ],
        ),
        (
            "  title: An event known by its year\n",
            "",
            ["16: WARNING: this event has no 'title': add 'title:' to it [chronology.data]"],
        ),
        (
            "  title: An event known by its year",
            "  tilte: An event known by its year",
            [
                "18: WARNING: unknown field 'tilte' in an event: did you mean 'title'? [chronology.data]"
            ],
        ),
        (
            "label: event-year-only",
            "label: event-stockholm-talks",
            [
                "17: WARNING: label 'event-stockholm-talks' is used twice (first at line 4): "
                "give each event its own label [chronology.data]"
            ],
        ),
        (
            "label: event-year-only",
            "label: Year_Only",
            [
                "17: WARNING: label 'Year_Only' is not 'event-' followed by lowercase words "
                "joined by hyphens: write e.g. event-singapore-summit [chronology.data]"
            ],
        ),
        (
            "title: An event known by its year",
            "title: An event known by its year, told at too great a length",
            [
                "18: WARNING: title is 54 characters long: shorten it to 42 or fewer, so that "
                "it fits in the timeline (the description holds the detail) [chronology.data]"
            ],
        ),
        (
            "The first meeting of the two leaders {cite:p}`bader2018kim`.",
            "The first meeting of the two leaders.",
            [
                "14: WARNING: event 'event-singapore-summit' cites no source: add a {cite:p} "
                "citation of refs.bib to its description [chronology.uncited]"
            ],
        ),
        (
            "One crossed the line {cite:p}`kim2022missile`.",
            "One crossed the line {cite:p}`kim2022missil`.",
            [
                "27: WARNING: unknown citation key 'kim2022missil': did you mean "
                "'kim2022missile'? [citations.unknown_key]"
            ],
        ),
        (
            "title: An event known by its year",
            "title: [unclosed",
            [
                "19: WARNING: the chronology is not valid YAML (while parsing a flow sequence "
                "started at line 18): expected ',' or ']', but got ':' [chronology.data]",
                "essay.md:3: WARNING: undefined label: 'event-singapore-summit' [ref.ref]",
                "essay.md:3: WARNING: undefined label: 'event-stockholm-talks' [ref.ref]",
            ],
        ),
    ],
    ids=[
        "bad-date",
        "missing-field",
        "unknown-field",
        "duplicate-label",
        "bad-label",
        "long-title",
        "uncited",
        "unknown-key",
        "invalid-yaml",
    ],
)
def test_broken_data_is_reported_at_its_line(make_app, copy_of_root, old, new, warnings):
    data = copy_of_root / "events.yaml"
    assert data.read_text().count(old) == 1
    data.write_text(data.read_text().replace(old, new))
    app = make_app("html", srcdir=copy_of_root)
    app.build()
    expected = [
        f"{copy_of_root / w}" if w.startswith("essay.md") else f"{data}:{w}" for w in warnings
    ]
    assert warnings_of(app) == expected


def test_problems_are_reported_again_on_a_rebuild(make_app, copy_of_root):
    data = copy_of_root / "events.yaml"
    data.write_text(data.read_text().replace("date: 2019\n", "date: 2019-13\n"))

    def build() -> list[str]:
        return rebuild(make_app, copy_of_root)

    first = build()
    # nothing changed, yet the page is read again and a strict build still fails
    assert build() == first and len(first) == 1


def test_a_missing_data_file_is_reported_at_the_directive(make_app, copy_of_root):
    (copy_of_root / "events.yaml").unlink()
    app = make_app("html", srcdir=copy_of_root)
    app.build()
    assert warnings_of(app)[0] == (
        f"{copy_of_root / 'chronology.md'}:3: WARNING: chronology data file 'events.yaml' not "
        "found: give its path relative to this page [chronology.data]"
    )


def test_a_chronology_too_deep_or_with_aliases_is_refused_at_its_line():
    """No event needs them: deep nesting would exhaust the reader's stack (a
    traceback, not a message), and an alias repeats a value without writing it."""
    deep = "- date: 2022-11-02\n  label: event-x\n  title: " + "[" * 3000 + "]" * 3000 + "\n"
    assert load_events(deep) == (
        [],
        [
            (
                3,
                "the chronology is nested more than 16 levels deep: write each event as "
                "'- date:' with 'field: value' lines",
            )
        ],
    )
    aliased = "- date: &d 2022-11-02\n  label: event-x\n  title: x\n- date: *d\n"
    assert load_events(aliased) == (
        [],
        [
            (
                4,
                "the chronology uses the YAML alias '*d': write the value out where it is "
                "needed; the chronology takes no aliases",
            )
        ],
    )
