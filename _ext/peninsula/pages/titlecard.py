"""Each essay's title card: a picture of its title page, for its JSON-LD ``image``.

Why this exists: search engines show an article's ``image`` beside it, and
Google's guidelines for Article markup ask for an image that belongs to the
article and represents it, not the site's logo. An essay's own picture
(``image`` in its front matter) is that image when it has one. Most essays
have none, and their PDF's first page cannot be turned into a picture without
a renderer the build does not have; so the build draws the one picture every
essay has: its title page, as the PDF's title block sets it (the collection's
name, the title, the subtitle, the byline, and the version line in the
PDF's words, "Version 1 · published February 2023").

The card is SVG: text a browser or a crawler lays out with its own fonts, so
it shows any script (a name in Hangul too) with no font bundled here, and it
costs a fraction of a millisecond per essay. Lines are broken by an estimate
of each character's width (a CJK character is one em wide, a Latin one about
half, with room to spare: tests/pages/test_signposting.py measures every line in
Chromium); a title too long for four lines at the smaller size ends with an
ellipsis. Its text reaches the SVG only through XML escaping. Earlier versions
get their own card (``cards/<slug>-v<N>.svg``), since their title or byline
may differ; a card whose essay or version is gone is deleted.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from ..core.builder import base_url, is_site_builder, write_if_changed
from ..records.essays import Essay, byline_text, essays_domain, remove_files_of_removed_essays
from .cite import file_stem
from .pdfs import version_text

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

CARD_DIR = "cards"
#: 16:9, one of the ratios Google asks article images in, 1200 pixels wide
WIDTH, HEIGHT = 1200, 675
MARGIN = 80
FONTS = "Georgia, 'Noto Serif', 'DejaVu Serif', 'Noto Serif CJK KR', serif"
#: (font size, most lines) for the title: the larger size when it fits
TITLE_SIZES = ((64, 3), (52, 4))
SUBTITLE_SIZE, SUBTITLE_LINES = 34, 2
BYLINE_SIZE = 30
ELLIPSIS = "…"


def card_path(record: Essay) -> str:
    """The site-relative path of the card: ``cards/<slug>.svg``."""
    return f"{CARD_DIR}/{file_stem(record)}.svg"


def card_url(config: Config, record: Essay) -> str:
    return base_url(config) + card_path(record)


def em_width(char: str) -> float:
    """How wide *char* may be in a serif face, in ems: a little more than in
    the widest of the faces named (DejaVu Serif bold), so that a line fits in
    any of them."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char.isspace() or unicodedata.category(char).startswith("P"):
        return 0.4
    if char.isupper() or char.isdigit():
        return 0.8
    return 0.64


def text_width(text: str, size: float) -> float:
    return sum(em_width(c) for c in text) * size


def wrap(text: str, size: float, width: float, most: int) -> list[str] | None:
    """*text* broken into lines no wider than *width* at *size*: at spaces, or
    inside a word too long for a line (CJK text has no spaces). None when it
    needs more than *most* lines."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:  # a word wider than a line is broken where it must be
            if line and text_width(line + char, size) > width:
                lines.append(line)
                line = ""
            line += char
    if line:
        lines.append(line)
    return lines if len(lines) <= most else None


def cut(text: str, size: float, width: float, most: int) -> list[str]:
    """*text* in at most *most* lines, the last ending with an ellipsis if it
    had to be shortened."""
    words = text.split()
    while words:
        lines = wrap(" ".join(words), size, width, most)
        if lines is not None:
            return lines
        words.pop()
        if words:
            words[-1] = words[-1].rstrip(",;:.") + ELLIPSIS
    return []


def title_lines(title: str) -> tuple[int, list[str]]:
    """The title's size and lines: the largest size at which it fits whole,
    else the smallest size, shortened."""
    width = WIDTH - 2 * MARGIN
    for size, most in TITLE_SIZES:
        lines = wrap(title, size, width, most)
        if lines is not None:
            return size, lines
    size, most = TITLE_SIZES[-1]
    return size, cut(title, size, width, most)


def _text(x: float, y: float, size: int, content: str, **style: str) -> str:
    attributes = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in style.items())
    return f'<text x="{x}" y="{y}" font-size="{size}"{attributes}>{escape(content)}</text>'


def card_svg(record: Essay, config: Config) -> str:
    """The card of *record*, as an SVG document."""
    width = WIDTH - 2 * MARGIN
    parts = [
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fbfaf7"/>',
        f'<rect x="{MARGIN}" y="96" width="96" height="6" fill="#8c2f39"/>',
        _text(MARGIN, 80, 28, config.project.upper(), letter_spacing="3", fill="#4b5563"),
    ]
    size, lines = title_lines(record.title)
    y = 150 + size
    for line in lines:
        parts.append(_text(MARGIN, y, size, line, font_weight="bold", fill="#111827"))
        y += round(size * 1.18)
    if record.subtitle:
        y += 8
        for line in cut(record.subtitle, SUBTITLE_SIZE, width, SUBTITLE_LINES):
            parts.append(_text(MARGIN, y, SUBTITLE_SIZE, line, font_style="italic", fill="#374151"))
            y += round(SUBTITLE_SIZE * 1.25)
    byline = cut(byline_text(record), BYLINE_SIZE, width, 1)
    parts.append(_text(MARGIN, HEIGHT - 110, BYLINE_SIZE, " ".join(byline), fill="#111827"))
    parts.append(_text(MARGIN, HEIGHT - 64, 24, version_text(record), fill="#4b5563"))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" xml:lang="{escape(config.language or "en")}" '
        f'font-family="{FONTS}">\n'
        f"<title>{escape(record.title)}</title>\n" + "\n".join(parts) + "\n</svg>\n"
    )


def write_card(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """The card of the essay or earlier version *pagename*, written with its page."""
    record = essays_domain(app.env).record(pagename)
    if record is None or doctree is None or not is_site_builder(app):
        return
    path = Path(app.outdir) / card_path(record)
    path.parent.mkdir(exist_ok=True)
    write_if_changed(path, card_svg(record, app.config).encode())


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("peninsula.records.essays")
    app.connect("html-page-context", write_card)
    remove_files_of_removed_essays(app, lambda record: [card_path(record)])
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
