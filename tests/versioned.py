"""A copy of the corpus after some published history, made with the editor's
own commands (tools/versions.py, as `make revise` and `make record` run it):

* ``future-of-diplomacy`` revised twice: version 2 a correction (a closing
  sentence reworded, and with it the one citation of a work added for the
  test, ``editors2026work``, which only version 1 then cites), version 3
  an update (a sentence added);
* ``broadened-diplomacy`` retracted (version 2).

The tests of versions (test_versions.py) build it once per session, strict;
the gates' tests break copies of it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VERSIONS = REPO / "tools" / "versions.py"

REVISED = "future-of-diplomacy"
RETRACTED = "broadened-diplomacy"
CORRECTION_NOTE = (
    "The essay said the Stockholm talks broke off on the North's word alone; it now "
    "says which side declared them over, as the report it cites does."
)
UPDATE_NOTE = "A sentence on the talks' aftermath was added, with its source."
RETRACTION_NOTE = (
    "The essay's account of the missile of November 2, 2022 placed it in the wrong sea; "
    "the editors retract it while a corrected edition is prepared."
)
#: a work only version 1 cites: refs.bib must keep it while version 1 is published
ONLY_V1_KEY = "editors2026work"
ONLY_V1_ENTRY = """
@online{editors2026work,
  author       = {{Editors of Peninsula Papers}},
  title        = {A work that only the first version cites},
  organization = {Peninsula Papers},
  date         = {2026-11-30},
  urldate      = {2026-11-30},
}
"""
#: what the correction changes, in version 1's words and in version 2's; the
#: corpus's own text is left alone, so that this history holds whatever it says
OLD_SENTENCE = f"A closing remark of the first version {{cite:p}}`{ONLY_V1_KEY}`."
NEW_SENTENCE = "A closing remark, corrected in the second version."
ADDED = "The talks have not resumed at the working level since."

IGNORED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "_build",
    "node_modules",
    "tests",
    "benchmarks",
    "_generated",
    "topics",
    "authors",
    "__pycache__",
    ".ruff_cache",
    ".pytest_cache",
)


def versions(srcdir: Path, *args: str) -> subprocess.CompletedProcess:
    """tools/versions.py on *srcdir*, as make runs it."""
    return subprocess.run(
        [sys.executable, str(VERSIONS), *args, "--srcdir", str(srcdir)],
        capture_output=True,
        text=True,
        check=False,
    )


def run(srcdir: Path, *args: str) -> str:
    done = versions(srcdir, *args)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def fill_note(path: Path, note: str) -> None:
    text = path.read_text(encoding="utf-8")
    empty = next(line for line in text.split("\n") if line.strip().startswith('note: ""'))
    indent = empty[: len(empty) - len(empty.lstrip())]
    path.write_text(text.replace(empty, f"{indent}note: {note}", 1), encoding="utf-8")


def without_history(text: str) -> str:
    """*text* with its front matter's ``history`` field taken out."""
    from peninsula.records.versions import history_lines

    lines = text.split("\n")
    skipped = history_lines(lines)
    return "\n".join(line for i, line in enumerate(lines) if i not in skipped)


def make_versioned(dst: Path) -> Path:
    """The corpus copied to *dst*, with the history above; returns *dst*."""
    shutil.copytree(REPO, dst, ignore=IGNORED, symlinks=True)
    with (dst / "refs.bib").open("a", encoding="utf-8") as f:
        f.write(ONLY_V1_ENTRY)
    revised = dst / "articles" / f"{REVISED}.md"
    # the essay's history starts from its current text, whatever its versions
    lock = dst / "articles" / "versions.lock"
    lock.unlink(missing_ok=True)
    for folder in (dst / "articles").iterdir():
        if folder.is_dir():
            shutil.rmtree(folder)
    for path in (dst / "articles").glob("*.md"):
        path.write_text(without_history(path.read_text(encoding="utf-8")), encoding="utf-8")
    with revised.open("a", encoding="utf-8") as f:
        f.write(f"\n{OLD_SENTENCE}\n")
    run(dst, "record")  # every essay published, as on the site
    run(dst, "revise", "--essay", REVISED, "--date", "2026-12-01")
    fill_note(revised, CORRECTION_NOTE)
    text = revised.read_text(encoding="utf-8")
    revised.write_text(text.replace(OLD_SENTENCE, NEW_SENTENCE), encoding="utf-8")
    run(dst, "record", "--essay", REVISED)
    run(dst, "revise", "--essay", REVISED, "--kind", "update", "--date", "2026-12-03")
    fill_note(revised, UPDATE_NOTE)
    with revised.open("a", encoding="utf-8") as f:
        f.write(f"\n{ADDED}\n")
    run(dst, "record", "--essay", REVISED)
    retracted = dst / "articles" / f"{RETRACTED}.md"
    run(dst, "revise", "--essay", RETRACTED, "--kind", "retraction", "--date", "2026-12-04")
    fill_note(retracted, RETRACTION_NOTE)
    run(dst, "record", "--essay", RETRACTED)
    return dst
