"""Previews of what a link points to, shown in place: the reference of an
in-text citation, the definition of a glossary term, the date and summary of
an event of the chronology.

Why this exists: a reader who meets "(Kim, 2022)" or a linked term should not
have to leave the sentence to learn what it stands for. sphinx-tippy does
something like this, but it needs tippy.js and popper from a package manager
and fetches DOI and Wikipedia tips over the network at build time. Ours is a
small script of our own, ``_static/previews.js`` (4 KB compressed, no
dependencies), with ``_static/previews.css``: it builds each preview in the
browser from what the site already holds (the page's References entry, the
glossary and chronology pages), follows WCAG 1.4.13 (dismissable with Esc,
hoverable, persistent) and is tested in a real browser by
``tests/theme/test_previews.py``. Without JavaScript every link stays a plain link.

The back-links from each References entry to the places citing it are made
by :mod:`peninsula.works.citations`; their look is in ``previews.css``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, Any]:
    # both files are in the project's _static (html_static_path)
    app.add_js_file("previews.js", loading_method="defer")
    app.add_css_file("previews.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
