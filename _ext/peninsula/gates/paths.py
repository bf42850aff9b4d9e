"""Every file a page names is a file of the project.

Why this exists: Sphinx copies what a page names into the site. A picture
(``![a map](../../../etc/passwd)``) goes to ``_images/``, a link to a local
file (``[the data](../secret.txt)``, ``{download}``) to ``_downloads/``, and a
directive that includes a file puts its text in the page and the search
index. Sphinx resolves each path against the page's folder and never asks
where it leads, so a contributed essay could publish any file the build
machine can read: an SSH key, a token in a CI runner's ``.git/config``.

A page may name a file that is inside the project folder once every symlink
is followed, and not in a hidden file or folder (``.git``, ``.venv``, the
staging folder of builds), the build folder or ``node_modules``, which hold
what the machine made or fetched, not what the editors wrote. Anything else
is refused at its line, and dropped from the page, so nothing of it is copied
even into the staging folder. The essays themselves are held to the same rule:
a page that is a symlink to a file outside the project is not read.

The checks run when a page has been read, before Sphinx's collectors note the
pictures and downloads to copy (priority 500 of ``doctree-read``), and after
the essay header (peninsula.records.essays) has added the essay's own picture.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.i18n import get_image_filename_for_language

from ..core.sources import (
    PICTURE_FIX,
    is_essay_page,
    leave_out,
    scheme_of,
    why_not_a_picture,
    why_not_in_project,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

FILE_FIX = "put the file in the project, beside the essay, and link to it there"


def named_path(app: Sphinx, target: str, docname: str) -> str:
    """The file *target* names, as Sphinx finds it: relative to the project
    when it starts with one ``/``, an absolute path when it starts with two
    (``//tmp/x``, which Sphinx takes as ``/tmp/x``), else relative to the page.
    Not resolved, so that the reason can say when a symlink leads out."""
    parts = Path(target).parts
    if parts[:1] in (("/",), ("\\",)):
        return os.path.normpath(os.path.join(app.srcdir, *parts[1:]))
    folder = os.path.dirname(app.env.doc2path(docname))
    # an absolute *target* ("//tmp/x") wins over the folder, as in Sphinx
    return os.path.normpath(os.path.join(folder, target))


def picture_paths(app: Sphinx, uri: str, docname: str) -> list[str]:
    """Every file Sphinx may take for the picture *uri*: the files ``map.*``
    matches, and ``map.<language>.png`` beside ``map.png``, which Sphinx puts
    in its place when it exists (``figure_language_filename``)."""
    named = named_path(app, uri, docname)
    if "*" in uri:
        return glob.glob(glob.escape(named).replace("[*]", "*"))
    translated = named_path(app, get_image_filename_for_language(uri, app.env), docname)
    return [named] + ([translated] if translated != named and os.path.lexists(translated) else [])


def _refuse(node: nodes.Node, what: str, target: str, why: str, fix: str, subtype: str) -> None:
    logger.warning(
        "%s %r is refused: %s: %s",
        what,
        target,
        why,
        fix,
        location=node,
        type="paths",
        subtype=subtype,
    )


def _check_pictures(app: Sphinx, doctree: nodes.document, docname: str, essay: bool) -> None:
    for image in list(doctree.findall(nodes.image)):
        uri = image.get("uri", "")
        if not uri or scheme_of(uri) is not None:
            continue  # a picture from elsewhere is peninsula.gates.markup_policy's to refuse
        paths = picture_paths(app, uri, docname)
        why = next(filter(None, (why_not_in_project(app.srcdir, p) for p in paths)), None)
        subtype = "outside"
        if why is None and essay:
            # contributors' pictures: what both the website and the PDF show
            why = next(filter(None, (why_not_a_picture(p) for p in paths)), None)
            subtype = "picture"
        if why is not None:
            _refuse(image, "picture", uri, why, PICTURE_FIX, subtype)
            image.parent.remove(image)


def _check_downloads(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for ref in list(doctree.findall(addnodes.download_reference)):
        target = ref.get("reftarget", "")
        if not target or scheme_of(target) is not None:
            continue
        why = why_not_in_project(app.srcdir, named_path(app, target, docname))
        if why is not None:
            _refuse(ref, "link to the file", target, why, FILE_FIX, "outside")
            # the words stay, as text
            ref.replace_self(nodes.inline("", "", *ref.children))


def _check_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """A link the author gave as a path (a picture's ``:target:``) is a link to
    a file: one outside the project would send readers to the host's other
    folders, so it is held to the same rule as ``{download}``. (A Markdown link
    to a path is a page or a download by the time the page has been read.)"""
    for ref in list(doctree.findall(nodes.reference)):
        uri = ref.get("refuri", "")
        if not uri or uri.startswith("#") or scheme_of(uri) is not None:
            continue
        path = unquote(urlsplit(uri).path)
        if not path:
            continue
        why = why_not_in_project(app.srcdir, named_path(app, path, docname))
        if why is not None:
            _refuse(ref, "link to the file", uri, why, FILE_FIX, "outside")
            # what it held (the picture) stays, unlinked
            ref.replace_self(ref.children)


def _check_dependencies(app: Sphinx, docname: str) -> None:
    """What a directive read while the page was parsed: an allowed directive
    that includes a file is held to the same rule."""
    for dependency in sorted(app.env.dependencies.get(docname, ())):
        why = why_not_in_project(app.srcdir, os.path.join(app.srcdir, dependency))
        if why is not None:
            logger.warning(
                "the page read the file %r: %s: name only files inside the project",
                str(dependency),
                why,
                location=docname,
                type="paths",
                subtype="outside",
            )
            app.env.dependencies[docname].discard(dependency)


def check_named_files(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    _check_pictures(app, doctree, docname, is_essay_page(app.env))
    _check_downloads(app, doctree, docname)
    _check_links(app, doctree, docname)
    _check_dependencies(app, docname)


def refuse_outside_pages(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """A page that is a symlink leading outside the project is not read, and
    no toctree lists it: it is no page of the project."""
    for docname in sorted(env.found_docs):
        why = why_not_in_project(app.srcdir, env.doc2path(docname))
        if why is None:
            continue
        logger.warning(
            "the page is refused: %s: keep essays and pages as files inside the project",
            why,
            location=(docname, 1),
            type="paths",
            subtype="outside",
        )
        leave_out(app, env, docnames, docname)


def setup(app: Sphinx) -> dict[str, Any]:
    # which stops a build whose root document was refused
    app.setup_extension("peninsula.core.sources")
    # first of the handlers: no other reads a refused page
    app.connect("env-before-read-docs", refuse_outside_pages, priority=100)
    app.connect("doctree-read", check_named_files, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
