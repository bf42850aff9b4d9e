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
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from .citations import (
    ENTRY_ID,
    bib_entries,
    citations_domain,
    format_works,
    reference_entries,
)
from .essays import doc_link

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class corpus_bibliography(nodes.General, nodes.Element):
    """Placeholder for the corpus bibliography, filled at write time."""


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
            if box is None:  # reported with its line by peninsula.bibfile
                placeholder.replace_self(nodes.paragraph())
                continue
            self.add_cited_in(box)
            placeholder.replace_self(box)

    def formatted_list(self) -> nodes.container | None:
        """Every entry, formatted; kept beside the doctrees until refs.bib changes,
        since labelling and formatting thousands of entries is the costly part."""
        digests = citations_domain(self.env).data["digests"]
        stamp = hashlib.sha1(repr(sorted(digests.items())).encode()).hexdigest()
        cache = Path(self.env.doctreedir) / "corpus-bibliography.pickle"
        try:
            with cache.open("rb") as f:
                cached_stamp, box = pickle.load(f)
            if cached_stamp == stamp:
                return box
        except (OSError, pickle.PickleError, EOFError, ValueError):
            pass
        works = list(bib_entries(self.env).values())
        result = format_works(works, "bibliography", self.document)
        if result is None:
            return None
        labels, formatted = result
        box = reference_entries(
            works, labels, formatted, classes=["reference-list", "corpus-bibliography"]
        )
        with cache.open("wb") as f:
            pickle.dump((stamp, box.deepcopy()), f, pickle.HIGHEST_PROTOCOL)
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
        for para in box.findall(nodes.paragraph):
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
    app.setup_extension("peninsula.citations")
    app.setup_extension("peninsula.essays")
    app.add_node(corpus_bibliography)
    app.add_directive("corpus-bibliography", CorpusBibliographyDirective)
    app.add_post_transform(FillCorpusBibliography)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
