"""What readers see of an essay's versions: the version line, the History,
the banner of an earlier version, the retraction notice and the Corrections page.

Why this exists: a reader who cited an essay must be able to find the words
they cited, and see what changed since and why (``peninsula.records.versions`` keeps
the texts and refuses silent changes; this module shows them). All of it is
made from the essays' records (``peninsula.records.essays``): the History entries of
the current version's front matter, and the record of each earlier version.

* The header of a revised essay says its version and what happened last,
  linked to its History: "Version 2 · corrected December 5, 2026".
* Every essay ends with a History section: each version's number, kind, date
  and note, and a link to the text of each earlier version.
* An earlier version's page opens with a banner: which version of how many,
  when it was published, a link to the current version, and what changed
  since. The banner is filled when the page is written, from the current
  record, so that a new version updates every earlier one's banner.
* A retracted essay keeps its text, under a notice saying when and why.
* ``{corrections}`` lists every correction, update and retraction of the
  corpus, newest first (revisions change no substance, and are only in the
  essays' History).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from ..works.citations import end_section
from .essays import Essay, doc_link, essays_domain
from .frontmatter import Version

if TYPE_CHECKING:
    from sphinx.application import Sphinx

HISTORY_ID = "history"
#: what the Corrections page lists: every kind that changes what a reader was told
LISTED_KINDS = ("correction", "update", "retraction")
KIND_NAMES = {
    "correction": "Correction",
    "update": "Update",
    "revision": "Revision",
    "retraction": "Retraction",
}


def link_to_version(
    record: Essay, number: int, current_version: int, fromdoc: str, pages: Collection[str] = ()
) -> nodes.Node:
    """A link to the text of version *number*; the current version is the essay's
    page. A version whose page is missing is named without a link (peninsula.records.versions
    reports the missing file, at the History)."""
    target = record.current_doc if number == current_version else f"{record.current_doc}/v{number}"
    if pages and target not in pages:
        return nodes.Text(f"Version {number}")
    return doc_link(target, f"Version {number}", fromdoc)


def first_published(record: Essay) -> str:
    return record.date.long()


def _version_item(
    number: int,
    kind: str,
    date: str,
    note: str,
    heading: Iterable[nodes.Node],
    classes: list[str],
) -> nodes.list_item:
    item = nodes.list_item("", classes=["history-version", *classes])
    para = nodes.paragraph("", "", classes=["history-version-title"])
    para += nodes.strong("", "", *heading)
    para += nodes.Text(f" · {kind} · {date}")
    item += para
    if note:
        item += nodes.paragraph("", note, classes=["history-note"])
    return item


def history_list(
    record: Essay, fromdoc: str, current_version: int | None = None, pages: Collection[str] = ()
) -> nodes.Node:
    """Each version of the essay as *record* knows them, oldest first; the
    version the page shows is named, the others are links."""
    shown = record.version
    latest = current_version or shown
    listing = nodes.bullet_list("", classes=["history-list"])

    def heading(number: int) -> list[nodes.Node]:
        if number == shown:
            return [nodes.Text(f"Version {number} (this page)")]
        return [link_to_version(record, number, latest, fromdoc, pages)]

    listing += _version_item(
        1, "First published", first_published(record), "", heading(1), ["history-first"]
    )
    for version in record.history:
        listing += _version_item(
            version.number,
            KIND_NAMES[version.kind],
            version.date.long(),
            version.note,
            heading(version.number),
            [f"history-{version.kind}"],
        )
    return listing


def version_line(record: Essay) -> nodes.paragraph:
    """``Version 2 · corrected December 5, 2026``, linked to the History."""
    last = record.history[-1]
    link = nodes.reference(
        "",
        f"Version {record.version} · {last.done} {last.date.long()}",
        refid=HISTORY_ID,
        internal=True,
    )
    return nodes.paragraph("", "", link, classes=["essay-version", f"essay-version-{last.kind}"])


class version_banner(nodes.General, nodes.Element):
    """Placeholder for an earlier version's banner, filled at write time from
    the current version's record."""


def retraction_notice(record: Essay) -> nodes.container:
    last = record.history[-1]
    box = nodes.container("", classes=["retraction-notice"], ids=["retraction-notice"])
    box += nodes.paragraph(
        "", f"Retracted on {last.date.long()}", classes=["retraction-notice-title"]
    )
    box += nodes.paragraph("", last.note, classes=["retraction-notice-note"])
    box += nodes.paragraph(
        "",
        "The text below is kept as it was published, so that citations of it can be checked; "
        "it is no longer endorsed. ",
        nodes.reference("", "See its History.", refid=HISTORY_ID, internal=True),
        classes=["retraction-notice-more"],
    )
    return box


def add_version_parts(app: Sphinx, doctree: nodes.document) -> None:
    """The version line under the byline, an earlier version's banner, a
    retraction's notice; earlier versions and retracted essays are not search results."""
    docname = app.env.docname
    record = essays_domain(app.env).record(docname)
    if record is None:
        return
    header = next(
        (n for n in doctree.findall(nodes.container) if "essay-header" in n["classes"]), None
    )
    if header is None:
        return
    section = header.parent
    if record.history and not record.frozen:
        byline = next((n for n in header.children if "essay-byline" in n.get("classes", [])), None)
        at = header.index(byline) + 1 if byline is not None else 0
        header.insert(at, version_line(record))
    if record.frozen:
        banner = version_banner("", docname=docname)
        section.insert(section.index(header), banner)
        app.env.metadata[docname]["nosearch"] = True
    elif record.retracted:
        section.insert(section.index(header), retraction_notice(record))
        app.env.metadata[docname]["nosearch"] = True


def add_history(app: Sphinx, doctree: nodes.document) -> None:
    """The History section, after the References."""
    record = essays_domain(app.env).record(app.env.docname)
    if record is None:
        return
    content = nodes.container("", classes=["history-box"])
    content += history_list(record, app.env.docname, pages=app.env.found_docs)
    end_section(doctree, HISTORY_ID, "History", content)


def _later(current: Essay, number: int) -> list[Version]:
    return [v for v in current.history if v.number > number]


class FillVersionBanners(SphinxPostTransform):
    default_priority = 5  # before the doc links are resolved (10)

    def run(self, **kwargs: Any) -> None:
        domain = essays_domain(self.env)
        for placeholder in list(self.document.findall(version_banner)):
            record = domain.versions.get(placeholder["docname"])
            if record is None:
                placeholder.replace_self([])
                continue
            current = domain.essays.get(record.current_doc)
            placeholder.replace_self(self.banner(record, current))

    def banner(self, record: Essay, current: Essay | None) -> nodes.Element:
        here = self.env.docname
        box = nodes.container("", classes=["version-banner"], ids=["version-banner"])
        total = current.version if current is not None else record.version
        published = record.history[-1].date.long() if record.history else first_published(record)
        para = nodes.paragraph("", "", classes=["version-banner-title"])
        para += nodes.Text(
            f"You are reading version {record.version} of {total}, published {published}. "
        )
        if current is not None:
            para += doc_link(current.docname, "Read the current version", here)
            para += nodes.Text(".")
        box += para
        later = _later(current, record.version) if current is not None else []
        if later:
            box += nodes.paragraph("", "What changed since:", classes=["version-banner-since"])
            changes = nodes.bullet_list("", classes=["version-banner-changes"])
            for version in later:
                changes += nodes.list_item(
                    "",
                    nodes.paragraph(
                        "",
                        "",
                        nodes.strong("", "", link_to_version(record, version.number, total, here)),
                        nodes.Text(
                            f" · {KIND_NAMES[version.kind]} · {version.date.long()}: {version.note}"
                        ),
                    ),
                )
            box += changes
        return box


# -- The Corrections page --------------------------------------------------------------


class corrections_list(nodes.General, nodes.Element):
    """Placeholder for the corpus's corrections, filled at write time."""


class CorrectionsDirective(SphinxDirective):
    """``{corrections}``: every correction, update and retraction, newest first."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        essays_domain(self.env).corpus_pages.setdefault(self.env.docname, "records")
        node = corrections_list("")
        self.set_source_info(node)
        return [node]


def corrections(records: Iterable[Essay]) -> list[tuple[Essay, Version]]:
    """Every listed change of the corpus, newest first."""
    found = [(r, v) for r in records for v in r.history if v.kind in LISTED_KINDS]
    return sorted(found, key=lambda rv: (rv[1].date, rv[0].title, rv[1].number), reverse=True)


class FillCorrections(SphinxPostTransform):
    default_priority = 5  # before the doc links are resolved (10)

    def run(self, **kwargs: Any) -> None:
        records = essays_domain(self.env).essays.values()
        here = self.env.docname
        for placeholder in list(self.document.findall(corrections_list)):
            found = corrections(records)
            if not found:
                placeholder.replace_self(
                    nodes.paragraph(
                        "",
                        "No essay has been corrected, updated or retracted.",
                        classes=["corrections-empty"],
                    )
                )
                continue
            listing = nodes.bullet_list("", classes=["corrections-list"])
            for record, version in found:
                item = nodes.list_item("", classes=["corrections-item", f"history-{version.kind}"])
                title = nodes.paragraph("", "", classes=["corrections-title"])
                title += nodes.strong("", f"{KIND_NAMES[version.kind]}: ")
                title += doc_link(record.docname, record.title, here)
                item += title
                item += nodes.paragraph(
                    "",
                    "",
                    nodes.Text(f"{version.date.long()} · "),
                    link_to_version(record, version.number, record.version, here),
                    nodes.Text(f" of {record.version}"),
                    classes=["corrections-when"],
                )
                item += nodes.paragraph("", version.note, classes=["history-note"])
                listing += item
            placeholder.replace_self(listing)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("peninsula.records.essays")
    app.setup_extension("peninsula.records.versions")
    app.add_node(version_banner)
    app.add_node(corrections_list)
    app.add_directive("corrections", CorrectionsDirective)
    # after peninsula.records.essays made the header (350)
    app.connect("doctree-read", add_version_parts, priority=351)
    # after the References (400), before the cite box (450)
    app.connect("doctree-read", add_history, priority=440)
    app.add_post_transform(FillVersionBanners)
    app.add_post_transform(FillCorrections)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
