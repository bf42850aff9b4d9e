"""A mistake fails every build until it is fixed (peninsula.gates.strict): the
documents that warned are read and written again on the next build, whichever
phase, extension or worker process gave the warning; the data files have their
own modules, whose problems repeat too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from harness import BUILD, PYTHONPATH, STRICT, assert_refused, messages, staged_build

LEDGER = Path("_build/.staging/doctrees/peninsula-warned.json")


def parallel_build(srcdir: Path) -> subprocess.CompletedProcess:
    """As gates.staged_build, with two worker processes."""
    return subprocess.run(
        [sys.executable, str(BUILD), "html", "--srcdir", str(srcdir)]
        + ["--builddir", str(srcdir / "_build"), *STRICT, "-j", "2"],
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ, PYTHONPATH=PYTHONPATH),
        cwd=srcdir,
    )


def test_a_mistake_in_a_chronology_description_repeats(broken_copy):
    """Located in chronology.yaml, given while reading chronology.md: the page
    depending on the file is read again."""
    data = broken_copy / "chronology.yaml"
    data.write_text(data.read_text().replace("`kim2022missile`", "`kim2022missle`"))
    assert_refused(
        broken_copy,
        [
            "chronology.yaml:5: WARNING: unknown citation key 'kim2022missle': did you mean "
            "'kim2022missile'? [citations.unknown_key]"
        ],
    )


def test_a_problem_of_refs_bib_repeats(broken_copy):
    bib = broken_copy / "refs.bib"
    bib.write_text(
        bib.read_text() + "\n@article{badkey,\n  author = {Lee, Min},\n  title = {Talks},\n"
        "  journal = {Asian Survey},\n  date = {2019},\n}\n"
    )
    first = staged_build(broken_copy)
    second = staged_build(broken_copy)
    for result in (first, second):
        assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    found = messages(first, broken_copy)
    assert found and all(line.startswith("refs.bib:19: WARNING: ") for line in found), found
    assert messages(second, broken_copy) == found


def test_parallel_builds_repeat_and_forget_a_fixed_mistake(broken_copy):
    essay = broken_copy / "articles" / "the-line.md"
    good = essay.read_text()
    essay.write_text(good.replace("<event-missile-barrage>", "<event-missile-barage>"))
    expected = [
        "articles/the-line.md:16: WARNING: unknown label 'event-missile-barage': did you "
        "mean 'event-missile-barrage'? [ref.ref]"
    ]
    for _ in range(2):
        result = parallel_build(broken_copy)
        assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
        assert messages(result, broken_copy) == expected, result.stderr
    # a write-phase warning, noted for this builder
    ledger = json.loads((broken_copy / LEDGER).read_text())
    assert ledger["write"]["html"] == ["articles/the-line"]
    essay.write_text(good)
    result = parallel_build(broken_copy)
    assert result.returncode == 0 and messages(result, broken_copy) == [], result.stderr
    assert json.loads((broken_copy / LEDGER).read_text()) == {"read": [], "write": {"html": []}}
