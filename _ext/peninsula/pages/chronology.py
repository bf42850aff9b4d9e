"""The chronology: the events the essays discuss, from one data file, with a timeline.

Why this exists: the essays keep returning to the same dates (the armistice,
the six-party statement, Singapore, Hanoi, the DMZ meeting, the launches of
November 2022). Those events are written once, in a YAML file, and the
``{chronology}`` directive makes from it both the list of events, each with a
label that any page links to with ``{ref}`event-singapore-summit```, and a
timeline figure drawn with matplotlib: SVG for the website, PDF for the
printed edition. The data is checked on every read, each mistake reported at
its file and line, and every event must cite its source.

The figure comes in two layouts drawn by one function from the same events:
the wide one, 6 inches across, for the printed page and for screens wider
than 40em; and a narrow one, 3.6 inches across with each title under its date
and wrapped, for phones, where the wide figure would be scaled down until its
text could not be read. The website's page holds both and its stylesheet shows
one by the width of the screen; the printed edition keeps the wide one only.

Each figure is drawn only when what it shows changes; it is written to
``_generated/`` in the source tree (not kept in git), since Sphinx copies
images from there and picks ``.svg`` or ``.pdf`` per builder.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import importlib.metadata
import json
import logging as pylogging
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml
from docutils import nodes
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.domains import Domain
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..core.dates import Date, DateError
from ..core.sources import NotUTF8, read_text
from ..records.frontmatter import MAX_DEPTH, CheckingLoader, TooDeep

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

FIELDS = ("date", "label", "title", "description")
LABEL_RE = re.compile(r"^event-[a-z0-9]+(?:-[a-z0-9]+)*$")
#: longer titles would run past the right edge of the timeline
TITLE_MAX = 42
#: where figures are written, relative to the source directory
GENERATED = "_generated/chronology"
#: bump when the drawing changes, so that every figure is drawn again
DRAWING_VERSION = "1"


@dataclass(frozen=True)
class Event:
    date: Date
    label: str
    title: str
    description: list[str]  #: the Markdown lines of the description
    line: int  #: line of the event's first field in the data file
    description_line: int  #: line of the description's first line

    @property
    def date_text(self) -> str:
        return self.date.long()

    @property
    def position(self) -> float:
        """The date as a fractional year; a year or month alone stands for its start."""
        when = self.date
        return cast(int, when.year) + ((when.month or 1) - 1) / 12 + ((when.day or 1) - 1) / 372


class ChronologyDomain(Domain):
    """The pages whose chronology data has problems: they are read again on
    every build until the data is fixed, so a strict build keeps failing."""

    name = "chronology"
    label = "Chronology of the corpus"
    data_version = 1
    initial_data: dict[str, Any] = {"flawed": {}}

    @property
    def flawed(self) -> dict[str, None]:
        return self.data["flawed"]

    def clear_doc(self, docname: str) -> None:
        self.flawed.pop(docname, None)

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict) -> None:
        for docname in docnames:
            if docname in otherdata["flawed"]:
                self.flawed[docname] = None

    def resolve_any_xref(self, *args: Any) -> list:
        return []


# -- The data file -------------------------------------------------------------


def _date(node: yaml.Node) -> Date | None:
    try:
        return Date.parse(node.value if isinstance(node, yaml.ScalarNode) else "")
    except DateError:
        return None


def _description_lines(node: yaml.ScalarNode, text: str) -> tuple[list[str], int]:
    """The description as written in the file, and the line it starts on, so that
    Markdown reads it line for line (a folded scalar would join its lines)."""
    if node.style in ("|", ">"):
        first = node.start_mark.line + 1  # the line after the '>-' indicator
        # the scalar ends where the next token starts, or inside its last line
        end = node.end_mark.line + (1 if node.end_mark.column else 0)
        lines = text.split("\n")[first:end]
        lines = textwrap.dedent("\n".join(lines)).rstrip().split("\n")
        return lines, first + 1
    return str(node.value).split("\n"), node.start_mark.line + 1


def load_events(text: str) -> tuple[list[Event], list[tuple[int, str]]]:
    """The well-formed events of a data file, and the problems of the others as
    (line, message)."""
    # front matter's loader: no alias, no nesting deeper than any event needs
    loader = CheckingLoader(text, first_line=1, what="the chronology")
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        line = err.problem_mark.line + 1 if err.problem_mark else 1
        context = ""
        if err.context and err.context_mark:
            context = f" ({err.context} started at line {err.context_mark.line + 1})"
        return [], [(line, f"the chronology is not valid YAML{context}: {err.problem}")]
    except TooDeep as err:
        return [], [
            (
                err.line,
                f"the chronology is nested more than {MAX_DEPTH} levels deep: write each "
                "event as '- date:' with 'field: value' lines",
            )
        ]
    finally:
        loader.dispose()
    if loader.aliases:
        return [], [(alias.line, alias.message) for alias in loader.aliases]
    if not isinstance(root, yaml.SequenceNode):
        return [], [(1, "the chronology must be a list of events, each starting with '- date:'")]
    events: list[Event] = []
    problems: list[tuple[int, str]] = []
    labels: dict[str, int] = {}
    for item in root.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            problems.append(
                (line, f"an event must be 'field: value' lines: the fields are {', '.join(FIELDS)}")
            )
            continue
        fields: dict[str, yaml.Node] = {}
        bad = False
        for key_node, value_node in item.value:
            key, key_line = str(key_node.value), key_node.start_mark.line + 1
            if key not in FIELDS:
                close = difflib.get_close_matches(key, FIELDS, n=1)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else f"the fields are {', '.join(FIELDS)}"
                )
                problems.append((key_line, f"unknown field '{key}' in an event: {hint}"))
                bad = True
            elif key in fields:
                problems.append((key_line, f"field '{key}' is given twice in this event"))
                bad = True
            elif not isinstance(value_node, yaml.ScalarNode) or not str(value_node.value).strip():
                problems.append((key_line, f"field '{key}' must be non-empty text"))
                bad = True
            else:
                fields[key] = value_node
        missing = [name for name in FIELDS if name not in fields and not bad]
        for name in missing:
            problems.append((line, f"this event has no '{name}': add '{name}:' to it"))
        if bad or missing:
            continue
        date = _date(fields["date"])
        if date is None:
            problems.append(
                (
                    fields["date"].start_mark.line + 1,
                    f"date '{fields['date'].value}' is not a date: write YYYY, YYYY-MM or "
                    "YYYY-MM-DD",
                )
            )
            continue
        label, label_line = str(fields["label"].value), fields["label"].start_mark.line + 1
        if not LABEL_RE.match(label):
            problems.append(
                (
                    label_line,
                    f"label '{label}' is not 'event-' followed by lowercase words joined by "
                    "hyphens: write e.g. event-singapore-summit",
                )
            )
            continue
        if label in labels:
            problems.append(
                (
                    label_line,
                    f"label '{label}' is used twice (first at line {labels[label]}): give each "
                    "event its own label",
                )
            )
            continue
        labels[label] = label_line
        title = " ".join(str(fields["title"].value).split())
        if len(title) > TITLE_MAX:
            problems.append(
                (
                    fields["title"].start_mark.line + 1,
                    f"title is {len(title)} characters long: shorten it to {TITLE_MAX} or fewer, "
                    "so that it fits in the timeline (the description holds the detail)",
                )
            )
            continue
        lines, description_line = _description_lines(
            cast(yaml.ScalarNode, fields["description"]), text
        )
        events.append(Event(date, label, title, lines, line, description_line))
    events.sort(key=lambda e: e.position)
    return events, problems


# -- The timeline figure ---------------------------------------------------------

FONT_SIZE = 9


@dataclass(frozen=True)
class Layout:
    """Where the parts of the timeline go, in inches; one drawing function serves
    every layout, so that the wide and the narrow figure cannot drift apart."""

    name: str  #: appended to the figure's file name ("" for the wide figure)
    html_class: str  #: the stylesheet shows or hides the image by this class
    width: float
    row: float  #: between two labels side by side, or two lines of a stacked label
    gap: float  #: added between two stacked labels, so that each reads as one block
    margin: float
    axis_x: float
    elbow_x: float  #: where a leader line leaves the level of its event's date
    label_x: float
    title_x: float | None  #: None: the title goes under its date, wrapped to fit
    printed: bool  #: also drawn as PDF, for the printed edition

    @property
    def stacked(self) -> bool:
        return self.title_x is None


#: the printed page's text width holds it unscaled; the website shows it to
#: readers whose screen is wider than 40em
WIDE = Layout(
    name="",
    html_class="timeline-wide",
    width=6.0,
    row=0.27,
    gap=0.0,
    margin=0.3,
    axis_x=0.75,
    elbow_x=0.95,
    label_x=1.55,
    title_x=2.95,
    printed=True,
)
#: for phones: 3.6 in is about 346 CSS pixels, so a 390-pixel screen shows the
#: figure at its own size and the text stays at 9 pt instead of shrinking to 5
NARROW = Layout(
    name="-narrow",
    html_class="timeline-narrow",
    width=3.6,
    row=0.17,
    gap=0.13,
    margin=0.3,
    axis_x=0.5,
    elbow_x=0.6,
    label_x=1.0,
    title_x=None,
    printed=False,
)
LAYOUTS = (WIDE, NARROW)


def spread(
    wanted: list[float], gap: float | Sequence[float], low: float, high: float
) -> list[float]:
    """Positions in the order of *wanted*, each at least its gap (one number for
    all, or one per neighbouring pair) below the one before and within [low,
    high], as close to *wanted* as possible (least squares): isotonic regression
    on the positions shifted by the gaps above them, then clipped."""
    gaps = [gap] * max(len(wanted) - 1, 0) if isinstance(gap, float | int) else list(gap)
    offsets = [0.0]
    for g in gaps:
        offsets.append(offsets[-1] + g)
    shifted = [w - offset for w, offset in zip(wanted, offsets, strict=True)]
    blocks: list[list[float]] = []  # [mean, size]
    for value in shifted:
        blocks.append([value, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, size = blocks.pop()
            blocks[-1] = [
                (blocks[-1][0] * blocks[-1][1] + mean * size) / (blocks[-1][1] + size),
                blocks[-1][1] + size,
            ]
    fitted = [mean for mean, size in blocks for _ in range(int(size))]
    top = high - offsets[-1]
    return [min(max(z, low), top) + offset for z, offset in zip(fitted, offsets, strict=True)]


def title_lines(title: str, layout: Layout) -> list[str]:
    """The title as drawn: one line beside its date, or, stacked under the date,
    broken between words where it would pass the right margin (a smaller font
    would defeat the narrow figure's purpose)."""
    if not layout.stacked:
        return [title]
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    font = FontProperties(family=STYLE["font.family"], size=FONT_SIZE)
    room = (layout.width - layout.label_x - 0.08) * 72  # points

    def fits(text: str) -> bool:
        return text_to_path.get_text_width_height_descent(text, font, ismath=False)[0] <= room

    lines: list[str] = []
    for word in title.split():
        if lines and fits(f"{lines[-1]} {word}"):
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def label_heights(events: list[Event], layout: Layout) -> list[float]:
    """The height each event's label takes, the space under it included."""
    if not layout.stacked:
        return [layout.row] * len(events)
    return [(1 + len(title_lines(e.title, layout))) * layout.row + layout.gap for e in events]


def figure_height(events: list[Event], layout: Layout = WIDE) -> float:
    return max(3.0, sum(label_heights(events, layout)) + 2 * layout.margin)


STYLE = {
    "font.family": "DejaVu Sans",  # shipped with matplotlib: the same on every machine
    "font.size": FONT_SIZE,
    "svg.hashsalt": "peninsula-chronology",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,  # TrueType, so that the PDF's text can be searched and copied
}


def timeline_figure(events: list[Event], layout: Layout = WIDE) -> Figure:
    """A vertical time axis, to scale, with each event's date and title beside it
    (or, stacked, the date with the title under it); labels are moved apart where
    events crowd, with a leader line to their date.
    Call within ``matplotlib.rc_context(STYLE)``."""
    from matplotlib.figure import Figure

    height = figure_height(events, layout)
    heights = label_heights(events, layout)
    lines = [title_lines(e.title, layout) for e in events]
    first, last = events[0].position, events[-1].position
    span = max(last - first, 1.0)
    # the axis ends at the last date; a stacked label's title hangs below it
    below = len(lines[-1]) * layout.row if layout.stacked else 0.0
    top, bottom = layout.margin, height - layout.margin - below

    def y_of(position: float) -> float:
        return top + (position - first) / span * (bottom - top)

    fig = Figure(figsize=(layout.width, height), facecolor="white")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, layout.width)
    ax.set_ylim(height, 0)
    ax.set_axis_off()
    axis_x = layout.axis_x
    ax.plot([axis_x, axis_x], [top, bottom], color="#8a8f98", linewidth=1.2)
    for decade in range(int(first) // 10 * 10 + 10, int(last) + 1, 10):
        y = y_of(decade)
        ax.plot([axis_x - 0.06, axis_x], [y, y], color="#8a8f98", linewidth=1)
        ax.text(axis_x - 0.1, y, str(decade), ha="right", va="center", color="#5f6670")
    wanted = [y_of(e.position) for e in events]
    placed = spread(wanted, heights[:-1], top, bottom)
    for event, title, y, label_y in zip(events, lines, wanted, placed, strict=True):
        ax.plot(
            [axis_x, layout.elbow_x, layout.label_x - 0.08],
            [y, y, label_y],
            color="#b4bac3",
            linewidth=0.7,
        )
        ax.plot([axis_x], [y], marker="o", markersize=4.5, color="#1f4e79")
        ax.text(layout.label_x, label_y, event.date_text, va="center", color="#5f6670")
        if layout.title_x is not None:
            ax.text(layout.title_x, label_y, title[0], va="center", color="#111111")
        else:
            for i, line in enumerate(title, start=1):
                ax.text(
                    layout.label_x,
                    label_y + i * layout.row,
                    line,
                    va="center",
                    color="#111111",
                )
    return fig


def draw_timeline(events: list[Event], svg: Path, pdf: Path | None, layout: Layout = WIDE) -> None:
    """Write the timeline as SVG and, unless *pdf* is None, as PDF, with no dates
    in either file, so that the same events give the same bytes."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        fig = timeline_figure(events, layout)
        svg.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(svg, format="svg", metadata={"Date": None})
        if pdf is None:
            return
        # fontTools reports each step of subsetting the PDF's font at INFO
        fonttools = pylogging.getLogger("fontTools")
        level = fonttools.level
        fonttools.setLevel(pylogging.WARNING)
        try:
            fig.savefig(pdf, format="pdf", metadata={"CreationDate": None})
        finally:
            fonttools.setLevel(level)


def figure_stamp(events: list[Event], layout: Layout = WIDE) -> str:
    """What the figure shows; it is drawn again only when this changes.
    matplotlib's version is read from its package's metadata: importing it
    costs a third of a second, which a build that draws nothing need not pay."""
    shown = [(e.position, e.date_text, e.title) for e in events]
    drawn_by = importlib.metadata.version("matplotlib")
    return hashlib.sha256(
        json.dumps(
            [DRAWING_VERSION, drawn_by, dataclasses.astuple(layout), FONT_SIZE, shown]
        ).encode()
    ).hexdigest()


def ensure_figure(srcdir: Path, name: str, events: list[Event], layout: Layout = WIDE) -> str:
    """Draw the figure in *layout* unless an identical one is there; its URI for
    ``name`` with the layout's suffix, ``.*``. Each layout keeps its own stamp,
    so that a change to one does not redraw the other."""
    name = f"{name}{layout.name}"
    folder = srcdir / GENERATED
    svg = folder / f"{name}.svg"
    pdf = folder / f"{name}.pdf" if layout.printed else None
    stamp_file = folder / f"{name}-data.sha256"
    stamp = figure_stamp(events, layout)
    current = stamp_file.read_text() if stamp_file.is_file() else ""
    if current != stamp or not svg.is_file() or (pdf is not None and not pdf.is_file()):
        draw_timeline(events, svg, pdf, layout)
        stamp_file.write_text(stamp)
    return f"/{GENERATED}/{name}.*"


def alt_text(events: list[Event]) -> str:
    first, last = events[0].date.year, events[-1].date.year
    listed = "; ".join(f"{e.date_text}, {e.title}" for e in events)
    return (
        f"Timeline from {first} to {last}, a vertical axis marked by decades, with "
        f"{len(events)} events at their dates: {listed}."
    )


# -- The directive -----------------------------------------------------------------


class ChronologyDirective(SphinxDirective):
    """``{chronology} data.yaml``: the timeline figure, then every event with its
    description, in date order."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        _, abspath = self.env.relfn2path(self.arguments[0], self.env.docname)
        path = Path(abspath)
        if not path.is_file():
            logger.warning(
                "chronology data file %r not found: give its path relative to this page",
                self.arguments[0],
                location=self.get_location(),
                type="chronology",
                subtype="data",
            )
            return []
        self.env.note_dependency(abspath)
        try:
            text = read_text(path)
        except NotUTF8 as err:
            self.report(path, err.line, str(err), "data")
            return []
        events, problems = load_events(text)
        for line, message in problems:
            self.report(path, line, message, "data")
        result: list[nodes.Node] = []
        if events:
            result.append(self.figure(events, path))
        box = nodes.definition_list(classes=["chronology"])
        std = self.env.domains.standard_domain
        for event in events:
            definition = self.description(event, path)
            if not any(
                x.get("refdomain") == "cite" for x in definition.findall(addnodes.pending_xref)
            ):
                self.report(
                    path,
                    event.description_line,
                    f"event '{event.label}' cites no source: add a {{cite:p}} citation of "
                    "refs.bib to its description",
                    "uncited",
                )
            term = nodes.term(
                "",
                "",
                nodes.inline("", event.date_text, classes=["chronology-date"]),
                nodes.Text(" — "),
                nodes.inline("", event.title, classes=["chronology-title"]),
                ids=[event.label],
            )
            term.source, term.line = str(path), event.line
            box += nodes.definition_list_item("", term, definition, classes=["chronology-event"])
            std.note_hyperlink_target(event.label, self.env.docname, event.label, event.title)
            self.state.document.ids[event.label] = term
        result.append(box)
        return result

    def report(self, path: Path, line: int, message: str, subtype: str) -> None:
        cast(ChronologyDomain, self.env.get_domain("chronology")).flawed[self.env.docname] = None
        logger.warning(message, location=f"{path}:{line}", type="chronology", subtype=subtype)

    def description(self, event: Event, path: Path) -> nodes.definition:
        """The Markdown description, its nodes located in the data file."""
        definition = nodes.definition()
        self.state.nested_parse(StringList(event.description), 0, definition)
        # MyST numbers the nested lines from the line after the directive's
        for node in definition.findall(nodes.Element):
            if node.line is not None:
                node.source = str(path)
                node.line = event.description_line + max(node.line - self.lineno - 1, 0)
        return definition

    def figure(self, events: list[Event], path: Path) -> nodes.figure:
        """Both layouts, one after the other: the stylesheet shows one of them by
        the width of the screen and hides the other (display: none), so that a
        screen reader meets one alt text; builds other than HTML drop the narrow
        one (see DropNarrowTimeline), since doctrees are shared between builders."""
        figure = nodes.figure("", classes=["chronology-figure"])
        alt = alt_text(events)
        for layout in LAYOUTS:
            uri = ensure_figure(self.env.srcdir, f"{path.stem}-timeline", events, layout)
            # the hidden image is then not fetched at all
            figure += nodes.image("", uri=uri, alt=alt, loading="lazy", classes=[layout.html_class])
        figure += nodes.caption(
            "",
            f"The {len(events)} events below on a time axis drawn to scale; where dates "
            "crowd together, a line leads from each date to its label.",
        )
        self.set_source_info(figure)
        return figure


class DropNarrowTimeline(SphinxPostTransform):
    """Print and plain text have a page of known width: they keep the wide figure
    only, which is also the only one drawn as PDF."""

    builders = ("latex", "texinfo", "text", "man")
    # before Sphinx picks each image's file for the builder
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        for image in list(self.document.findall(nodes.image)):
            if NARROW.html_class in image["classes"]:
                image.parent.remove(image)


def reread_flawed(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """A page whose chronology had problems is read, and its problems reported,
    again, until they are fixed."""
    domain = cast(ChronologyDomain, env.get_domain("chronology"))
    return [doc for doc in domain.flawed if doc not in changed and doc not in removed]


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("peninsula.works.citations")
    app.add_domain(ChronologyDomain)
    app.add_directive("chronology", ChronologyDirective)
    app.add_post_transform(DropNarrowTimeline)
    app.connect("env-get-outdated", reread_flawed)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
