"""Refuse raw HTML and script links in the corpus.

Why this exists: an essay is Markdown. Raw HTML (a ``<script>``, an
``<iframe>``, a ``{raw}`` or ``{eval-rst}`` block producing one) or a
``javascript:`` link would run in every reader's browser, so the build stops
at the line that holds it and says what to write instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

#: link schemes a page may use; anything else (javascript:, data:, ...) is refused
SAFE_SCHEMES = frozenset({"", "http", "https", "mailto"})


def check_markup(app: Sphinx, doctree: nodes.document) -> None:
    for raw in list(doctree.findall(nodes.raw)):
        logger.warning(
            "raw %s is not allowed in the corpus: write Markdown instead (an image is "
            "![alt text](path), a link is [text](https://...))",
            (raw.get("format") or "markup").upper(),
            location=raw,
            type="markup",
            subtype="raw",
        )
        raw.parent.remove(raw)
    for ref in list(doctree.findall(nodes.reference)):
        scheme = urlsplit(ref.get("refuri", "")).scheme.lower()
        if scheme not in SAFE_SCHEMES:
            logger.warning(
                "link scheme %r is not allowed: link to an http(s) address or a page of the corpus",
                scheme + ":",
                location=ref,
                type="markup",
                subtype="link",
            )
            ref.replace_self(nodes.inline("", "", *ref.children))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-read", check_markup, priority=300)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
