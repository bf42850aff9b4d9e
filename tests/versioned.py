"""A copy of the corpus after some published history, made with the editor's
own commands (tools/versions.py, as `make revise` and `make record` run it):

* ``future-of-diplomacy`` revised twice: version 2 a correction (a sentence
  reworded, and one citation of ``ahlander2019north`` dropped, so that only
  version 1 still cites it), version 3 an update (a sentence added);
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
#: what the correction changes, in version 1's words and in version 2's
OLD_SENTENCE = (
    "North Korea's chief negotiator declared the talks broken off, accusing the American side "
    "of refusing to change its stance {cite:p}`ahlander2019north`."
)
NEW_SENTENCE = (
    "North Korea's chief negotiator declared the talks broken off, saying the United States "
    "had come with nothing new."
)
ADDED = "\n\nNo further working-level meeting followed in 2019 {cite:p}`future2020diplomacy`.\n"

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


def make_versioned(dst: Path) -> Path:
    """The corpus copied to *dst*, with the history above; returns *dst*."""
    shutil.copytree(REPO, dst, ignore=IGNORED, symlinks=True)
    run(dst, "record")  # every essay published, as on the site
    revised = dst / "articles" / f"{REVISED}.md"
    run(dst, "revise", "--essay", REVISED, "--date", "2026-12-01")
    fill_note(revised, CORRECTION_NOTE)
    text = revised.read_text(encoding="utf-8")
    assert OLD_SENTENCE in text
    revised.write_text(text.replace(OLD_SENTENCE, NEW_SENTENCE), encoding="utf-8")
    run(dst, "record", "--essay", REVISED)
    run(dst, "revise", "--essay", REVISED, "--kind", "update", "--date", "2026-12-03")
    fill_note(revised, UPDATE_NOTE)
    with revised.open("a", encoding="utf-8") as f:
        f.write(ADDED)
    run(dst, "record", "--essay", REVISED)
    retracted = dst / "articles" / f"{RETRACTED}.md"
    run(dst, "revise", "--essay", RETRACTED, "--kind", "retraction", "--date", "2026-12-04")
    fill_note(retracted, RETRACTION_NOTE)
    run(dst, "record", "--essay", RETRACTED)
    return dst
