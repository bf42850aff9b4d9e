"""Source files are read one way: UTF-8, a byte-order mark dropped, and a byte
that is not UTF-8 reported at its line.

Why this exists: Sphinx reads a page as UTF-8 with its byte-order mark
dropped (``utf-8-sig``), and crashes on a byte that is not UTF-8, with a
traceback that names no file, from inside a worker process. The author pages
were made from the essays' files read again, with the mark kept, so that an
essay saved with one lost its authors' pages. Every reader of a page's text
goes through :func:`read_text`, and before Sphinx reads a page, a page it
could not read is refused at the line of its first bad byte, on every build
until it is saved as UTF-8.

Which files a page may name at all (a picture, a linked file) is said here
too, by :func:`why_not_in_project`, for the front matter and the body alike
(peninsula.gates.paths says why).
"""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: what Sphinx reads pages as, by default and in this project
ENCODING = "utf-8-sig"


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
        # POSIX keeps a leading "//" in a path; it names the same file as "/"
        plain = "/" + os.path.abspath(path).lstrip("/")
        if real != plain:
            return "it leads outside the project through a symlink"
        return "it is outside the project"
    parts = Path(os.path.relpath(real, root)).parts
    if any(part.startswith(".") for part in parts):
        return "it is in a hidden file or folder"
    if parts and parts[0] in MACHINE_FOLDERS:
        return f"it is in {parts[0]}/, which builds and package managers write"
    return None


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


class NotUTF8(ValueError):
    """A file that is not UTF-8 text; ``line`` is that of its first bad byte."""

    def __init__(self, line: int, byte: int) -> None:
        super().__init__(
            f"byte 0x{byte:02X} is not UTF-8 text: save the file with the encoding UTF-8 "
            "(in most editors, 'Save with encoding' or 'Reopen with encoding', then save)"
        )
        self.line = line


#: the scheme of an address (``https:``, ``javascript:``), as browsers read it
SCHEME_RE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):")


def scheme_of(address: str) -> str | None:
    """The scheme of *address*, lowercased (``javascript``), or None."""
    match = SCHEME_RE.match(address)
    return match[1].lower() if match else None


def is_essay_page(env: Any) -> bool:
    """Whether the page being read is an essay, a contributor's page (where
    peninsula.records.essays is not set up, no page is)."""
    folder = getattr(env.config, "peninsula_essay_dir", None)
    return bool(folder) and env.docname.startswith(folder.rstrip("/") + "/")


def decode(data: bytes) -> str:
    """*data* as text, a byte-order mark dropped; NotUTF8 says where it is not text."""
    try:
        return data.decode(ENCODING)
    except UnicodeDecodeError as err:
        # the decoder counts from after the byte-order mark
        start = err.start + len(data) - len(err.object)
        raise NotUTF8(data.count(b"\n", 0, start) + 1, data[start]) from None


def read_text(path: Path) -> str:
    """The text of the source file at *path*, as Sphinx reads it."""
    return decode(path.read_bytes())


#: the encoding Sphinx reads pages with in a build that refused one that is
#: not an essay: ENCODING, with a byte that is not UTF-8 read as U+FFFD
LENIENT = "peninsula-utf-8-sig-lenient"


def _lenient_codec(name: str) -> codecs.CodecInfo | None:
    """LENIENT, for codecs.lookup (which gives the name with underscores)."""
    if name != LENIENT.replace("-", "_"):
        return None
    base = codecs.lookup(ENCODING)

    class Decoder(base.incrementaldecoder):  # type: ignore[name-defined,misc]
        def __init__(self, errors: str = "strict") -> None:
            super().__init__("replace")

    return codecs.CodecInfo(
        base.encode,
        lambda data, errors="strict": base.decode(data, "replace"),
        incrementalencoder=base.incrementalencoder,
        incrementaldecoder=Decoder,
        name=LENIENT,
    )


codecs.register(_lenient_codec)


def refuse_undecodable_pages(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """A page that is not UTF-8 is refused at the line of its first bad byte,
    and so that its message is the build's only one: an essay is not read
    (the essays' lists and author pages are made from the essays read), and
    another page is read with each bad byte as U+FFFD (Sphinx would crash),
    so that the toctrees, links and glossary terms that lead into it hold
    (the root page too, without which Sphinx does not build)."""
    essays = getattr(app.config, "peninsula_essay_dir", "").rstrip("/") + "/"
    for docname in list(docnames):
        try:
            read_text(env.doc2path(docname))
        except NotUTF8 as err:
            logger.warning(
                "the page is not UTF-8 text: %s",
                err,
                location=(docname, err.line),
                type="sources",
                subtype="encoding",
            )
            if essays != "/" and docname.startswith(essays):
                leave_out(app, env, docnames, docname)
            else:
                # for this build: the next one sets Sphinx's own again
                env.settings["input_encoding"] = LENIENT


#: set on the application when its root document (index.md) was refused
ROOT_REFUSED = "peninsula_root_refused"


def leave_out(app: Sphinx, env: BuildEnvironment, docnames: list[str], docname: str) -> None:
    """Read no more of the refused page *docname*: no list or toctree names it."""
    if docname in docnames:
        docnames.remove(docname)
    env.found_docs.discard(docname)
    if docname == app.config.root_doc:
        setattr(app, ROOT_REFUSED, True)


def stop_without_root(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Sphinx cannot build without its root document: once every refused page
    has its message, a refused root document ends the build (with 1, a build
    that failed on its own), before Sphinx stops with a traceback that says
    the document is not included."""
    if getattr(app, ROOT_REFUSED, False):
        raise SystemExit(1)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("env-before-read-docs", refuse_undecodable_pages, priority=150)
    # after peninsula.gates.paths' refusals (100) and this module's
    app.connect("env-before-read-docs", stop_without_root, priority=190)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
