"""Raw HTML and script links are refused (peninsula.markup_policy)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import warnings_of

RAW = (
    "raw HTML is not allowed in the corpus: write Markdown instead (an image is "
    "![alt text](path), a link is [text](https://...)) [markup.raw]"
)


@pytest.mark.sphinx("html", testroot="markup")
def test_raw_html_and_script_links_are_refused(app):
    app.build()
    source = Path(app.srcdir) / "index.md"
    assert warnings_of(app) == [
        f"{source}:5: WARNING: {RAW}",
        f"{source}:7: WARNING: {RAW}",
        f"{source}:7: WARNING: {RAW}",
        f"{source}:9: WARNING: {RAW}",
        f"{source}:14: WARNING: link scheme 'javascript:' is not allowed: link to an http(s) "
        "address or a page of the corpus [markup.link]",
    ]
    page = (Path(app.outdir) / "index.html").read_text()
    for forbidden in ("<script>alert", "<b>bold", "<iframe", 'href="javascript:'):
        assert forbidden not in page
    assert "rst link" in page  # the link text stays, as plain text
