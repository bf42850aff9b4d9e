"""What markup a page may use: Markdown, a short list of directives and roles, no HTML.

Why this exists: an essay is Markdown, from a contributor the journal does
not control. Raw HTML (a ``<script>``, an ``<iframe>``, an ``onclick=``
attribute) or a ``javascript:`` link would run in every reader's browser, and
a picture without alt text says nothing to a reader who cannot see it. The
build stops at the line that holds the mistake and says what to write instead.

Directives and roles are code that runs while the page is read: Sphinx and
docutils have dozens, and some read files (``{include}``, ``{literalinclude}``,
``{csv-table}``), fetch addresses (``{csv-table}`` with ``:url:``), write
markup through (``{raw}``, ``{eval-rst}``) or run what they are given
(``{ifconfig}``). So a page may use only the ones listed here
(``ESSAY_DIRECTIVES`` and ``ESSAY_ROLES`` for an essay, and the site's own
pages a few more for their lists), and any other is refused at its line,
before it runs. The files the allowed ones name are held to the project
(peninsula.gates.paths).

A page's front matter may not change how it is parsed: MyST honours a
``myst:`` block (and the older top-level ``html_meta`` and ``substitutions``)
on any page, which turns on Jinja substitutions (``{{ env.config }}``) or
writes ``<meta http-equiv="refresh">`` into the head. Such a key is refused at
its line and the page is parsed with the project's settings.

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
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import yaml
from docutils import nodes
from myst_parser.config.main import TopmatterReadError, read_topmatter
from myst_parser.mdit_to_docutils.base import token_line
from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
from myst_parser.parsers.mdit import create_md_parser
from myst_parser.parsers.sphinx_ import MystParser
from sphinx import addnodes
from sphinx.util import logging

from ..core.sources import is_essay_page, scheme_of
from ..pages.cite import CITE_ID as CITE_BOX_ID
from ..works.citations import ENTRY_ID

if TYPE_CHECKING:
    from markdown_it.tree import SyntaxTreeNode
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

#: link schemes a page may use; anything else (javascript:, data:, ...) is refused
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
#: the explicit target of a role, ``{ref}`text <target>```
ROLE_TARGET_RE = re.compile(r"<([^<>]*)>`?\s*$")
#: cross-reference kinds whose target is a page or a label, never an address
LINK_XREFS = frozenset({"ref", "doc", "numref", "any", "myst"})
TAG_RE = re.compile(r"<\s*([A-Za-z][\w:-]*)")
CLOSING_TAG_RE = re.compile(r"^\s*</\s*[A-Za-z][\w:-]*\s*>\s*$")
EVENT_ATTRIBUTE_RE = re.compile(r"\s(on[a-z]+)\s*=", re.I)
RAW_FIX = "write Markdown instead (an image is ![alt text](path), a link is [text](https://...))"

#: the directives an essay may use: figures, tables and asides. (No
#: mathematics: Sphinx shows it with MathJax from another site, which the
#: site's Content-Security-Policy refuses, and a reader would see TeX.)
ESSAY_DIRECTIVES = frozenset(
    {
        "figure",
        "image",
        "table",
        "list-table",
        "epigraph",
        "pull-quote",
        "admonition",
        "note",
        "tip",
        "important",
        "warning",
        "seealso",
    }
)
#: and the site's own pages: its contents, the lists made from the essays'
#: records, the glossary, the chronology and the corpus's bibliography
PAGE_DIRECTIVES = ESSAY_DIRECTIVES | {
    "toctree",
    "glossary",
    "essay-list",
    "corrections",
    "browse-index",
    "chronology",
    "corpus-bibliography",
}
#: the roles an essay may use; other ``{cite:...}`` forms are let through to
#: peninsula.works.citations, which says which form to write instead
ESSAY_ROLES = frozenset(
    {"cite:p", "cite:t", "ref", "term", "doc", "numref", "download", "abbr", "sub", "sup"}
)
PAGE_ROLES = ESSAY_ROLES | {"pdf-edition", "epub-edition"}
#: ids the site gives to what it adds to a page (the cite box, the essay's
#: picture, its History, an earlier version's banner, a retraction's notice,
#: furo's search box), and the beginnings of those it numbers (a
#: References entry ``ref-<key>``, a citation ``cite-<key>-<n>``, furo's
#: ``furo-...`` and ``svg-...`` of every page): a label or
#: heading of the author's with one of them would make two elements with one
#: id, and a link or a preview would find the wrong one. (A heading or label
#: ``references`` is peninsula.works.citations' to refuse, with its own message.)
RESERVED_IDS = frozenset(
    {CITE_BOX_ID, "essay-image", "searchbox", "history", "version-banner", "retraction-notice"}
)
RESERVED_ID_PREFIXES = (ENTRY_ID.format(key=""), "cite-", "furo-", "svg-")
#: front-matter keys by which MyST lets a page change its own parsing
PAGE_SETTINGS = ("myst", "html_meta", "substitutions")
MERGE_TAG = "tag:yaml.org,2002:merge"


def _every_link(url: str) -> bool:
    """markdown-it's link check, replaced: every address makes a link, so that
    check_markup sees it (and refuses it at its line) instead of MyST
    printing the Markdown source as text."""
    return True


def _listed(names: Iterable[str]) -> str:
    return ", ".join("{%s}" % name for name in sorted(names))


class PolicyRenderer(SphinxRenderer):
    """MyST's renderer, running only the directives and roles a page may use."""

    def _refuse(self, message: str, line: int, subtype: str) -> None:
        logger.warning(
            message,
            location=(self.sphinx_env.docname, line),
            type="markup",
            subtype=subtype,
        )

    def run_directive(self, name: str, first_line: str, content: str, position: int, *args, **kw):
        essay = is_essay_page(self.sphinx_env)
        allowed = ESSAY_DIRECTIVES if essay else PAGE_DIRECTIVES
        if name.lower() not in allowed:
            where = "an essay" if essay else "a page"
            self._refuse(
                f"directive {{{name}}} is not allowed in {where}: write Markdown, or use "
                f"one of {_listed(allowed)}",
                position,
                "directive",
            )
            return []
        return super().run_directive(name, first_line, content, position, *args, **kw)

    def render_restructuredtext(self, token: SyntaxTreeNode) -> None:
        self._refuse(
            "an {eval-rst} block is not allowed in the corpus: write Markdown instead",
            token_line(token),
            "directive",
        )

    def render_myst_role(self, token: SyntaxTreeNode) -> None:
        name = token.meta["name"]
        essay = is_essay_page(self.sphinx_env)
        allowed = ESSAY_ROLES if essay else PAGE_ROLES
        if name.lower() not in allowed and not name.lower().startswith("cite:"):
            where = "an essay" if essay else "a page"
            self._refuse(
                f"role {{{name}}} is not allowed in {where}: use one of {_listed(allowed)}",
                token_line(token) if token.map else 0,
                "role",
            )
            # its text stays, as text
            self.current_node += nodes.literal(token.content, token.content)
            return
        super().render_myst_role(token)


def front_matter_lines(text: str) -> dict[str, int]:
    """The line of each top-level key of the front matter of *text*, read as
    MyST reads it (from a first line starting with ``---`` to one starting
    with ``---`` or ``...``): a key written plainly, quoted, as a complex key
    (``? myst``), or merged in (``<<: {myst: ...}``), each at the line where
    it is written. Composed, never constructed: an alias is not expanded."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("---"):
        return {}
    block = []
    for line in lines[1:]:
        if line.startswith(("---", "...")):
            break
        block.append(line.rstrip() + "\n")
    try:
        root = yaml.compose("".join(block), Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    found: dict[str, int] = {}

    def keys(node: yaml.Node | None) -> None:
        if isinstance(node, yaml.SequenceNode):  # <<: [{...}, {...}]
            for item in node.value:
                keys(item)
        if not isinstance(node, yaml.MappingNode):
            return
        for key, value in node.value:
            if key.tag == MERGE_TAG:
                keys(value)
            elif isinstance(key, yaml.ScalarNode):
                # the first line of the file is the opening ---
                found.setdefault(key.value, key.start_mark.line + 2)

    keys(root)
    return found


class MarkdownParser(MystParser):
    """MyST's parser, whose markdown-it makes a link of every address, with
    the renderer of the policy and the project's settings on every page."""

    def parse(self, inputstring: str, document: nodes.document) -> None:
        config = document.settings.env.myst_config
        try:
            topmatter = read_topmatter(inputstring)
        except TopmatterReadError:
            topmatter = None  # MyST reports it while rendering
        if topmatter:
            lines = front_matter_lines(inputstring)
            for key in sorted(PAGE_SETTINGS, key=lambda key: lines.get(key, 1)):
                if key in topmatter:
                    logger.warning(
                        "front-matter key %r is not allowed: a page may not change how it is "
                        "parsed or add head tags; remove it (settings belong in conf.py)",
                        key,
                        location=(document.settings.env.docname, lines.get(key, 1)),
                        type="markup",
                        subtype="front_matter",
                    )
        md = create_md_parser(config, PolicyRenderer)
        # an instance attribute: markdown-it's rules call md.validateLink(url)
        md.validateLink = _every_link  # type: ignore[method-assign]
        md.options["document"] = document
        md.render(inputstring)


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


def _refuse_reserved_ids(doctree: nodes.document) -> None:
    """The author's labels and headings, before the build adds its own sections.

    A label ``(name)=`` gives its id to what follows it (docutils' target
    propagation): the heading or paragraph holds the id, and the label is a
    target that refers to it. The message is at the label's own line."""
    labels = {
        target["refid"]: target
        for target in doctree.findall(nodes.target)
        if target.get("refid") and target.line
    }
    for node in list(doctree.findall(nodes.Element)):
        for node_id in list(node.get("ids", ())):
            if node_id in RESERVED_IDS or node_id.startswith(RESERVED_ID_PREFIXES):
                label = labels.get(node_id)
                what = "heading" if isinstance(node, nodes.section) and label is None else "label"
                logger.warning(
                    "%s id %r is the site's own: it names what the build adds to the page "
                    "(references, citations, the cite box); choose another label, or reword "
                    "the heading",
                    what,
                    node_id,
                    location=label if label is not None else node,
                    type="markup",
                    subtype="label",
                )
                node["ids"].remove(node_id)
                doctree.ids.pop(node_id, None)
                if not node["ids"]:
                    doctree.set_id(node)  # a section must have one, for the contents


def _refuse_markup_in_terms(doctree: nodes.document) -> None:
    """A glossary term is a name: its previews, its id and the index read it as
    text. (Raw HTML in a term is refused as anywhere else.)"""
    for glossary in doctree.findall(addnodes.glossary):
        _refuse_markup_in_glossary(glossary)


def _refuse_markup_in_glossary(glossary: addnodes.glossary) -> None:
    for term in glossary.findall(nodes.term):
        markup = [
            child
            for child in term.children
            if not isinstance(child, (nodes.Text, addnodes.index, nodes.raw))
        ]
        if markup:
            logger.warning(
                "glossary term %r holds markup (%s): write the term as plain text; links "
                "and citations belong in its definition",
                term.astext(),
                markup[0].tagname,
                location=term,
                type="markup",
                subtype="term",
            )
            for child in markup:
                child.replace_self(nodes.Text(child.astext()))


def check_markup(app: Sphinx, doctree: nodes.document) -> None:
    _refuse_reserved_ids(doctree)
    _refuse_markup_in_terms(doctree)
    _refuse_raw(doctree)
    _refuse_links(doctree)
    _refuse_images(doctree)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_parser")
    app.setup_extension("peninsula.gates.paths")
    app.add_source_parser(MarkdownParser, override=True)
    app.connect("doctree-read", check_markup, priority=300)
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
