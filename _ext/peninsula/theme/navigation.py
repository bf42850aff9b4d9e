"""The sidebar's navigation tree, rendered once per folder instead of once per page.

Why this exists: furo puts the whole navigation tree in every page's sidebar.
For each page it asks Sphinx for the global toctree (resolving and copying
every entry, then rendering it) and rewrites the result with BeautifulSoup.
At 200 essays that is two thirds of the time spent writing pages, and it grows
with the number of pages times the number of entries: the one part of a
build that is quadratic in the size of the collection.

Yet the tree is the same on every page but for two things: its links are
relative to the page's folder, and the entry of the page itself is marked as
the current one. So this module asks Sphinx for the tree once per folder, as
seen from a page of that folder that is in no toctree, lets furo rewrite that
(furo caches its rewriting by its input, so that is once per folder too), and
then marks the current page in furo's result with plain string edits, exactly
as Sphinx and furo would have marked it:

* the page's ``<li class="toctree-l1">`` gains ``current current-page``, its
  link the class ``current`` and the address ``#``;
* the ``<ul>`` holding it gains the class ``current``.

Each folder's tree is also kept between builds, beside the doctrees, under
a digest of everything it is made from (every page's table of contents and
title, which pages exist, the HTML settings): a rebuild after an essay's
text changed, or a no-op, reads the trees instead of making them again, and
an edit that changes the navigation (a title, a page added) changes the
digest, so the trees are made anew.

That covers a tree whose entries have no children of their own, as this
site's sidebar is (essays, reference pages, captions). When a tree has nested
entries (furo's ``has-children``), or the page's entry is not found exactly
once, the page gets furo's own tree, computed as before: the result is the
same bytes either way, and ``tests/theme/test_navigation.py`` checks that on every
page of a build. ``peninsula_fast_navigation = False`` turns it off.

Nothing of furo is changed or copied: this module only gives furo's
``html-page-context`` handler a ``toctree`` function that answers from the
cache, and puts the current page's marks into what furo made. The same idea,
render the tree once and mark the current page, could be proposed to furo
itself, which would then need no help from here.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sphinx
from docutils import nodes

from ..core.builder import is_site_builder

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: the arguments furo's sidebar asks the toctree with
FURO_CALL = {"collapse": False, "titles_only": True, "maxdepth": -1, "includehidden": True}
#: the name of a page that is in no toctree, in the folder of the page being
#: written: Sphinx's tree as seen from it has links relative to that folder
#: and no current entry
NEUTRAL = "__peninsula-navigation__"
#: what Sphinx's HTML builder gives pages as their ``toctree`` function
SPHINX_TOCTREE = "StandaloneHTMLBuilder.handle_page.<locals>.<lambda>"
#: where the trees are kept between builds, in the doctrees folder
KEPT = "navigation"
#: priorities around furo's html-page-context handler (500)
BEFORE_FURO, AFTER_FURO = 490, 510


def neutral_name(pagename: str) -> str:
    folder = posixpath.dirname(pagename)
    return posixpath.join(folder, NEUTRAL) if folder else NEUTRAL


class FolderTrees:
    """The toctree HTML per folder. Each is also kept in a file beside the
    doctrees, named by a digest of everything the tree is made from
    (``navigation_state``) and by its folder: a later build, or a parallel
    writer of this one, whose tree would be made of the same things reads it
    instead of asking Sphinx again (the dearest step of a small rebuild)."""

    def __init__(self, folder: Path | None = None, state: str = "") -> None:
        self.toctrees: dict[str, str] = {}
        self.folder = folder
        self.state = state

    def path(self, name: str) -> Path | None:
        if self.folder is None or not self.state:
            return None
        return self.folder / f"{self.state}-{hashlib.sha1(name.encode()).hexdigest()}.html"

    def neutral(self, builder: Any, pagename: str) -> str:
        name = neutral_name(pagename)
        if name in self.toctrees:
            return self.toctrees[name]
        kept = self.path(name)
        try:
            tree = kept.read_text(encoding="utf-8") if kept else None
        except OSError:
            tree = None
        if tree is None:
            tree = builder._get_local_toctree(name, **FURO_CALL)
            if kept is not None:
                _write_whole(kept, tree)
        self.toctrees[name] = tree
        return tree


def _write_whole(path: Path, text: str) -> None:
    """Write *path* under another name, then rename it: a reader (another
    writer of this build) finds the whole file or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        part.write_text(text, encoding="utf-8")
        os.replace(part, path)
    except OSError:
        part.unlink(missing_ok=True)


def _tree(node: nodes.Node) -> list:
    """A node and everything under it: each node's name, attributes and
    number of children, in document order (which fixes the shape), or a text's
    text. Not its source or line: a heading moved down by a longer paragraph
    above it is the same heading in the sidebar."""
    out: list = []
    for each in node.findall():
        if isinstance(each, nodes.Text):
            out.append(str(each))
        else:
            attributes = sorted((k, repr(v)) for k, v in each.attributes.items())
            out.append((each.tagname, attributes, len(each.children)))
    return out


def navigation_state(app: Sphinx) -> str:
    """A digest of what the sidebar's tree is made from: every page's table of
    contents and title (the toctrees are in the tables of contents), its
    ``tocdepth``, which pages exist, the HTML settings and tags (Sphinx's own
    digests of them, as in ``.buildinfo``) and the versions of Sphinx and of
    this module's code."""
    env = app.env
    state: list = [sphinx.__version__, Path(__file__).read_bytes()]
    info = getattr(app.builder, "build_info", None)
    state.append((getattr(info, "config_hash", None), getattr(info, "tags_hash", None)))
    state.append((env.config.root_doc, env.config.include_patterns, env.config.exclude_patterns))
    # each page's part is digested when the page has been read since the last
    # digest (Sphinx notes when it read each page, in all_docs), and kept with
    # the environment: a no-op digests no page
    kept = getattr(env, "peninsula_toc_digests", {})
    digests = {}
    for docname in sorted(env.found_docs):
        read = env.all_docs.get(docname)
        earlier = kept.get(docname)
        if read is not None and earlier is not None and earlier[0] == read:
            digests[docname] = earlier
        else:
            toc, title = env.tocs.get(docname), env.titles.get(docname)
            part = (
                env.metadata.get(docname, {}).get("tocdepth"),
                _tree(toc) if toc is not None else None,
                _tree(title) if title is not None else None,
            )
            digests[docname] = (read, hashlib.sha1(pickle.dumps(part, 5)).digest())
        state.append((docname, digests[docname][1]))
    env.peninsula_toc_digests = digests  # type: ignore[attr-defined]
    return hashlib.sha1(pickle.dumps(state, pickle.HIGHEST_PROTOCOL)).hexdigest()


def _cache(app: Sphinx) -> FolderTrees:
    cache = getattr(app.builder, "peninsula_navigation", None)
    if cache is None:
        cache = FolderTrees()
        app.builder.peninsula_navigation = cache  # type: ignore[attr-defined]
    return cache


def forget(app: Sphinx, *args: Any) -> None:
    """The toctree may have changed with what was read: start afresh, from the
    trees kept for what the toctree is now. In the main process, before the
    parallel writers are forked, so that they share the digest."""
    if not app.config.peninsula_fast_navigation or not is_site_builder(app):
        return
    folder = Path(app.doctreedir) / KEPT
    app.builder.peninsula_navigation = FolderTrees(folder, navigation_state(app))  # type: ignore[attr-defined]


def forget_old_trees(app: Sphinx, exception: Exception | None) -> None:
    """Remove the kept trees of what the toctree no longer is."""
    cache = getattr(app.builder, "peninsula_navigation", None)
    if exception is not None or cache is None or cache.folder is None:
        return
    for path in cache.folder.glob("*"):
        if not path.name.startswith(cache.state):
            path.unlink(missing_ok=True)


def mark_current(tree: str, href: str) -> str | None:
    """*tree* (furo's HTML, as seen from the page's folder) with the entry
    linking to *href* marked as the current page: unchanged when no entry
    links there (a page in no toctree); None when the plain rules cannot do
    it (nested entries, or more than one such entry)."""
    if "has-children" in tree:
        return None
    entry = f'<li class="toctree-l1"><a class="reference internal" href="{href}">'
    found = tree.count(entry)
    if found == 0:
        return tree
    if found > 1:
        return None
    at = tree.index(entry)
    ul = tree.rfind("<ul>", 0, at)
    if ul < 0 or tree.rfind("</ul>", 0, at) > ul:
        return None
    current = (
        '<li class="toctree-l1 current current-page">'
        '<a class="current reference internal" href="#">'
    )
    rest = tree[at + len(entry) :]
    return tree[:ul] + '<ul class="current">' + tree[ul + 4 : at] + current + rest


def before_furo(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Let furo's sidebar ask the toctree of the page's folder, from the cache."""
    if not app.config.peninsula_fast_navigation or not is_site_builder(app):
        return
    own = context.get("toctree")
    # only Sphinx's own toctree function: another extension may have put its
    # own in its place (sphinx-notfound-page, whose 404 page links absolutely)
    if getattr(own, "__qualname__", "") != SPHINX_TOCTREE:
        return
    builder = app.builder
    cache = _cache(app)

    def toctree(**kwargs: Any) -> str:
        if kwargs == FURO_CALL:
            return cache.neutral(builder, pagename)
        return own(**kwargs)

    context["toctree"] = toctree
    context["peninsula_own_toctree"] = own


def after_furo(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Mark the page as current in furo's tree, or let furo compute it as before."""
    own = context.pop("peninsula_own_toctree", None)
    if own is None:
        return
    context["toctree"] = own
    tree = context.get("furo_navigation_tree", "")
    href = app.builder.get_relative_uri(neutral_name(pagename), pagename)
    marked = mark_current(tree, href) if pagename in app.env.all_docs else tree
    if marked is None:
        from furo.navigation import get_navigation_tree

        marked = get_navigation_tree(own(**FURO_CALL))
    context["furo_navigation_tree"] = marked


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("peninsula_fast_navigation", True, "html", bool)
    app.connect("env-updated", forget)
    app.connect("build-finished", forget_old_trees)
    app.connect("html-page-context", before_furo, priority=BEFORE_FURO)
    app.connect("html-page-context", after_furo, priority=AFTER_FURO)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
