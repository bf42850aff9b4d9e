"""The corpus bibliography: every work of refs.bib, once, in APA 7 form.

Why this exists: the stock ``bibliography`` directive with ``:all:`` would
register every entry as a citation target a second time (the duplicate
warnings of DESIGN.md) and, in LaTeX, move its entries to the end of the
book, leaving an empty chapter behind. ``{corpus-bibliography}`` instead
writes one ordinary list, labelled within itself, and notes under each work
the essays that cite it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import docutils
import pybtex
from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from ..records.essays import doc_link
from ..works import apa, citations
from ..works.citations import (
    ENTRY_ID,
    bib_entries,
    citations_domain,
    formatted,
    reference_paragraph,
    render,
    warn_format,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class corpus_bibliography(nodes.General, nodes.Element):
    """Placeholder for the corpus bibliography, filled at write time."""


class BibliographyCache:
    """What formatting the corpus bibliography found, kept beside the doctrees
    from one build to the next: the label memo (``apa.LabelMemo``) and each
    work's rendered reference, by the work's fingerprint and year label. Both
    depend on the entry alone (and the label on the list, which is why the
    year label is part of the key), and on the style's code: the cache is
    stamped with the source of the modules that make it, and one made by
    other code is not used."""

    FILE = "corpus-bibliography.pickle"

    def __init__(self, labels: dict, references: dict[tuple, list[nodes.Node]]) -> None:
        self.labels = labels
        self.references = references

    @staticmethod
    def stamp() -> str:
        code = hashlib.sha1()
        for module in (apa, citations, sys.modules[__name__]):
            code.update(Path(module.__file__).read_bytes())
        code.update(repr((pybtex.__version__, docutils.__version__)).encode())
        return code.hexdigest()

    @classmethod
    def load(cls, folder: Path) -> BibliographyCache:
        try:
            with (folder / cls.FILE).open("rb") as f:
                stamp, labels, references = pickle.load(f)
            if stamp == cls.stamp():
                return cls(labels, references)
        except (OSError, pickle.PickleError, EOFError, ValueError, TypeError, AttributeError):
            pass
        return cls({}, {})

    def save(self, folder: Path) -> None:
        # written whole under another name, then renamed: a build stopped
        # while writing leaves the last cache, never half of one; a cache that
        # could not be written (a full disk) is only made again next time
        part = folder / f"{self.FILE}.{os.getpid()}"
        try:
            with part.open("wb") as f:
                pickle.dump(
                    (self.stamp(), self.labels, self.references), f, pickle.HIGHEST_PROTOCOL
                )
            os.replace(part, folder / self.FILE)
        except OSError:
            part.unlink(missing_ok=True)


class CorpusBibliographyDirective(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.get_domain("essays").corpus_pages[self.env.docname] = "citations"  # type: ignore[attr-defined]
        node = corpus_bibliography("")
        self.set_source_info(node)
        return [node]


class FillCorpusBibliography(SphinxPostTransform):
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        for placeholder in list(self.document.findall(corpus_bibliography)):
            box = self.formatted_list()
            if box is None:  # reported with its line by peninsula.works.bibfile
                placeholder.replace_self(nodes.paragraph())
                continue
            self.add_cited_in(box)
            placeholder.replace_self(box)

    def formatted_list(self) -> nodes.container | None:
        """Every entry, labelled and formatted. What labelling and formatting
        found of each entry is kept beside the doctrees between builds (see
        ``BibliographyCache``), so that after one entry of refs.bib changed only
        that entry is formatted again, and its neighbours relabelled if its
        label changed theirs."""
        works = list(bib_entries(self.env).values())
        folder = Path(self.env.doctreedir)
        cache = BibliographyCache.load(folder)
        memo = apa.LabelMemo(cache.labels)
        try:
            labels = apa.label_works(works, memo)
            order = sorted(works, key=lambda e: labels[e.key].order)
            made_of = {e.key: (apa.fingerprint(e), labels[e.key].year) for e in order}
            kept: dict[tuple, list[nodes.Node]] = {}
            for entry in order:
                made = made_of[entry.key]
                rendered = cache.references.get(made)
                if rendered is None:
                    rendered = render(formatted(entry, labels[entry.key].year))
                kept[made] = rendered
        except apa.BibEntryError as err:
            warn_format("bibliography", err, self.document)
            return None
        if kept.keys() != cache.references.keys() or memo.used.keys() != cache.labels.keys():
            # saved before the nodes go into the page, which they would
            # otherwise bring into the pickle through their parents
            BibliographyCache(memo.used, kept).save(folder)
        box = nodes.container("", classes=["reference-list", "corpus-bibliography"])
        for entry in order:
            box += reference_paragraph(entry.key, kept[made_of[entry.key]])
        return box

    def add_cited_in(self, box: nodes.container) -> None:
        cited = citations_domain(self.env).cited
        domain = self.env.get_domain("essays")
        essays = domain.essays  # type: ignore[attr-defined]
        versions = domain.versions  # type: ignore[attr-defined]
        citing: dict[str, list[str]] = {}
        for docname in sorted(cited):
            earlier = versions.get(docname)
            for key in cited[docname]:
                # an earlier version is named only for what its essay no longer cites
                if earlier is not None and key in cited.get(earlier.current_doc, ()):
                    continue
                citing.setdefault(key, []).append(docname)
        # the entries are the box's children: a search of the whole box would
        # walk each note as it is added
        for para in box.children:
            key = para["ids"][0][len(ENTRY_ID.format(key="")) :]
            docs = citing.get(key, [])
            if not docs:
                continue
            line = nodes.inline("", "Cited in ", classes=["cited-in"])
            for index, docname in enumerate(docs):
                if index:
                    line += nodes.Text("; ")
                # a page that is not an essay (the glossary, the chronology) by its title
                if docname in essays:
                    title = essays[docname].title
                elif docname in versions:
                    title = f"{versions[docname].title} (version {versions[docname].version})"
                else:
                    title = self.env.titles[docname].astext()
                line += doc_link(docname, title, self.env.docname)
            para += nodes.Text(" ")
            para += line


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("peninsula.works.citations")
    app.setup_extension("peninsula.records.essays")
    app.add_node(corpus_bibliography)
    app.add_directive("corpus-bibliography", CorpusBibliographyDirective)
    app.add_post_transform(FillCorpusBibliography)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
