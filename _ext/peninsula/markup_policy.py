"""Refuse raw HTML, script links and pictures without alt text in the corpus.

Why this exists: an essay is Markdown. Raw HTML (a ``<script>``, an
``<iframe>``, an ``onclick=`` attribute, a ``{raw}`` or ``{eval-rst}`` block
producing one) or a ``javascript:`` link would run in every reader's browser,
and a picture without alt text says nothing to a reader who cannot see it. The
build stops at the line that holds the mistake and says what to write instead.

Upstream flaw worked around: markdown-it (under MyST) refuses to make a link of
a ``javascript:``, ``vbscript:`` or ``data:`` address, in every link syntax
(inline, reference-style, autolink). MyST then prints the source as plain text:
no link node ever reaches a check on the doctree, the build passes and the page
shows ``[Read more](javascript:alert(1))``. ``MarkdownParser`` is MyST's parser
with that refusal turned off, so every link the author wrote becomes a link
node at its line, and ``check_markup`` refuses the unsafe ones, whichever
syntax or nesting (directive bodies, glossary definitions, chronology
descriptions) they come from.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from myst_parser.config.main import TopmatterReadError, merge_file_level, read_topmatter
from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
from myst_parser.parsers.mdit import create_md_parser
from myst_parser.parsers.sphinx_ import MystParser
from myst_parser.warnings_ import create_warning
from sphinx import addnodes
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

#: link schemes a page may use; anything else (javascript:, data:, ...) is refused
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
SCHEME_RE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):")
#: the explicit target of a role, ``{ref}`text <target>```
ROLE_TARGET_RE = re.compile(r"<([^<>]*)>`?\s*$")
#: cross-reference kinds whose target is a page or a label, never an address
LINK_XREFS = frozenset({"ref", "doc", "numref", "any", "myst"})
TAG_RE = re.compile(r"<\s*([A-Za-z][\w:-]*)")
CLOSING_TAG_RE = re.compile(r"^\s*</\s*[A-Za-z][\w:-]*\s*>\s*$")
EVENT_ATTRIBUTE_RE = re.compile(r"\s(on[a-z]+)\s*=", re.I)
RAW_FIX = "write Markdown instead (an image is ![alt text](path), a link is [text](https://...))"


def _every_link(url: str) -> bool:
    """markdown-it's link check, replaced: every address makes a link, so that
    check_markup sees it (and refuses it at its line) instead of MyST
    printing the Markdown source as text."""
    return True


class MarkdownParser(MystParser):
    """MyST's parser, whose markdown-it makes a link of every address."""

    def parse(self, inputstring: str, document: nodes.document) -> None:
        config = document.settings.env.myst_config
        try:
            topmatter = read_topmatter(inputstring)
        except TopmatterReadError:
            topmatter = None  # MyST reports it while rendering
        if topmatter:
            config = merge_file_level(
                config,
                topmatter,
                lambda wtype, msg: create_warning(document, msg, wtype, line=1, append_to=document),
            )
        md = create_md_parser(config, SphinxRenderer)
        # an instance attribute: markdown-it's rules call md.validateLink(url)
        md.validateLink = _every_link  # type: ignore[method-assign]
        md.options["document"] = document
        md.render(inputstring)


def scheme_of(address: str) -> str | None:
    """The scheme of *address*, lowercased (``javascript``), or None."""
    match = SCHEME_RE.match(address)
    return match[1].lower() if match else None


def unsafe_scheme(address: str) -> str | None:
    scheme = scheme_of(address)
    return scheme if scheme is not None and scheme not in SAFE_SCHEMES else None


def _is_line_break(raw: nodes.raw) -> bool:
    """MyST writes a Markdown hard line break as raw ``<br />`` and raw LaTeX:
    Markdown, not HTML written by the author."""
    text = raw.astext()
    return (raw.get("format") == "html" and text == "<br />\n") or (
        raw.get("format") == "latex" and text == "\\\\\n"
    )


def _raw_message(raw: nodes.raw) -> tuple[str, str]:
    """What the raw node holds, and how to fix it."""
    fmt = (raw.get("format") or "markup").upper()
    text = raw.astext().strip()
    if fmt != "HTML":
        return f"raw {fmt} is not allowed in the corpus", RAW_FIX
    if text.startswith("<!--"):
        return (
            "raw HTML (an HTML comment) is not allowed in the corpus",
            "write a comment as a line starting with %",
        )
    tag = TAG_RE.search(text)
    what = f"<{tag[1].lower()}>" if tag else "markup"
    event = EVENT_ATTRIBUTE_RE.search(text)
    if event:
        what += f" with an event handler {event[1].lower()}="
    return f"raw HTML ({what}) is not allowed in the corpus", RAW_FIX


def _refuse_raw(doctree: nodes.document) -> None:
    reported: set[int] = set()  # ids of the parents holding a reported raw node
    for raw in list(doctree.findall(nodes.raw)):
        if _is_line_break(raw):
            continue
        parent = raw.parent
        # ``<b>bold</b>`` is one mistake: its closing tag follows an opening
        # one already reported in the same paragraph
        if not (CLOSING_TAG_RE.match(raw.astext()) and id(parent) in reported):
            what, fix = _raw_message(raw)
            logger.warning("%s: %s", what, fix, location=raw, type="markup", subtype="raw")
            reported.add(id(parent))
        parent.remove(raw)


def _refuse_link(node: nodes.Element, scheme: str) -> None:
    logger.warning(
        "link scheme %r is not allowed: link to an http(s) address or a page of the corpus",
        scheme + ":",
        location=node,
        type="markup",
        subtype="link",
    )
    # the link's words stay, as text; nothing is left to resolve, so no
    # second warning follows this one
    node.replace_self(nodes.inline("", "", *node.children))


def _xref_target(node: addnodes.pending_xref) -> str:
    """The target as written: ``{doc}`` makes it relative to the page, so the
    explicit ``<target>`` of the role's source comes first."""
    explicit = ROLE_TARGET_RE.search(node.rawsource or "")
    return explicit[1] if explicit and node.get("refexplicit") else node.get("reftarget", "")


def _refuse_links(doctree: nodes.document) -> None:
    for ref in list(doctree.findall(nodes.reference)):
        scheme = unsafe_scheme(ref.get("refuri", ""))
        if scheme:
            _refuse_link(ref, scheme)
    for xref in list(doctree.findall(addnodes.pending_xref)):
        if xref.get("reftype") in LINK_XREFS:
            scheme = unsafe_scheme(_xref_target(xref))
            if scheme:
                _refuse_link(xref, scheme)


def _refuse_images(doctree: nodes.document) -> None:
    for image in list(doctree.findall(nodes.image)):
        # any scheme: a picture from elsewhere would be fetched by every reader
        # (the site's Content-Security-Policy, img-src 'self', refuses it) and
        # could not go into the PDF, which is built with no network
        scheme = scheme_of(image.get("uri", ""))
        if scheme is not None:
            logger.warning(
                "image address scheme %r is not allowed: put the picture beside the "
                "essay and give its path, ![what it shows](map.png)",
                scheme + ":",
                location=image,
                type="markup",
                subtype="image",
            )
            image.parent.remove(image)
        elif not str(image.get("alt", "")).strip():
            logger.warning(
                "image %r has no alt text: say what it shows for readers who cannot "
                "see it, ![a map of the Northern Limit Line](%s)",
                image.get("uri", ""),
                image.get("uri", ""),
                location=image,
                type="markup",
                subtype="alt",
            )


def check_markup(app: Sphinx, doctree: nodes.document) -> None:
    _refuse_raw(doctree)
    _refuse_links(doctree)
    _refuse_images(doctree)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_parser")
    app.add_source_parser(MarkdownParser, override=True)
    app.connect("doctree-read", check_markup, priority=300)
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
