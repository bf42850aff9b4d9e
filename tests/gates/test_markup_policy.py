"""Raw HTML, script links and pictures without alt text are refused at their
line (peninsula.gates.markup_policy, with peninsula.gates.strict's true lines)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import warnings_of

FIX = "write Markdown instead (an image is ![alt text](path), a link is [text](https://...))"


PAGE_DIRECTIVES = (
    "{admonition}, {browse-index}, {chronology}, {corpus-bibliography}, {corrections}, "
    "{epigraph}, "
    "{essay-list}, {figure}, {glossary}, {image}, {important}, {list-table}, {note}, "
    "{pull-quote}, {seealso}, {table}, {tip}, {toctree}, {warning}"
)


def raw(what: str, fix: str = FIX) -> str:
    return f"raw {what} is not allowed in the corpus: {fix} [markup.raw]"


def scheme(name: str) -> str:
    return (
        f"link scheme '{name}:' is not allowed: link to an http(s) address or a page "
        "of the corpus [markup.link]"
    )


@pytest.mark.sphinx("html", testroot="markup")
def test_raw_html_and_script_links_are_refused_at_their_line(app):
    app.build()
    source = Path(app.srcdir) / "index.md"
    assert warnings_of(app) == [
        # refused before they run, as they are read
        f"{source}:9: WARNING: directive {{raw}} is not allowed in a page: write Markdown, "
        f"or use one of {PAGE_DIRECTIVES} [markup.directive]",
        f"{source}:13: WARNING: an {{eval-rst}} block is not allowed in the corpus: write "
        "Markdown instead [markup.directive]",
        f"{source}:5: WARNING: {raw('HTML (<script>)')}",
        # <b>bold</b> is one mistake, one message
        f"{source}:7: WARNING: {raw('HTML (<b>)')}",
        f"{source}:21: WARNING: {raw('HTML (<a> with an event handler onclick=)')}",
        f"{source}:22: WARNING: {raw('HTML (<iframe>)')}",
        f"{source}:27: WARNING: "
        + raw("HTML (an HTML comment)", "write a comment as a line starting with %"),
        f"{source}:20: WARNING: {scheme('vbscript')}",  # autolink
        f"{source}:7: WARNING: {scheme('javascript')}",
        f"{source}:19: WARNING: {scheme('javascript')}",  # inline, 3rd line of its paragraph
        f"{source}:20: WARNING: {scheme('data')}",  # reference-style
        f"{source}:23: WARNING: {scheme('data')}",
        f"{source}:34: WARNING: {scheme('javascript')}",  # inside a directive
        f"{source}:22: WARNING: image 'map.png' has no alt text: say what it shows for "
        "readers who cannot see it, ![a map of the Northern Limit Line](map.png) [markup.alt]",
        # a picture from another site: every reader's browser would fetch it
        f"{source}:37: WARNING: image address scheme 'https:' is not allowed: put the picture "
        "beside the essay and give its path, ![what it shows](map.png) [markup.image]",
    ]
    page = (Path(app.outdir) / "index.html").read_text()
    for forbidden in ("<script>alert", "<b>bold", "<iframe", "onclick", "javascript:", "data:"):
        assert forbidden not in page
    # nothing is shown as Markdown source either
    assert "](javascript" not in page and "[bad]" not in page
    assert "a script" in page  # the link text stays, as plain text
    assert "rst link" not in page  # a refused directive is not run
    # what is Markdown passes: a hard break, http(s) and mailto links, a described image
    assert "<br />" in page
    assert 'href="https://example.org"' in page and 'href="mailto:editors' in page
    assert 'alt="a map"' in page
    assert "example.org/map.png" not in page
