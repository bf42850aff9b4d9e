"""Accessible HTML: Sphinx's markup fixed where it is made.

Why this exists: axe-core finds faults in the HTML that Sphinx writes for every
page, whatever the theme:

* the caption of a toctree (furo's sidebar headings "Essays", "Reference") is
  ``<p class="caption" role="heading">`` with no ``aria-level``, which ARIA
  requires of a heading (axe: aria-required-attr, critical);
* a section's id is written on the ``<section>`` element and its heading has
  none, so a search index that links results to the heading they fall under
  (Pagefind's sub-results split pages at headings with an id) cannot link to
  any section at all.

The HTML translator below adds the level to toctree captions and writes a
section's ids on its heading instead of on the ``<section>``; every link to
``#id`` still lands on the section's start. furo's template faults (its two
``<aside>`` landmarks share a name) are fixed in ``_templates/page.html``.

The translator also leaves out docutils' ``<meta name="viewport">``. docutils'
HTML5 writer adds one to every page, and Sphinx passes it on to the theme
(it keeps all but the first two of docutils' head tags, written when those
were the only two: https://github.com/sphinx-doc/sphinx/issues/11699), so a
page carried two, furo's and docutils', of which a browser uses one. furo's,
in its ``site_meta`` block, is the page's one viewport tag.

It also gives every link that leaves the site (a DOI, a publisher's page, an
ORCID record, the licence) ``rel="noopener noreferrer"``: the page it opens
gets no handle on ours (``window.opener``) and no address of the essay the
reader came from (peninsula.pages.security has the rest of the site's policy).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from docutils import nodes
from sphinx import addnodes
from sphinx.writers.html5 import HTML5Translator

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: the level of a toctree caption: below the page's h1, as the sidebar is
CAPTION_LEVEL = 2
#: what a link off the site carries
EXTERNAL_REL = ("noopener", "noreferrer")


def is_external(uri: str) -> bool:
    """A link to another site: an absolute http(s) address, or one without
    a scheme (``//host/path``)."""
    parts = urlsplit(uri)
    return parts.scheme in ("http", "https") or (not parts.scheme and bool(parts.netloc))


class AccessibleHTMLTranslator(HTML5Translator):
    def __init__(self, document: nodes.document, builder: Any) -> None:
        super().__init__(document, builder)
        # the theme writes the page's one viewport tag
        self.meta = [tag for tag in self.meta if 'name="viewport"' not in tag]

    def visit_title(self, node: nodes.title) -> None:
        super().visit_title(node)
        parent = node.parent
        if isinstance(parent, addnodes.compact_paragraph) and parent.get("toctree"):
            # the caption's tag is the second-last piece: before its <span>
            index = len(self.body) - 2
            self.body[index] = self.body[index].replace(
                'role="heading"', f'role="heading" aria-level="{CAPTION_LEVEL}"', 1
            )

    def visit_reference(self, node: nodes.reference) -> None:
        if not node.get("internal") and is_external(node.get("refuri", "")):
            rel = str(node.get("rel", "")).split()
            node["rel"] = " ".join(rel + [r for r in EXTERNAL_REL if r not in rel])
        super().visit_reference(node)

    def visit_section(self, node: nodes.section) -> None:
        self.section_level += 1
        ids, node["ids"] = node["ids"], []
        self.body.append(self.starttag(node, "section"))
        node["ids"] = ids

    def section_title_tags(self, node: nodes.title) -> tuple[str, str]:
        # the heading takes the ids its section would have had; its own are none
        # (docutils gives a section title no ids)
        own = node["ids"]
        node["ids"] = list(node.parent["ids"]) + own
        try:
            return super().section_title_tags(node)
        finally:
            node["ids"] = own


def setup(app: Sphinx) -> dict[str, Any]:
    for builder in ("html", "dirhtml"):
        app.set_translator(builder, AccessibleHTMLTranslator, override=True)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
