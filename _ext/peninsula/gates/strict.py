"""Strict builds: every mistake is reported at its own line, on every build.

Why this exists: a strict build (``-W``) fails on a warning, but Sphinx gives a
page's warnings only while it reads or writes that page. Run ``make html`` a
second time without fixing anything, and the page is up to date, nothing is
said, and the build succeeds with the unknown cite key, the broken ``{ref}``
or the ``<script>`` still there. And docutils gives every inline node the line
of its paragraph, so a citation on the third line of a paragraph was reported
at the first.

* ``WarningLedger`` sees every warning Sphinx prints, from whatever extension,
  in whatever phase or worker process (under ``-j`` a worker's warnings are
  replayed in the main process), and notes the documents it belongs to: the
  page of its location, or the pages that depend on the file of its location
  (a ``chronology.yaml`` description, an included file), or the page being read
  or resolved. The next build sends those documents back through
  ``env-get-outdated``, so they are read and written again and every warning of
  theirs is given again, until it is fixed. The ledger lives in a file beside
  the environment, written when the build ends: the environment itself is saved
  before the write phase, whose warnings (a broken ``{ref}``) would be lost.
  Read-phase notes serve every builder; write-phase notes the builder that gave
  them (``make site`` runs latexpdf and html on the same doctrees).
  Warnings given while the builder starts (the checks of ``refs.bib``) are not
  noted: they are given at every start.
* ``TrueLines`` gives each inline node of a paragraph (citation, ``{ref}``,
  ``{term}``, link, inline HTML) the line it is on, counting the line breaks of
  the paragraph before it.
* ``Glossary`` gives each glossary term the line it is on: Sphinx's glossary
  reads MyST's content lines, numbered from the directive, as the page's.
* Two of Sphinx's messages say what is wrong but not how to fix it: a broken
  ``{ref}``/``{term}``/``{doc}`` (reworded through ``missing-reference``,
  with the nearest existing name) and a page in no toctree (reworded as it
  passes the ledger, which also gives it a line).
"""

from __future__ import annotations

import difflib
import json
import logging as stdlib_logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.statemachine import StringList
from docutils.utils import get_source_line
from sphinx import addnodes
from sphinx.domains.std import Glossary as StdGlossary
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.build_phase import BuildPhase

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

LEDGER = "peninsula-warned.json"


# -- True lines ------------------------------------------------------------------


class Glossary(StdGlossary):
    """Sphinx's glossary, giving each term the line it is on.

    MyST numbers a directive's content lines from 0, where Sphinx's glossary
    takes them for the page's lines (0-based, as docutils counts a block's
    lines): every term was placed at the top of the page, and a mistake in one
    was reported there. The terms' own line is then counted from 1, as every
    node's is."""

    def run(self) -> list[nodes.Node]:
        first = self.lineno + self.content_offset
        self.content = StringList(
            list(self.content),
            items=[(source, first + offset) for source, offset in self.content.items],
        )
        result = super().run()
        for node in result:
            for term in node.findall(nodes.term):
                term.line += 1
        return result


# -- Which documents warned ------------------------------------------------------


class WarningLedger(stdlib_logging.Filter):
    """A filter on Sphinx's warning handler: notes where each printed warning
    comes from, and never stops one. First among the handler's filters, so
    that the location is still as the caller gave it (a node, a ``(docname,
    line)`` pair, a docname or a ``path:line`` string)."""

    def __init__(self, app: Sphinx) -> None:
        super().__init__()
        self.app = app
        #: (kind, path or docname of the location, page current when given)
        self.seen: set[tuple[str, str, str]] = set()
        #: whether the builder has started writing (write-started)
        self.writing = False

    def filter(self, record: stdlib_logging.LogRecord) -> bool:
        try:
            phase = self.app.phase
        except AttributeError:  # no builder yet: configuration time
            return True
        wtype, subtype = getattr(record, "type", None), getattr(record, "subtype", None)
        if phase == BuildPhase.INITIALIZATION or record.levelno < stdlib_logging.WARNING:
            return True
        # Sphinx's phases cannot tell checking consistency (after reading) from
        # resolving references (writing): both are 3
        kind = "write" if self.writing else "read"
        if logging.is_suppressed_warning(wtype, subtype, self.app.config.suppress_warnings):
            return True
        location = getattr(record, "location", None)
        if (wtype, subtype) == ("toc", "not_included") and isinstance(location, str):
            record.msg, record.location = not_included_message(self.app, location)
        current = self.app.env.current_document.docname or ""
        self.seen.add((kind, _where(location), current))
        # a page the message names ("duplicate label x, other instance in
        # <path>") takes part in the mistake: read it again too
        srcdir = str(self.app.srcdir)
        args = record.args if isinstance(record.args, tuple) else ()
        for arg in args:
            if isinstance(arg, (str, os.PathLike)) and str(arg).startswith(srcdir):
                self.seen.add((kind, str(arg), ""))
        return True


def _where(location: Any) -> str:
    """The path or docname a warning's location names, or ``''``."""
    if isinstance(location, nodes.Node):
        source, _ = get_source_line(location)
        return os.path.abspath(source) if source else ""
    if isinstance(location, tuple):
        return location[0] or ""
    if isinstance(location, str):
        # 'path:line', 'path:' (as Sphinx formats a node), or a docname
        head, sep, tail = location.rpartition(":")
        return head if sep and (tail.isdigit() or not tail) else location
    return ""


def documents_of(env: BuildEnvironment, where: str, current: str) -> set[str]:
    """The documents whose reading or writing gives a warning located at *where*."""
    if where in env.all_docs:
        return {where}
    if where:
        docname = env.path2doc(where)
        if docname:
            return {docname}
        target = os.path.normcase(os.path.abspath(where))
        dependent = {
            doc
            for doc, files in env.dependencies.items()
            if any(os.path.normcase(os.path.abspath(env.srcdir / f)) == target for f in files)
        }
        if dependent:
            return dependent
    return {current} if current else set()


def load_ledger(app: Sphinx) -> dict[str, Any]:
    try:
        data = json.loads((Path(app.doctreedir) / LEDGER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"read": [], "write": {}}
    return data if isinstance(data, dict) else {"read": [], "write": {}}


def warned_before(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """The documents that gave a warning in the last build: read them again."""
    ledger = load_ledger(app)
    docs = set(ledger.get("read", [])) | set(ledger.get("write", {}).get(app.builder.name, []))
    return sorted(docs - removed - changed)


def save_ledger(app: Sphinx, exception: Exception | None) -> None:
    """Note which documents warned, for the next build to read again."""
    ledger_filter = getattr(app, "_peninsula_ledger", None)
    if ledger_filter is None or app.env is None:
        return
    found: dict[str, set[str]] = {"read": set(), "write": set()}
    for kind, where, current in ledger_filter.seen:
        found[kind] |= documents_of(app.env, where, current)
    old = load_ledger(app)
    if exception is not None:
        # an interrupted build may not have reached every document: forget nothing
        found["read"] |= set(old.get("read", []))
        found["write"] |= set(old.get("write", {}).get(app.builder.name, []))
    writes = dict(old.get("write", {}))
    writes[app.builder.name] = sorted(found["write"])
    ledger = {"read": sorted(found["read"]), "write": writes}
    path = Path(app.doctreedir) / LEDGER
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(ledger, indent=1), encoding="utf-8")


def note_writing(app: Sphinx, builder: Any) -> None:
    app._peninsula_ledger.writing = True  # type: ignore[attr-defined]


def install_ledger(app: Sphinx) -> None:
    ledger_filter = WarningLedger(app)
    app._peninsula_ledger = ledger_filter  # type: ignore[attr-defined]
    for handler in stdlib_logging.getLogger(logging.NAMESPACE).handlers:
        if isinstance(handler, logging.WarningStreamHandler):
            handler.filters.insert(0, ledger_filter)


# -- Messages that say how to fix ------------------------------------------------------


def not_included_message(app: Sphinx, docname: str) -> tuple[str, tuple[str, int]]:
    """Sphinx's "document isn't included in any toctree", with how to fix it,
    located at the page's first line."""
    essays = getattr(app.config, "peninsula_essay_dir", "articles").rstrip("/")
    fix = (
        f"an essay belongs in {essays}/, whose essays the front page lists; another "
        "page must be listed in a toctree, or have 'orphan: true' in its front matter"
    )
    return f"document isn't included in any toctree: {fix}", (docname, 1)


def missing_reference(
    app: Sphinx, env: BuildEnvironment, node: addnodes.pending_xref, contnode: nodes.Element
) -> nodes.Element | None:
    """A broken ``{ref}``, ``{term}`` or ``{doc}``: say which name was meant.

    Sphinx's own messages ("undefined label: 'x'") say what but not how to fix;
    its ``warn-missing-reference`` listeners all run, so a message of ours there
    would come second to Sphinx's. Here, the reference is settled as its text,
    and Sphinx has nothing left to say."""
    if node.get("refdomain") != "std" or node["reftype"] not in ("ref", "term", "doc"):
        return None
    std = env.domains.standard_domain
    target = node["reftarget"]
    if node["reftype"] == "doc":
        what, fix = "page", "give the page's path without '.md', relative to this page"
        names = {name: name for name in env.all_docs}
    elif node["reftype"] == "term":
        what, fix = "glossary term", "use a term of the glossary, or define it there"
        # terms match whatever their case
        names = {name.lower(): name for (kind, name) in std.objects if kind == "term"}
        target = target.lower()
    else:
        if target in std.anonlabels:
            return None  # a label without a title: Sphinx's own message says so
        what = "label"
        fix = "write a label set with '(label)=' above a heading, or an event's label"
        names = {name: name for name in std.labels}
    if target in names:
        return None
    close = difflib.get_close_matches(target, list(names), n=1)
    hint = f"did you mean {names[close[0]]!r}?" if close else fix
    logger.warning(
        "unknown %s %r: %s",
        what,
        node["reftarget"],
        hint,
        location=node,
        type="ref",
        subtype=node["reftype"],
    )
    return contnode


# -- Lines -----------------------------------------------------------------------------


class TrueLines(SphinxTransform):
    """Each inline node of a paragraph gets the line it is on.

    MyST (like docutils) stamps every inline node with its paragraph's first
    line. A paragraph's line breaks are in its text (``"\\n"`` between lines,
    and in the raw HTML of a hard break), so the line of a node is its
    paragraph's plus the breaks before it. Applied only when those breaks add
    up to the paragraph's source (a code span across lines loses its break):
    otherwise the paragraph's line stays."""

    # after parsing, before any check on the doctree (doctree-read)
    default_priority = 100

    def apply(self, **kwargs: Any) -> None:
        for block in self.document.findall(nodes.TextElement):
            if block.line is None or isinstance(block.parent, nodes.TextElement):
                continue
            if isinstance(block, (nodes.raw, nodes.literal_block)):
                continue
            self.spread(block)

    @staticmethod
    def spread(block: nodes.TextElement) -> None:
        base, breaks = block.line, 0
        lines: list[tuple[nodes.Element, int]] = []
        for node in block.findall(include_self=False):
            if isinstance(node, nodes.Text):
                raw = node.parent if isinstance(node.parent, nodes.raw) else None
                # a hard break is written twice, as HTML and as LaTeX: count it once
                if raw is None or raw.get("format") == "html":
                    breaks += node.count("\n")
            # MyST leaves some inline nodes (images) at line 0, none at all
            elif node.line in (base, 0, None) and node.source in (None, block.source):
                lines.append((node, base + breaks))
        if breaks != block.rawsource.count("\n"):
            return
        for node, line in lines:
            # a line without its file would make the location '<unknown>:line'
            node.source, node.line = block.source, line


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", install_ledger)
    app.connect("write-started", note_writing)
    app.connect("env-get-outdated", warned_before)
    app.connect("build-finished", save_ledger)
    app.connect("missing-reference", missing_reference)
    app.add_transform(TrueLines)
    app.add_directive_to_domain("std", "glossary", Glossary, override=True)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
