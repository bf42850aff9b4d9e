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
the essay header (peninsula.essays) has added the essay's own picture.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging

from .markup_policy import is_essay_page, scheme_of

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: folders of the project that hold what builds make or package managers fetch
MACHINE_FOLDERS = frozenset({"_build", "node_modules"})
#: pictures both the website and the PDF can show, by the bytes they start with
PICTURES = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
PICTURE_FIX = "save it as PNG or JPEG beside the essay and give its path, ![what it shows](map.png)"


def why_not_in_project(srcdir: str | Path, path: str | Path) -> str | None:
    """Why *path* is not a file a page may name, or None when it is."""
    root = os.path.realpath(srcdir)
    real = os.path.realpath(path)
    if os.path.commonpath([root, real]) != root:
        if os.path.realpath(os.path.normpath(path)) != os.path.normpath(path):
            return "it leads outside the project through a symlink"
        return "it is outside the project"
    parts = Path(os.path.relpath(real, root)).parts
    if any(part.startswith(".") for part in parts):
        return "it is in a hidden file or folder"
    if parts and parts[0] in MACHINE_FOLDERS:
        return f"it is in {parts[0]}/, which builds and package managers write"
    return None


def named_path(app: Sphinx, target: str, docname: str) -> str:
    """The file *target* names, as written: relative to the page, or to the
    project when it starts with ``/`` (Sphinx's rule). Not resolved, so that
    the reason can say when a symlink leads out (Sphinx's own resolves it)."""
    if target.startswith("/"):
        return os.path.normpath(os.path.join(app.srcdir, target.lstrip("/")))
    folder = os.path.dirname(app.env.doc2path(docname))
    return os.path.normpath(os.path.join(folder, target))


def why_not_a_picture(path: str) -> str | None:
    """Why the file at *path* is not a picture of the corpus, or None."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in PICTURES:
        return f"{suffix or 'a file without a suffix'} is not a picture format of the corpus"
    try:
        with open(path, "rb") as file:
            start = file.read(8)
    except OSError:
        return None  # a missing picture is Sphinx's to report
    if not start.startswith(PICTURES[suffix]):
        return f"the file is not a {suffix[1:].upper()} picture"
    return None


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
            continue  # a picture from elsewhere is peninsula.markup_policy's to refuse
        named = named_path(app, uri, docname)
        # ``map.*`` lets Sphinx choose among the files that match
        paths = glob.glob(glob.escape(named).replace("[*]", "*")) if "*" in uri else [named]
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
            _refuse(
                ref,
                "link to the file",
                target,
                why,
                "put the file in the project, beside the essay, and link to it there",
                "outside",
            )
            # the words stay, as text
            ref.replace_self(nodes.inline("", "", *ref.children))


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
        env.found_docs.discard(docname)
        if docname in docnames:
            docnames.remove(docname)


def setup(app: Sphinx) -> dict[str, Any]:
    # first of the handlers: no other reads a refused page
    app.connect("env-before-read-docs", refuse_outside_pages, priority=100)
    app.connect("doctree-read", check_named_files, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
