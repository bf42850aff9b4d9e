"""Versions of record: every change to a published essay is dated, explained and kept.

Why this exists: readers cite an essay as it was on the day they read it. A
correction that silently replaced the page would leave their citation
pointing at words the page no longer has. So a published essay changes only
by a new version: the text as it was is kept at ``articles/<slug>/v<N>.md``
and published at ``articles/<slug>/v<N>.html``, and the essay's front matter
gains a History entry (``history:``) saying when, what kind of change, and
what changed and why.

How the build knows what was published: ``articles/versions.lock`` holds, for
every published essay, one record per version: a SHA-256 of its text and a
short digest of each line. The text is the whole file except the front
matter's ``history`` field, which grows as versions are added. Two commands
write the lock (``tools/versions.py``, through make):

* ``make record [ESSAY=<slug>]`` publishes: it records the current text as
  the essay's first version (a draft becomes published), or as the version its
  newest History entry opened, once that entry has its note.
* ``make revise ESSAY=<slug> [KIND=correction]`` starts a new version: it
  copies the recorded text of the current version to ``v<N>.md`` and adds a
  History entry dated today, whose note the editor writes.

A digest of the text, rather than a flag or a date, is what lets the build
tell a change from no change without trusting anyone to say so; the line
digests let it say where. The lock is small (nine hex digits a line) and
holds no text: the frozen copies are the text.

What fails, and where:

* every build: a frozen version whose text is not the recorded one, at its
  first changed line (restore it; correct the current version instead); a
  version file with no record; an earlier version whose file is missing;
* ``make check STRICT=1``, which publishing runs (``peninsula.gates.lint``): an
  essay changed since its last recorded version with no History entry, at its
  first changed line, with ``make revise``; a version opened and not recorded,
  with ``make record``; a draft, never recorded, with ``make record``.

An essay never recorded is a draft: it may change freely, and is published by
``make record``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from ..core.sources import NotUTF8, read_text
from .frontmatter import VERSION_DOC_RE, current_doc

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

#: the lock, relative to the source directory
LOCK = "versions.lock"
ABOUT = (
    "The versions of record of each published essay: a digest of each version's text "
    "and of its lines. Written by make record and make revise; never edit it by hand."
)
#: a line's digest: the first hex digits of its SHA-256
LINE_DIGITS = 9
HISTORY_KEY_RE = re.compile(r"^history\s*:")


# -- The text a version is ---------------------------------------------------------


def history_lines(lines: list[str]) -> set[int]:
    """The indexes of the lines of the front matter's ``history`` field: they
    grow with every version, and are not part of any version's text."""
    if not lines or lines[0].strip() != "---":
        return set()
    out: set[int] = set()
    inside = False
    for index in range(1, len(lines)):
        line = lines[index]
        if line.strip() == "---":
            break
        if HISTORY_KEY_RE.match(line):
            inside = True
        elif inside and not (not line.strip() or line[0] in " \t#-"):
            inside = False
        if inside:
            out.add(index)
    return out


@dataclass(frozen=True)
class Text:
    """A version's text as the lock sees it: a digest, and each line's."""

    sha256: str
    lines: tuple[str, ...]  #: the digest of each line of the text
    numbers: tuple[int, ...]  #: the line of the file each digest is of (from 1)

    @classmethod
    def of(cls, source: str) -> Text:
        lines = source.split("\n")
        skipped = history_lines(lines)
        kept = [(i + 1, line) for i, line in enumerate(lines) if i not in skipped]
        whole = hashlib.sha256("\n".join(line for _, line in kept).encode("utf-8")).hexdigest()
        digests = tuple(
            hashlib.sha256(line.encode("utf-8")).hexdigest()[:LINE_DIGITS] for _, line in kept
        )
        return cls(whole, digests, tuple(n for n, _ in kept))

    def record(self, number: int) -> dict[str, Any]:
        return {"version": number, "sha256": self.sha256, "lines": " ".join(self.lines)}

    def matches(self, record: dict[str, Any]) -> bool:
        return record.get("sha256") == self.sha256

    def first_change(self, record: dict[str, Any]) -> int:
        """The line of this file where it first differs from the recorded text."""
        recorded = str(record.get("lines", "")).split()
        for tag, _i1, _i2, j1, _j2 in difflib.SequenceMatcher(
            None, recorded, list(self.lines), autojunk=False
        ).get_opcodes():
            if tag == "equal":
                continue
            if j1 < len(self.numbers):
                return self.numbers[j1]
            return self.numbers[-1] if self.numbers else 1
        return 1


# -- The lock ----------------------------------------------------------------------


class LockError(Exception):
    """The lock cannot be read: ``line`` of the file, and why."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def read_lock(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Slug -> its recorded versions, oldest first; empty when there is no lock."""
    if not path.is_file():
        return {}
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise LockError(
            err.lineno, f"not JSON ({err.msg}): restore it from git; make record rewrites it"
        ) from None
    essays = data.get("essays") if isinstance(data, dict) else None
    if not isinstance(essays, dict) or not all(
        isinstance(v, list)
        and all(
            isinstance(r, dict) and r.get("version") == n and isinstance(r.get("sha256"), str)
            for n, r in enumerate(v, start=1)
        )
        for v in essays.values()
    ):
        raise LockError(1, "not a lock make record wrote: restore it from git")
    return essays


def lock_text(essays: dict[str, list[dict[str, Any]]]) -> str:
    """The lock's text: stable, one version a line, so git shows what changed."""
    parts = []
    for slug in sorted(essays):
        versions = ",\n".join(
            "      "
            + json.dumps(
                {"version": r["version"], "sha256": r["sha256"], "lines": r.get("lines", "")},
                ensure_ascii=True,
            )
            for r in essays[slug]
        )
        parts.append(f"    {json.dumps(slug)}: [\n{versions}\n    ]")
    body = ",\n".join(parts)
    return f'{{\n  "about": {json.dumps(ABOUT)},\n  "essays": {{\n{body}\n  }}\n}}\n'


def version_file(essay_path: Path, number: int) -> Path:
    """``articles/x.md``, 1 -> ``articles/x/v1.md``."""
    return essay_path.with_suffix("") / f"v{number}.md"


# -- What is wrong, and where ----------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str


def frozen_problems(
    path: Path,
    slug: str,
    number: int,
    recorded: list[dict[str, Any]] | None,
    shown: str = "",
    current: int | None = None,
) -> Iterator[Problem]:
    """An earlier version's file, ``articles/<slug>/v<number>.md``, against the
    lock and against *current*, the essay's current version when it is known."""
    if current is not None and number >= current and recorded and number <= len(recorded):
        yield Problem(
            path,
            1,
            f"version {number} of {slug!r} is its current version, not an earlier one: its "
            f"text is {slug}.md; delete this file",
        )
        return
    if not recorded or number > len(recorded):
        yield Problem(
            path,
            1,
            f"version {number} of {slug!r} was never recorded, so it is not a version readers "
            f"saw: earlier versions are made by make revise ESSAY={slug}, never by hand; "
            "delete this file",
        )
        return
    text = Text.of(read_text(path))
    record = recorded[number - 1]
    if not text.matches(record):
        yield Problem(
            path,
            text.first_change(record),
            f"version {number} of {slug!r} is frozen: readers cite it as it was published, "
            f"and this line differs. Restore it (git checkout -- {shown or path.name}), and "
            f"correct the current version instead: make revise ESSAY={slug}",
        )


def current_problems(
    path: Path, slug: str, version: int, history_line: int, recorded: list[dict[str, Any]] | None
) -> Iterator[Problem]:
    """What every build refuses about the current version of an essay: an
    earlier version's text missing, or a recorded version its History lacks."""
    if not recorded:
        return
    if len(recorded) > version:
        yield Problem(
            path,
            history_line,
            f"version {len(recorded)} of {slug!r} was recorded, but its History ends at "
            f"version {version}: restore its History entries from git",
        )
        return
    for number in range(1, version):
        frozen = version_file(path, number)
        if not frozen.is_file():
            yield Problem(
                path,
                history_line,
                f"the text of version {number} is missing: it is kept in "
                f"{path.stem}/{frozen.name} beside the essay; restore it from git",
            )


def publishing_problems(
    path: Path, slug: str, version: int, history_line: int, recorded: list[dict[str, Any]] | None
) -> Iterator[Problem]:
    """What publishing refuses (``make check STRICT=1``): a draft, a version
    opened and not recorded, a text changed with no History entry."""
    if not recorded:
        if version == 1:
            yield Problem(
                path,
                1,
                f"{slug!r} is a draft, never published: when it is ready, publish it with "
                f"make record ESSAY={slug}",
            )
        return
    if len(recorded) == version - 1:
        yield Problem(
            path,
            history_line,
            f"version {version} of {slug!r} is not recorded yet: when its text and note are "
            f"final, run make record ESSAY={slug}",
        )
        return
    if len(recorded) != version:
        return  # every build reports it
    text = Text.of(read_text(path))
    if not text.matches(recorded[-1]):
        yield Problem(
            path,
            text.first_change(recorded[-1]),
            f"{slug!r} changed after version {version} was published, with no History "
            f"entry: run make revise ESSAY={slug}, which keeps version {version} as readers "
            "saw it and adds an entry for the change; then say what changed and why",
        )


# -- The build -------------------------------------------------------------------------


def lock_path(app: Sphinx) -> Path:
    return lock_file(app.srcdir, app.config)


def lock_file(srcdir: str | Path, config: Any) -> Path:
    return Path(srcdir) / config.peninsula_essay_dir / LOCK


def load_lock(app: Sphinx) -> None:
    """Read the lock once a build: every essay's check needs it."""
    path = lock_path(app)
    try:
        app.peninsula_lock = read_lock(path)  # type: ignore[attr-defined]
    except (LockError, NotUTF8) as err:
        line = getattr(err, "line", 1)
        logger.warning(
            "%s",
            getattr(err, "message", str(err)),
            location=(str(path), line),
            type="versions",
            subtype="lock",
        )
        app.peninsula_lock = {}  # type: ignore[attr-defined]


def recorded_versions(app: Sphinx, slug: str) -> list[dict[str, Any]] | None:
    return getattr(app, "peninsula_lock", {}).get(slug)


def report(problem: Problem, docname: str, subtype: str) -> None:
    logger.warning(
        "%s", problem.message, location=(docname, problem.line), type="versions", subtype=subtype
    )


def history_line(source: str) -> int:
    """The line of the front matter's ``history:`` field, or 1."""
    for index in sorted(history_lines(source.split("\n")))[:1]:
        return index + 1
    return 1


def current_version(path: Path) -> int | None:
    """The version of the essay whose file is *path*, as its History says;
    None when it cannot be read (its own build reports why)."""
    from .frontmatter import Known, parse

    try:
        record = parse(read_text(path), "", Known(None, None))
    except (OSError, NotUTF8):
        return None
    return None if isinstance(record, list) else record.version


def check_version_docs(app: Sphinx, docname: str, source: list[str]) -> None:
    """Each essay's and each earlier version's file, against the lock, when
    the page is read (and it is read again on every build until fixed)."""
    essay_dir = app.config.peninsula_essay_dir.rstrip("/") + "/"
    if not docname.startswith(essay_dir):
        return
    if lock_path(app).is_file():
        # (a dependency on a file that is not there would read the page on every
        # build; without a lock, a page that needs one fails until it is made)
        app.env.note_dependency(str(lock_path(app)))
    path = Path(app.env.doc2path(docname))
    match = VERSION_DOC_RE.match(docname)
    if match:
        slug = current_doc(docname).rsplit("/", 1)[-1]
        for problem in frozen_problems(
            path,
            slug,
            int(match["number"]),
            recorded_versions(app, slug),
            docname + ".md",
            current_version(path.parent.with_suffix(".md")),
        ):
            report(problem, docname, "frozen")
        return
    from .frontmatter import Known, parse

    record = parse(source[0], docname, Known(None, None))
    if isinstance(record, list):
        return  # the front matter's problems are reported by peninsula.records.essays
    for problem in current_problems(
        path,
        record.slug,
        record.version,
        history_line(source[0]),
        recorded_versions(app, record.slug),
    ):
        report(problem, docname, "history")


# -- Earlier versions as pages ----------------------------------------------------------


def version_number(docname: str) -> int | None:
    match = VERSION_DOC_RE.match(docname)
    return int(match["number"]) if match else None


class EarlierVersion(SphinxTransform):
    """An earlier version's page is a copy of the essay as it was: its labels
    would be the essay's, and its relative paths would start from another
    folder. Its labels get the version's suffix (``…--v1``), and so do its
    own references to them; its pictures and files are looked for where the
    essay's are."""

    default_priority = 840  # after docutils' targets, before Sphinx collects labels (850)

    def apply(self, **kwargs: Any) -> None:
        docname = self.env.docname
        number = version_number(docname)
        if number is None or not docname.startswith(self.config.peninsula_essay_dir):
            return
        document = self.document
        renamed: dict[str, str] = {}
        for name, explicit in list(document.nametypes.items()):
            if explicit:
                renamed[name] = f"{name}--v{number}"
        for old, new in renamed.items():
            document.nametypes[new] = document.nametypes.pop(old)
            document.nameids[new] = document.nameids.pop(old)
        for node in document.findall(nodes.Element):
            if node.get("names"):
                node["names"] = [renamed.get(n, n) for n in node["names"]]
        for xref in document.findall(addnodes.pending_xref):
            target = xref.get("reftarget", "")
            if target in renamed:
                xref["reftarget"] = renamed[target]
        # relative to the essay's folder, not the version's
        essay_folder = posixpath.dirname(current_doc(docname))
        for image in document.findall(nodes.image):
            uri = image.get("uri", "")
            if uri and "://" not in uri and not uri.startswith(("/", "data:")):
                image["uri"] = "/" + posixpath.normpath(posixpath.join(essay_folder, uri))
        for download in document.findall(addnodes.download_reference):
            target = download.get("reftarget", "")
            if target and "://" not in target and not target.startswith("/"):
                download["reftarget"] = "/" + posixpath.normpath(
                    posixpath.join(essay_folder, target)
                )


def mark_orphan(app: Sphinx, doctree: nodes.document) -> None:
    """An earlier version is reached from its essay's History, not a toctree."""
    if version_number(app.env.docname) is not None:
        app.env.metadata[app.env.docname]["orphan"] = True
        app.env.metadata[app.env.docname]["nosearch"] = True


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", load_lock)
    # before peninsula.records.essays takes the front matter out of the page (500)
    app.connect("source-read", check_version_docs, priority=400)
    app.add_transform(EarlierVersion)
    # after Sphinx's metadata collector (500) filled the page's metadata
    app.connect("doctree-read", mark_orphan, priority=600)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
