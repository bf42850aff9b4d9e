"""The editor's lint: what a strict build accepts but an editor should look at.

Why this exists: a build fails on what is broken (an unknown key, a bad date,
a dangling link), but not on what is merely loose: a work left in refs.bib
after the essay citing it was cut, a glossary entry or a chronology event no
page leads to, a paragraph stating a figure, a date or a quotation without
saying where it comes from. The house rule is that every claim is cited; a
build cannot tell a claim from a sentence, but the doctrees can point at the
likely ones. ``make check`` runs this builder (``sphinx-build -b lint``): it
reads the project exactly as the HTML build does, with its own doctree
folder, then looks at every parsed page at once and writes nothing but its
report, to the console and to ``lint.txt`` in its output folder. ``make
html`` never loads the builder's work: it only registers it.

What fails and why:

* Problems of the build itself, the refs.bib key convention among them
  (``peninsula.works.bibfile`` reports it as a warning, turned off with the
  ``suppress_warnings`` entry its message names), fail as in every strict
  build (``-W``): the site would be wrong or inconsistent.
* The lint's own findings are warnings, listed with the exit status 0, since
  none of them makes a page wrong: an uncited work still appears in the
  bibliography, a glossary entry ahead of the essay that will use it is
  harmless, and the paragraph check is a heuristic (a count of the essay's
  own sections is a figure too).
* ``peninsula_lint_strict = True`` (``make check STRICT=1``) makes the
  uncited paragraphs fail: it is the editor's pass before publication, where
  each one is either cited or read and judged. It also fails on an essay
  whose text is not its recorded version (``peninsula.records.versions``): changed
  after publication with no History entry, a version opened and not
  recorded, or a draft never published; ``make site`` and Read the Docs run
  it before they build what readers get. The other findings stay warnings
  even then: they never put an unsourced claim in front of a reader.

A journal that does not want a check turns it off with
``suppress_warnings = ["lint.<check>"]`` (``lint.uncited_entry``,
``lint.unlinked_term``, ``lint.unlinked_event``, ``lint.uncited_paragraph``,
``lint.unrecorded_version``);
the report says which checks are off.

Decisions:

* "Cited by no page": a work counts as cited when any page cites it, the
  glossary and the chronology included. They are held to the same rule as
  the essays (every definition and event cites its sources), the
  bibliography notes them under "Cited in" like essays, and refs.bib keeps a
  section of the primary documents they cite; only a work no page cites is
  dead weight. Likewise a glossary term or an event is linked when any page
  links to it, another glossary entry included.
* The paragraph check reads the essays' bodies only: not the header made from
  the front matter (its abstract summarizes the cited body), the References
  or the cite box. A paragraph counts as cited when any citation is in it, so
  a quotation of a speaker with the citation at the end of the sentence or
  paragraph is cited. A block quote is one unit, a quotation by its form,
  cited anywhere inside it. A figure is any digit outside a citation; a date
  a month name, with its day and year when given ("May" and "March" only
  before a number, being words too), or a year of four digits; a quotation is
  text between double quotation marks, curly or straight (single quotation
  marks are too often apostrophes).
* The editor's note is read: its corrections of fact need their sources as
  much as the text does. Its quotations, though, are the source's own
  wording, quoted to be corrected, and the note cites the source at its head
  (the form of the note docs/editing.md gives): in a section titled "Editor's note" that
  cites the essay's ``source``, quotations count as cited; dates and figures
  do not.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.builders import Builder
from sphinx.util import logging
from sphinxcontrib.bibtex.citation_target import parse_citation_targets

from ..core.sources import NotUTF8, read_text
from ..pages.cite import CITE_ID
from ..records.essays import essays_domain
from ..records.versions import LockError, history_line, lock_file, publishing_problems, read_lock
from ..works.bibfile import ENTRY_START_RE
from ..works.citations import REFERENCES_ID, bib_data, citations_domain

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

#: the report's file, in the builder's output folder
REPORT = "lint.txt"
#: the class peninsula.pages.chronology gives each event of its list
EVENT_CLASS = "chronology-event"
#: the class of the header peninsula.records.essays makes from the front matter
HEADER_CLASS = "essay-header"
#: sections added to an essay by the build, not written by its author
GENERATED_SECTIONS = frozenset({REFERENCES_ID, CITE_ID})
#: longest quotation or figure shown in a message, in characters
SHOWN = 60

_MONTHS = [m for m in calendar.month_name if m]
# "May" and "March" are also words: a date only before a day or a year
_PLAIN_MONTHS = "|".join(m for m in _MONTHS if m not in {"May", "March"})
DATE_RE = re.compile(
    rf"\b(?:{_PLAIN_MONTHS})\b(?:\s+\d{{1,2}}\b)?(?:,?\s+\d{{4}}\b)?"
    r"|\b(?:May|March)\s+(?:\d{1,2}\b(?:,?\s+\d{4}\b)?|\d{4}\b)"
    r"|(?<!\d)(?:1[6-9]|20)\d\d(?!\d)"
)
FIGURE_RE = re.compile(r"\d(?:[\d,.]*\d)?%?")
QUOTE_RE = re.compile(r"[“\"][^”\"]+[”\"]")
#: the title of an edition's closing note, as docs/editing.md gives it
EDITORS_NOTE_RE = re.compile(r"^editor['’]s note$", re.I)


@dataclass(frozen=True, order=True)
class Finding:
    """One line of the report: where, what is wrong, how to fix it."""

    path: str  #: relative to the source directory
    line: int
    what: str
    fix: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}: {self.fix}"


@dataclass(frozen=True)
class Check:
    subtype: str  #: ``lint.<subtype>`` in suppress_warnings turns it off
    title: str  #: the heading of its group in the report
    run: Callable[[LintBuilder], Iterable[Finding]]
    strict: bool = False  #: fails the lint when peninsula_lint_strict is on
    noun: str = ""  #: what one failing finding is, in the failure's summary


class LintBuilder(Builder):
    """Reads every page, writes only the report (see the module's docstring)."""

    name = "lint"
    epilog = "The report is also in %(outdir)s/" + REPORT + "."

    def init(self) -> None:
        self.failed = False
        self._doctrees: list[tuple[str, nodes.document]] | None = None

    def get_outdated_docs(self) -> list[str]:
        # no page has an output of its own: finish() looks at them all
        return []

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        return ""

    def write_documents(self, docnames: Iterable[str]) -> None:
        pass

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        pass

    def finish(self) -> None:
        strict = bool(self.config.peninsula_lint_strict)
        suppressed = set(self.config.suppress_warnings)
        groups: list[tuple[Check, list[Finding] | None]] = []
        for check in CHECKS:
            off = {"lint", "lint.*", f"lint.{check.subtype}"} & suppressed
            groups.append((check, None if off else sorted(set(check.run(self)))))
        failing = sum(len(found or []) for check, found in groups if strict and check.strict)
        self.failed = failing > 0
        lines = report(groups, strict, failing)
        for line in lines:
            logger.info(line)
        Path(self.outdir, REPORT).write_text("\n".join(lines) + "\n", encoding="utf-8")

    # -- what the checks read --------------------------------------------------

    def doctrees(self) -> list[tuple[str, nodes.document]]:
        """Every page as read, before the writers resolve anything, so that
        citations and links are still the pending references written; loaded
        once for all the checks."""
        if self._doctrees is None:
            docnames = sorted(self.env.found_docs)
            self._doctrees = [(name, self.env.get_doctree(name)) for name in docnames]
        return self._doctrees

    def where(self, source: str | Path) -> str:
        path = Path(source)
        try:
            return path.relative_to(self.srcdir).as_posix()
        except ValueError:
            return path.as_posix()


def report(
    groups: list[tuple[Check, list[Finding] | None]], strict: bool, failing: int
) -> list[str]:
    """The report: a summary, then each check's heading with its count and its
    findings; headings start with ``--`` so that only findings read as
    ``file:line:``."""
    total = sum(len(found or []) for _, found in groups)
    mode = "strict" if strict else "not strict: findings are warnings"
    lines = [f"lint ({mode}): {total} finding{'' if total == 1 else 's'}"]
    for check, found in groups:
        if found is None:
            lines.append(f"-- {check.title}: off (lint.{check.subtype} in suppress_warnings)")
            continue
        tail = " (they fail with STRICT=1)" if check.strict and found and not strict else ""
        lines.append(f"-- {check.title}: {len(found) or 'none'}{tail}")
        lines += [str(finding) for finding in found]
    if failing:
        counts = [
            f"{len(found)} {check.noun}{'' if len(found) == 1 else 's'}"
            for check, found in groups
            if check.strict and found
        ]
        lines.append(f"lint failed: {', '.join(counts)} in strict mode (peninsula_lint_strict)")
    return lines


# -- The checks ----------------------------------------------------------------


def xref_targets(builder: LintBuilder) -> tuple[set[str], set[str]]:
    """What the pages link to: every reference's target, and the glossary
    terms named by ``{term}``, lowercased as Sphinx matches them."""
    targets: set[str] = set()
    terms: set[str] = set()
    for _, doctree in builder.doctrees():
        for xref in doctree.findall(addnodes.pending_xref):
            target = str(xref.get("reftarget", "")).lower()
            targets.add(target.lstrip("#"))
            if xref.get("reftype") == "term":
                terms.add(target)
    return targets, terms


def uncited_entries(builder: LintBuilder) -> Iterator[Finding]:
    cited: set[str] = set()
    domain = citations_domain(builder.env)
    for keys in domain.cited.values():
        cited.update(keys)
    bibdata = bib_data(builder.env)
    for path, bibfile in bibdata.bibfiles.items():
        text = read_text(Path(path))
        lines = {
            m["key"]: text.count("\n", 0, m.start("key")) + 1 for m in ENTRY_START_RE.finditer(text)
        }
        for key in bibfile.keys:
            if key not in cited:
                yield Finding(
                    builder.where(path),
                    lines.get(key, 1),
                    f"{key} is cited by no essay, glossary entry or chronology event",
                    "cite it where a page relies on it, or delete the entry",
                )


def unlinked_terms(builder: LintBuilder) -> Iterator[Finding]:
    targets, terms = xref_targets(builder)
    for _, doctree in builder.doctrees():
        for glossary in doctree.findall(addnodes.glossary):
            for item in glossary.findall(nodes.definition_list_item):
                names = [t for t in item.children if isinstance(t, nodes.term)]
                if not names or not names[0].source:
                    continue
                ids = {i.lower() for t in names for i in t["ids"]}
                if {t.astext().lower() for t in names} & terms or ids & targets:
                    continue
                first = names[0].astext()
                yield Finding(
                    builder.where(names[0].source),
                    names[0].line or 1,
                    f"glossary term {first!r} is linked from no page",
                    f"link it where an essay first uses it, {{term}}`{first}`, or delete the entry",
                )


def unlinked_events(builder: LintBuilder) -> Iterator[Finding]:
    targets, _ = xref_targets(builder)
    for _, doctree in builder.doctrees():
        for item in doctree.findall(nodes.definition_list_item):
            if EVENT_CLASS not in item["classes"] or not isinstance(item[0], nodes.term):
                continue
            term = item[0]
            label = term["ids"][0] if term["ids"] else ""
            if not label or label.lower() in targets or not term.source:
                continue
            yield Finding(
                builder.where(term.source),
                term.line or 1,
                f"chronology event {label} is linked from no page",
                f"link it where an essay mentions it, {{ref}}`{label}`, or delete the event",
            )


def _is_citation(node: nodes.Node) -> bool:
    return isinstance(node, addnodes.pending_xref) and node.get("refdomain") == "cite"


def _within(node: nodes.Node, test: Callable[[nodes.Node], bool]) -> bool:
    parent = node.parent
    while parent is not None:
        if test(parent):
            return True
        parent = parent.parent
    return False


def _generated(node: nodes.Node) -> bool:
    """Part of what the build adds to an essay: its header, References, cite box."""
    if not isinstance(node, nodes.Element):
        return False
    if isinstance(node, nodes.container) and HEADER_CLASS in node["classes"]:
        return True
    return isinstance(node, nodes.section) and bool(GENERATED_SECTIONS & set(node["ids"]))


def prose(unit: nodes.Element) -> str:
    """The unit's text as read, without citations (their keys hold years) and
    footnote marks (numbers), its whitespace collapsed; the paragraphs of a
    block quote are joined by a space."""
    if isinstance(unit, nodes.block_quote):
        return " ".join(prose(para) for para in unit.findall(nodes.paragraph))
    parts = [
        str(text)
        for text in unit.findall(nodes.Text)
        if not _within(text, _is_citation)
        and not _within(text, lambda n: isinstance(n, nodes.footnote_reference))
    ]
    return " ".join("".join(parts).split())


def _shown(text: str, closing: str = "") -> str:
    """*text* cut to SHOWN characters, keeping its closing quotation mark."""
    if len(text) <= SHOWN:
        return text
    cut = text[: SHOWN - 1 - len(closing)]
    # at a space, so that no word is shown cut short
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…" + closing


def unsourced(unit: nodes.Element, quotes_sourced: bool = False) -> list[str]:
    """What in the unit asks for a source: its first quotation (unless
    *quotes_sourced*), date and figure."""
    text = prose(unit)
    found = []
    if quotes_sourced:
        pass
    elif isinstance(unit, nodes.block_quote):
        found.append(f"a block quotation ({_shown(text)})")
    else:
        quote = QUOTE_RE.search(text)
        if quote:
            found.append(f"a quotation ({_shown(quote.group(), quote.group()[-1])})")
    date = DATE_RE.search(text)
    if date:
        found.append(f"a date ({date.group()})")
    figure = FIGURE_RE.search(DATE_RE.sub(" ", text))
    if figure:
        found.append(f"a figure ({_shown(figure.group())})")
    return found


def _units(doctree: nodes.Element) -> Iterator[nodes.Element]:
    """The paragraphs of a page or section, a block quote counting as one."""

    def is_unit(node: nodes.Node) -> bool:
        return isinstance(node, (nodes.paragraph, nodes.block_quote))

    for node in doctree.findall(is_unit):
        if not _within(node, lambda n: isinstance(n, nodes.block_quote)):
            yield cast(nodes.Element, node)


def _cited_keys(node: nodes.Element) -> set[str]:
    keys: set[str] = set()
    for xref in node.findall(_is_citation):
        try:
            keys.update(t.key for t in parse_citation_targets(xref["reftarget"]))
        except ValueError:  # malformed: peninsula.works.citations reports it at its line
            continue
    return keys


def editors_notes(doctree: nodes.document, source: str) -> list[nodes.section]:
    """The sections of an edition titled "Editor's note" that cite its source:
    the form of the note docs/editing.md gives, whose quotations are the source's words."""
    notes = []
    for section in doctree.findall(nodes.section):
        title = section[0].astext() if section.children else ""
        if EDITORS_NOTE_RE.match(title) and source in _cited_keys(section):
            notes.append(section)
    return notes


def uncited_paragraphs(builder: LintBuilder) -> Iterator[Finding]:
    essays = essays_domain(builder.env).essays
    for docname, doctree in builder.doctrees():
        if docname not in essays:
            continue
        source = essays[docname].source
        notes = editors_notes(doctree, source) if source else []
        in_notes = {id(unit) for note in notes for unit in _units(note)}
        for unit in _units(doctree):
            if _within(unit, _generated) or any(unit.findall(_is_citation)):
                continue
            found = unsourced(unit, quotes_sourced=id(unit) in in_notes)
            first = unit if unit.line else next(unit.findall(nodes.paragraph), unit)
            if not found or not first.source or not first.line:
                continue
            listed = ", ".join(found[:-1]) + " and " + found[-1] if len(found) > 1 else found[0]
            yield Finding(
                builder.where(first.source),
                first.line,
                f"{listed} but no citation",
                "cite the source in this paragraph, {cite:p}`key`",
            )


def unrecorded_versions(builder: LintBuilder) -> Iterator[Finding]:
    """What publishing refuses (peninsula.records.versions): an essay changed since
    its last recorded version with no History entry, a version opened and not
    recorded, a draft. The lock is read here, as it is on disk now."""
    try:
        lock = read_lock(lock_file(builder.srcdir, builder.config))
    except (LockError, NotUTF8):
        return  # every build reports it, at its line
    for docname, record in sorted(essays_domain(builder.env).essays.items()):
        path = Path(builder.env.doc2path(docname))
        source = read_text(path)
        for problem in publishing_problems(
            path, record.slug, record.version, history_line(source), lock.get(record.slug)
        ):
            what, _, fix = problem.message.partition(": ")
            yield Finding(builder.where(path), problem.line, what, fix)


CHECKS = (
    Check("uncited_entry", "refs.bib entries no page cites", uncited_entries),
    Check("unlinked_term", "glossary terms no page links to", unlinked_terms),
    Check("unlinked_event", "chronology events no page links to", unlinked_events),
    Check(
        "uncited_paragraph",
        "essay paragraphs with a figure, date or quotation and no citation",
        uncited_paragraphs,
        strict=True,
        noun="uncited paragraph",
    ),
    Check(
        "unrecorded_version",
        "essays whose text is not their recorded version (make revise, make record)",
        unrecorded_versions,
        strict=True,
        noun="unrecorded version",
    ),
)


def fail_when_strict(app: Sphinx, exception: Exception | None) -> None:
    """The exit status of ``sphinx-build``, as linkcheck sets it for broken links."""
    if exception is None and isinstance(app.builder, LintBuilder) and app.builder.failed:
        app.statuscode = 1


def setup(app: Sphinx) -> dict[str, Any]:
    # the true line of every node, glossary terms included
    app.setup_extension("peninsula.gates.strict")
    app.setup_extension("peninsula.works.bibfile")
    app.setup_extension("peninsula.records.essays")
    # "": a strict or lenient run reads the same doctrees
    app.add_config_value("peninsula_lint_strict", False, "", bool)
    app.add_builder(LintBuilder)
    app.connect("build-finished", fail_when_strict)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
