"""Per-essay APA 7 citations and References lists, with incremental rebuilds.

Why this exists: sphinxcontrib-bibtex's ``bibliography`` directive creates a
node for every entry of ``refs.bib`` in every document that holds one, and
formats every bibliography of the project again on every build (DESIGN.md has
the figures); one key in two bibliographies also raises "duplicate citation"
warnings, and the LaTeX writer gathers all entries into one list at the end
of the book. This module keeps sphinxcontrib-bibtex's ``{cite:p}`` and
``{cite:t}`` roles and its cached parse of ``refs.bib``, and replaces the
step after them:

* read phase: the keys each document cites are noted in document order, an
  unknown key is reported at its line, and a "References" section is added at
  the end of every document that cites anything;
* write phase: the document's own works are labelled (APA suffixes, et al.,
  initials), each citation becomes a link to its entry, and the list is filled
  in. The cost is proportional to the document's own citations. For HTML
  builders only (``CitationBackLinks``), each in-text link also gets an id,
  ``cite-<key>-<n>`` (the n-th citation of that work on the page), and each
  entry ends with links back to those places ("Back to citation 2 of 3");
  the PDF has no use for them, so its LaTeX is left as it was;
* between builds: a digest of every entry is kept, and an edited entry sends
  only the documents that cite it back through the read phase.

The References list is a plain section, not docutils ``citation`` nodes, so
Sphinx's LaTeX writer leaves it at the end of its own chapter.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

import pybtex_docutils
from docutils import nodes
from pybtex.database import Entry
from sphinx import addnodes
from sphinx.domains import Domain
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinxcontrib.bibtex.bibfile import BibData
from sphinxcontrib.bibtex.citation_target import parse_citation_targets

from . import apa

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)
backend = pybtex_docutils.Backend()

#: the sphinxcontrib-bibtex role names this corpus uses, and their meaning
NARRATIVE = {"t": True, "ts": True, "p": False, "ps": False}
REFERENCES_ID = "references"
ENTRY_ID = "ref-{key}"
#: the id of the n-th in-text citation (counting from 1) of a work on a page
CITE_ID = "cite-{key}-{n}"


class reference_list(nodes.General, nodes.Element):
    """Placeholder for a document's References list, filled at write time."""


class backlink(nodes.Inline, nodes.TextElement):
    """A link from a References entry back to one citation of it; written only
    by HTML builders, as ``<a>`` with an accessible name (*label*) that says
    where it leads, since its visible text is a single letter or arrow."""


def visit_backlink(self: Any, node: backlink) -> None:
    self.body.append(
        self.starttag(
            node,
            "a",
            "",
            href="#" + node["refid"],
            CLASS="backlink",
            **{"aria-label": node["label"]},
        )
    )


def depart_backlink(self: Any, node: backlink) -> None:
    self.body.append("</a>")


def backlinks(ids: list[str]) -> nodes.inline:
    """Links back to the citations *ids* of one work, as on Wikipedia: one arrow
    for a work cited once, else an arrow followed by a, b, c ... (1, 2, 3 ...
    for a work cited more than 26 times)."""
    box = nodes.inline("", "", classes=["backlinks"])
    if len(ids) == 1:
        box += backlink("", "\u2191", refid=ids[0], label="Back to the citation")
        return box
    box += nodes.inline("", "\u2191", classes=["backlinks-arrow"])
    for n, cite_id in enumerate(ids, 1):
        text = chr(ord("a") + n - 1) if len(ids) <= 26 else str(n)
        box += nodes.Text(" ")
        box += backlink("", text, refid=cite_id, label=f"Back to citation {n} of {len(ids)}")
    return box


class CitationsDomain(Domain):
    """Which document cites which keys, the digest of every bib entry, and the
    keys whose entries peninsula.works.bibfile withheld."""

    name = "citations"
    label = "Citations of the corpus"
    data_version = 2
    initial_data: dict[str, Any] = {"cited": {}, "digests": {}, "withheld": []}

    @property
    def cited(self) -> dict[str, list[str]]:
        """docname -> keys it cites, in order of first citation."""
        return self.data["cited"]

    @property
    def withheld(self) -> list[str]:
        """Keys of refs.bib whose entry has a mistake that keeps the style from
        formatting it; peninsula.works.bibfile reports it at its line and does not
        hand the entry on, and a citation of it is not reported a second time."""
        return self.data.setdefault("withheld", [])

    def clear_doc(self, docname: str) -> None:
        self.cited.pop(docname, None)

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict) -> None:
        for docname in docnames:
            if docname in otherdata["cited"]:
                self.cited[docname] = otherdata["cited"][docname]

    def resolve_any_xref(self, *args: Any) -> list:
        return []


def citations_domain(env: BuildEnvironment) -> CitationsDomain:
    return cast(CitationsDomain, env.get_domain("citations"))


def bib_data(env: BuildEnvironment) -> BibData:
    """refs.bib as parsed and cached by sphinxcontrib-bibtex."""
    return env.get_domain("cite").data["bibdata"]  # type: ignore[attr-defined]


def bib_entries(env: BuildEnvironment) -> dict[str, Entry]:
    """The parsed entries of refs.bib."""
    return bib_data(env).data.entries


def _digest(entry: Entry) -> str:
    parts = [entry.type.lower()]
    parts += [f"{k}={v}" for k, v in sorted(entry.fields.items())]
    parts += [
        f"{role}={' and '.join(map(str, people))}" for role, people in sorted(entry.persons.items())
    ]
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()


def note_bib_changes(app: Sphinx) -> None:
    """Record which entries of refs.bib changed since the last build. When the
    files are as they were when the digests were taken (their dates and
    encoding, as read with them), no entry changed: none is digested again."""
    domain = citations_domain(app.env)
    data = bib_data(app.env)
    read = [data.encoding, *sorted((str(p), f.mtime) for p, f in data.bibfiles.items())]
    if domain.data.get("digested") == read:
        app.env.peninsula_changed_keys = set()  # type: ignore[attr-defined]
        return
    domain.data["digested"] = read
    entries = data.data.entries
    new = {key: _digest(entry) for key, entry in entries.items()}
    old = domain.data["digests"]
    changed = {key for key in new.keys() | old.keys() if new.get(key) != old.get(key)}
    domain.data["digests"] = new
    app.env.peninsula_changed_keys = changed  # type: ignore[attr-defined]


def outdated_by_bib(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Send back through the read phase only the documents citing an edited entry."""
    keys: set[str] = getattr(env, "peninsula_changed_keys", set())
    if not keys:
        return []
    domain = citations_domain(env)
    return [
        doc
        for doc, cited in domain.cited.items()
        if doc not in changed and doc not in removed and keys.intersection(cited)
    ]


def collect_citations(app: Sphinx, doctree: nodes.document) -> None:
    """Note the keys this document cites, check them, add its References section."""
    env = app.env
    entries = bib_entries(env)
    domain = citations_domain(env)
    withheld = set(domain.withheld)
    keys: dict[str, None] = {}
    for node in doctree.findall(addnodes.pending_xref):
        if node.get("refdomain") != "cite":
            continue
        if node["reftype"] not in NARRATIVE:
            logger.warning(
                "{cite:%s} is not a citation form of this corpus: write {cite:p} for "
                "(Kim, 2022) or {cite:t} for Kim (2022)",
                node["reftype"],
                location=node,
                type="citations",
                subtype="role",
            )
        try:
            targets = list(parse_citation_targets(node["reftarget"]))
        except ValueError:
            logger.warning(
                "malformed citation %r: write keys separated by commas, e.g. "
                "{cite:p}`kim2022missile,chang2015revisiting`",
                node["reftarget"],
                location=node,
                type="citations",
                subtype="syntax",
            )
            continue
        for target in targets:
            if target.key not in entries and target.key not in withheld:
                close = difflib.get_close_matches(target.key, entries, n=1)
                hint = (
                    f"did you mean {close[0]!r}?"
                    if close
                    else "add the work to refs.bib or correct the key"
                )
                logger.warning(
                    "unknown citation key %r: %s",
                    target.key,
                    hint,
                    location=node,
                    type="citations",
                    subtype="unknown_key",
                )
            keys.setdefault(target.key, None)
    if not keys:
        domain.cited.pop(env.docname, None)
        return
    domain.cited[env.docname] = list(keys)
    _add_references_section(doctree, env.docname)


def _add_references_section(doctree: nodes.document, docname: str) -> None:
    if REFERENCES_ID in doctree.ids:
        logger.warning(
            "this page already has a section or target named 'references'; remove "
            "it: the References list is added at the end automatically",
            location=doctree.ids[REFERENCES_ID],
            type="citations",
            subtype="references",
        )
        return
    end_section(doctree, REFERENCES_ID, "References", reference_list("", docname=docname))


def end_section(doctree: nodes.document, section_id: str, title: str, content: nodes.Node) -> None:
    """Close the page's top section with a section of its own, known by *section_id*."""
    container = next(iter(doctree.findall(nodes.section)), doctree)
    section = nodes.section("", ids=[section_id], names=[section_id], classes=[section_id])
    section += nodes.title("", title)
    section += content
    container += section
    doctree.ids[section_id] = section


def cited_in(doctree: nodes.Node) -> dict[str, list[addnodes.pending_xref]]:
    """The citation nodes of a doctree grouped by the document they come from
    (a LaTeX doctree holds every document of the book)."""
    by_doc: dict[str, list[addnodes.pending_xref]] = {}
    for node in doctree.findall(addnodes.pending_xref):
        if node.get("refdomain") == "cite":
            by_doc.setdefault(node["refdoc"], []).append(node)
    return by_doc


def render(text: apa.Text) -> list[nodes.Node]:
    return cast(list, text.render(backend))


class ResolveCitations(SphinxPostTransform):
    """Turn each document's citations into links and fill its References."""

    # before Sphinx's ReferencesResolver (10), which would hand the citations
    # to sphinxcontrib-bibtex's own domain
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        entries = bib_entries(self.env)
        lists = {node["docname"]: node for node in self.document.findall(reference_list)}
        for docname, xrefs in cited_in(self.document).items():
            self.resolve(docname, xrefs, lists.get(docname), entries)

    def resolve(
        self,
        docname: str,
        xrefs: list[addnodes.pending_xref],
        placeholder: reference_list | None,
        entries: dict[str, Entry],
    ) -> None:
        keys: dict[str, None] = {}
        for xref in xrefs:
            for target in parse_citation_targets(xref["reftarget"]):
                if target.key in entries:
                    keys.setdefault(target.key, None)
        works = [entries[key] for key in keys]
        result = format_works(works, "references", placeholder or docname)
        # a list that cannot be formatted has been reported: its citations
        # still become text and its placeholder goes, so that nothing else
        # (sphinxcontrib-bibtex's resolver, a writer) fails on them again
        labels, formatted = result if result is not None else ({}, {})
        introduced: set[str] = set()
        for xref in xrefs:
            cited = [
                apa.Cited(labels[t.key], t.pre, t.post)
                for t in parse_citation_targets(xref["reftarget"])
                if t.key in labels
            ]
            narrative = NARRATIVE.get(xref["reftype"], False)
            inline = nodes.inline("", "", classes=["citation", "apa"])
            for text, key in apa.format_citation(cited, narrative, introduced):
                if key is None:
                    inline += render(text)
                else:
                    inline += nodes.reference(
                        "",
                        "",
                        *render(text),
                        internal=True,
                        refid=ENTRY_ID.format(key=key),
                        reftitle=apa.plain(formatted[key]),
                    )
            if not cited:  # every key unknown: already reported at read time
                inline += nodes.Text(xref["reftarget"])
            xref.replace_self(inline)
        if placeholder is not None:
            placeholder.replace_self(
                reference_entries(
                    [w for w in works if w.key in formatted],
                    labels,
                    formatted,
                    classes=["reference-list"],
                )
            )


#: formatted references by what they are made of: a work is cited on several
#: pages and listed in the bibliography, and formatting is the dearest step
_FORMATTED: dict[tuple, apa.Text] = {}
_FORMATTED_MAX = 20_000


def formatted(entry: Entry, year_label: str) -> apa.Text:
    """``apa.format_reference``, once per work and label in a process: the
    cache is keyed by the entry's type, fields and names, so an edited entry is
    formatted anew."""
    made_of = (
        entry.key,
        year_label,
        entry.type,
        tuple(entry.fields.items()),
        tuple((role, tuple(map(str, people))) for role, people in entry.persons.items()),
    )
    text = _FORMATTED.get(made_of)
    if text is None:
        if len(_FORMATTED) >= _FORMATTED_MAX:
            _FORMATTED.clear()
        text = _FORMATTED[made_of] = apa.format_reference(entry, year_label)
    return text


def format_works(
    works: list[Entry], what: str, location: Any
) -> tuple[dict[str, apa.WorkLabel], dict[str, apa.Text]] | None:
    """Label the works of one list, then format each entry with its label; on an
    entry the style cannot format, warn at *location* and return None (the entry
    itself is reported at its line of refs.bib by peninsula.works.bibfile)."""
    try:
        labels = apa.label_works(works)
        return labels, {e.key: formatted(e, labels[e.key].year) for e in works}
    except apa.BibEntryError as err:
        warn_format(what, err, location)
        return None


def warn_format(what: str, err: apa.BibEntryError, location: Any) -> None:
    logger.warning(
        "cannot format the %s: %s",
        what,
        err,
        location=location,
        type="citations",
        subtype="format",
    )


def reference_paragraph(key: str, rendered: list[nodes.Node]) -> nodes.paragraph:
    """One entry of a References list, with the id its citations link to."""
    return nodes.paragraph("", "", *rendered, ids=[ENTRY_ID.format(key=key)], classes=["reference"])


def reference_entries(
    works: list[Entry],
    labels: dict[str, apa.WorkLabel],
    formatted: dict[str, apa.Text],
    classes: list[str],
) -> nodes.container:
    """The entries as paragraphs in list order, each with the id citations link to."""
    box = nodes.container("", classes=classes)
    for entry in sorted(works, key=lambda e: labels[e.key].order):
        box += reference_paragraph(entry.key, render(formatted[entry.key]))
    return box


class CitationBackLinks(SphinxPostTransform):
    """HTML only: give each in-text citation link an id, ``cite-<key>-<n>``, and
    end each entry of the page's References with links back to them. After
    ResolveCitations has made the links; the corpus bibliography, which no
    citation of its page points to, gets none."""

    default_priority = 6
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        cited_at: dict[str, list[str]] = {}
        prefix = ENTRY_ID.format(key="")
        for inline in self.document.findall(nodes.inline):
            if "citation" not in inline["classes"]:
                continue
            for link in inline.findall(nodes.reference):
                refid = link.get("refid", "")
                if not refid.startswith(prefix):
                    continue
                key = refid[len(prefix) :]
                ids = cited_at.setdefault(key, [])
                ids.append(CITE_ID.format(key=key, n=len(ids) + 1))
                link["ids"].append(ids[-1])
        for section in self.document.findall(nodes.section):
            if REFERENCES_ID not in section["ids"]:
                continue
            for para in section.findall(nodes.paragraph):
                if "reference" not in para["classes"] or not para["ids"]:
                    continue
                ids = cited_at.get(para["ids"][0][len(prefix) :])
                if ids:
                    para += nodes.Text(" ")
                    para += backlinks(ids)


class LatexEntryTargets(SphinxPostTransform):
    """LaTeX labels ids of targets, not of paragraphs: give each entry a target."""

    default_priority = 6
    builders = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for para in list(self.document.findall(nodes.paragraph)):
            if "reference" in para["classes"] and para["ids"]:
                target = nodes.target("", "", ids=para["ids"])
                para["ids"] = []
                para.parent.insert(para.parent.index(para), target)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinxcontrib.bibtex")
    app.add_domain(CitationsDomain)
    app.add_node(reference_list)
    # made for HTML builders only (CitationBackLinks)
    app.add_node(backlink, html=(visit_backlink, depart_backlink))
    # after sphinxcontrib-bibtex has (re)parsed refs.bib at priority 500
    app.connect("builder-inited", note_bib_changes, priority=600)
    app.connect("env-get-outdated", outdated_by_bib)
    # before Sphinx's own collectors (500) so the section enters the page's toc
    app.connect("doctree-read", collect_citations, priority=400)
    app.add_post_transform(ResolveCitations)
    app.add_post_transform(CitationBackLinks)
    app.add_post_transform(LatexEntryTargets)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
