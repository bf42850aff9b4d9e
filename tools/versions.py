"""Publish an essay's versions: ``make record`` and ``make revise``.

    tools/versions.py record [--essay SLUG] [--srcdir .]
    tools/versions.py revise --essay SLUG [--kind correction] [--date YYYY-MM-DD] [--srcdir .]

``record`` publishes: each essay never recorded becomes version 1, and each
version a History entry opened (``make revise``) is recorded once its note is
written. An essay whose text changed after its last recorded version with no
History entry is refused: run ``revise`` first.

``revise`` starts a new version: it keeps the text of the current version, as
recorded, in ``articles/<slug>/v<N>.md``, and adds a History entry dated today
to the essay's front matter, whose note the editor writes. If the essay was
edited already, the recorded text is taken from git's HEAD when it is there.

The lock, ``articles/versions.lock``, and the rules are
``_ext/peninsula/records/versions.py``'s; this file only writes.
"""

from __future__ import annotations

import argparse
import datetime
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_ext"))

from peninsula.core.dates import Date, DateError  # noqa: E402
from peninsula.core.sources import read_text  # noqa: E402
from peninsula.records import frontmatter  # noqa: E402
from peninsula.records.versions import (  # noqa: E402
    LOCK,
    LockError,
    Text,
    frozen_problems,
    history_line,
    history_lines,
    lock_text,
    read_lock,
    version_file,
)

ESSAY_DIR = "articles"


class Refused(Exception):
    """What cannot be done, as ``file:line: what is wrong: how to fix``."""


def where(path: Path, line: int, root: Path) -> str:
    try:
        shown = path.resolve().relative_to(root.resolve())
    except ValueError:
        shown = path
    return f"{shown}:{line}"


def parse(path: Path, root: Path) -> frontmatter.Essay:
    """The essay's record; its front matter's problems refuse."""
    docname = f"{ESSAY_DIR}/{path.stem}"
    record = frontmatter.parse(read_text(path), docname, frontmatter.Known(None, None))
    if isinstance(record, list):
        raise Refused(
            "\n".join(f"{where(path, p.line, root)}: {p.message}" for p in record)
            + "\nfix the front matter first: make html names every problem"
        )
    return record


def essay_path(root: Path, slug: str) -> Path:
    path = root / ESSAY_DIR / f"{slug}.md"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in (root / ESSAY_DIR).glob("*.md"))) or "none"
        raise Refused(f"there is no essay {ESSAY_DIR}/{slug}.md: the essays are {known}")
    return path


def load(root: Path) -> dict:
    path = root / ESSAY_DIR / LOCK
    try:
        return read_lock(path)
    except LockError as err:
        raise Refused(f"{where(path, err.line, root)}: {err.message}") from None


def save(root: Path, essays: dict) -> None:
    path = root / ESSAY_DIR / LOCK
    temporary = path.with_suffix(".lock.tmp")
    temporary.write_text(lock_text(essays), encoding="utf-8")
    temporary.replace(path)


def check_frozen(root: Path, path: Path, slug: str, version: int, recorded: list) -> None:
    for number in range(1, version):
        frozen = version_file(path, number)
        if not frozen.is_file():
            raise Refused(
                f"{where(path, history_line(read_text(path)), root)}: the text of version "
                f"{number} is missing ({frozen.relative_to(root)}): restore it from git"
            )
        shown = frozen.relative_to(root).as_posix()
        for problem in frozen_problems(frozen, slug, number, recorded, shown):
            raise Refused(f"{where(problem.path, problem.line, root)}: {problem.message}")


def record_one(root: Path, essays: dict, path: Path) -> str:
    record = parse(path, root)
    slug = record.slug
    recorded = essays.get(slug, [])
    text = Text.of(read_text(path))
    version = record.version
    check_frozen(root, path, slug, version, recorded)
    if len(recorded) == version:
        if text.matches(recorded[-1]):
            return f"{slug}: version {version} is recorded; nothing to do"
        raise Refused(
            f"{where(path, text.first_change(recorded[-1]), root)}: {slug!r} changed after "
            f"version {version} was published, with no History entry: run "
            f"make revise ESSAY={slug} first, then say what changed and why"
        )
    if len(recorded) != version - 1:
        if not recorded:
            raise Refused(
                f"{where(path, history_line(read_text(path)), root)}: {slug!r} was never "
                "published, so it has no earlier versions: remove its 'history' field, then "
                "run make record again"
            )
        raise Refused(
            f"{where(path, history_line(read_text(path)), root)}: the History says version "
            f"{version}, and {len(recorded)} versions are recorded: restore the History "
            "entries from git"
        )
    essays[slug] = [*recorded, text.record(version)]
    return f"{slug}: version {version} recorded" + (" (published)" if version == 1 else "")


def record(root: Path, slug: str | None) -> list[str]:
    essays = load(root)
    paths = [essay_path(root, slug)] if slug else sorted((root / ESSAY_DIR).glob("*.md"))
    said = [record_one(root, essays, path) for path in paths]
    save(root, essays)
    return said


def text_from_git(root: Path, path: Path) -> str | None:
    try:
        relative = path.resolve().relative_to(root.resolve())
        done = subprocess.run(
            ["git", "-C", str(root), "show", f"HEAD:{relative.as_posix()}"],
            capture_output=True,
            check=False,
        )
    except (OSError, ValueError):
        return None
    if done.returncode != 0:
        return None
    try:
        return done.stdout.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def history_entry(number: int, date: str, kind: str, indent: str) -> list[str]:
    return [
        f"{indent}- version: {number}",
        f"{indent}  date: {date}",
        f"{indent}  kind: {kind}",
        f'{indent}  note: ""  # what changed and why, in a sentence or two a reader understands',
    ]


def with_entry(source: str, number: int, date: str, kind: str) -> str:
    """*source* with a History entry for version *number* at the end of its
    ``history`` field, which is added before the closing ``---`` if missing."""
    lines = source.split("\n")
    block = frontmatter.split(source)
    assert block is not None  # parse() refused a file without front matter
    held = sorted(history_lines(lines))
    if held:
        last = held[-1]
        while last > held[0] and not lines[last].strip():
            last -= 1
        items = [line for line in (lines[i] for i in held[1:]) if line.lstrip().startswith("-")]
        indent = items[0][: len(items[0]) - len(items[0].lstrip())] if items else "  "
        if lines[held[0]].split(":", 1)[1].strip() in ("", "[]"):
            lines[held[0]] = "history:"
        lines[last + 1 : last + 1] = history_entry(number, date, kind, indent)
    else:
        closing = block.length - 1
        lines[closing:closing] = ["history:", *history_entry(number, date, kind, "  ")]
    return "\n".join(lines)


def revise(root: Path, slug: str, kind: str, date: str) -> list[str]:
    if kind not in frontmatter.KINDS:
        raise Refused(
            f"KIND={kind} is not a kind of version: write one of {', '.join(frontmatter.KINDS)}"
        )
    try:
        day = Date.parse(date)
        if day.day is None:
            raise DateError("write YYYY-MM-DD")
    except DateError as err:
        raise Refused(f"DATE={date} is not a day: {err.fix}") from None
    path = essay_path(root, slug)
    essays = load(root)
    recorded = essays.get(slug)
    current = read_text(path)
    record = parse(path, root)
    version = record.version
    if not recorded:
        raise Refused(
            f"{where(path, 1, root)}: {slug!r} is a draft, never published: edit it freely, "
            f"and publish it with make record ESSAY={slug}"
        )
    if len(recorded) == version - 1:
        raise Refused(
            f"{where(path, record.history[-1].line, root)}: version {version} is open already: "
            f"edit the essay and its note, then run make record ESSAY={slug}"
        )
    if len(recorded) != version:
        raise Refused(
            f"{where(path, history_line(current), root)}: the History says version {version}, "
            f"and {len(recorded)} versions are recorded: restore the History entries from git"
        )
    if record.retracted:
        raise Refused(
            f"{where(path, record.history[-1].line, root)}: {slug!r} is retracted: a retracted "
            "essay has no later version"
        )
    check_frozen(root, path, slug, version, recorded)
    said = []
    kept = current
    if not Text.of(current).matches(recorded[-1]):
        from_git = text_from_git(root, path)
        if from_git is None or not Text.of(from_git).matches(recorded[-1]):
            line = Text.of(current).first_change(recorded[-1])
            raise Refused(
                f"{where(path, line, root)}: the essay was changed after version {version} was "
                f"published, and git's HEAD does not hold that version either: restore it "
                f"(git stash), run make revise ESSAY={slug} again, then make your changes"
            )
        kept = from_git
        said.append(f"{slug}: version {version} is taken from git's HEAD; your edits stay")
    frozen = version_file(path, version)
    if frozen.exists():
        raise Refused(
            f"{where(frozen, 1, root)}: version {version} is kept here already: "
            "restore the History entries from git"
        )
    frozen.parent.mkdir(exist_ok=True)
    frozen.write_text(kept, encoding="utf-8")
    with_new = with_entry(read_text(path), version + 1, day.iso, kind)
    path.write_text(with_new, encoding="utf-8")
    entry_line = parse_entry_line(path, root, version + 1)
    said += [
        f"{slug}: version {version} kept in {frozen.relative_to(root)}",
        f"{where(path, entry_line, root)}: version {version + 1} opened ({kind}, {day.iso}): "
        "write its note, make the change, then run "
        f"make record ESSAY={slug} to publish it",
    ]
    return said


def parse_entry_line(path: Path, root: Path, number: int) -> int:
    lines = read_text(path).split("\n")
    for index, line in enumerate(lines):
        if line.strip() == f"- version: {number}":
            return index + 1
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["record", "revise"])
    parser.add_argument("--essay", default="", help="the essay's slug (its file name)")
    parser.add_argument("--kind", default="correction", help=", ".join(frontmatter.KINDS))
    parser.add_argument("--date", default="", help="the new version's date, YYYY-MM-DD")
    parser.add_argument("--srcdir", default=".", type=Path)
    args = parser.parse_args(argv)
    root = args.srcdir
    try:
        if args.command == "record":
            said = record(root, args.essay or None)
        else:
            if not args.essay:
                raise Refused("which essay? run make revise ESSAY=<slug>")
            date = args.date or datetime.date.today().isoformat()
            said = revise(root, args.essay, args.kind, date)
    except Refused as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for line in said:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
