"""The editor's lint, `make check` (peninsula.gates.lint): its report on a small project
and on the real corpus, what fails it, and ruff, so that `make test` and CI run
everything `make check` runs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ANSI, REPO
from docutils import nodes
from harness import PYTHONPATH
from peninsula.gates.lint import unsourced

BIN = Path(sys.executable).parent

FINDINGS = [
    "-- refs.bib entries no page cites: 2",
    "refs.bib:13: bader2018kim is cited by no essay, glossary entry or chronology event: "
    "cite it where a page relies on it, or delete the entry",
    "refs.bib:20: doubek2019trump is cited by no essay, glossary entry or chronology event: "
    "cite it where a page relies on it, or delete the entry",
    "-- glossary terms no page links to: 2",
    "glossary.md:8: glossary term 'armistice' is linked from no page: link it where an essay "
    "first uses it, {term}`armistice`, or delete the entry",
    "glossary.md:11: glossary term 'NLL' is linked from no page: link it where an essay first "
    "uses it, {term}`NLL`, or delete the entry",
    "-- chronology events no page links to: 1",
    "events.yaml:7: chronology event event-singapore-summit is linked from no page: link it "
    "where an essay mentions it, {ref}`event-singapore-summit`, or delete the event",
]
FIX = "but no citation: cite the source in this paragraph, {cite:p}`key`"
PARAGRAPHS = [
    f"articles/essay.md:20: a date (November 2, 2022) {FIX}",
    f"articles/essay.md:22: a figure (370,000) {FIX}",
    f"articles/essay.md:24: a quotation (“more powerful follow-up measures”) {FIX}",
    f"articles/essay.md:29: a block quotation (We will not be intimidated. Nor will we be moved.) {FIX}",
    f"articles/essay.md:35: a date (1953) {FIX}",
    # the note cites the essay's source: its quotation (line 49) is the source's
    f"articles/essay.md:50: a date (2021) {FIX}",
    # this note cites nothing
    f"articles/other.md:13: a quotation (“twenty five”) {FIX}",
]
PARAGRAPHS_TITLE = "essay paragraphs with a figure, date or quotation and no citation"


#: every essay of the root is recorded in its articles/versions.lock, unchanged
VERSIONS_NONE = (
    "-- essays whose text is not their recorded version (make revise, make record): none"
)


def report(app) -> list[str]:
    return (Path(app.outdir) / "lint.txt").read_text(encoding="utf-8").splitlines()


@pytest.mark.sphinx("lint", testroot="lint")
def test_findings_are_listed_and_do_not_fail(app):
    app.build()
    assert report(app) == [
        "lint (not strict: findings are warnings): 12 findings",
        *FINDINGS,
        f"-- {PARAGRAPHS_TITLE}: 7 (they fail with STRICT=1)",
        *PARAGRAPHS,
        VERSIONS_NONE,
    ]
    # the console shows the same report
    status = ANSI.sub("", app.status.getvalue())
    assert "\n".join(report(app)) in status
    assert app.statuscode == 0


@pytest.mark.sphinx("lint", testroot="lint", confoverrides={"peninsula_lint_strict": True})
def test_strict_mode_fails_on_uncited_paragraphs(app):
    app.build()
    assert report(app) == [
        "lint (strict): 12 findings",
        *FINDINGS,
        f"-- {PARAGRAPHS_TITLE}: 7",
        *PARAGRAPHS,
        VERSIONS_NONE,
        "lint failed: 7 uncited paragraphs in strict mode (peninsula_lint_strict)",
    ]
    assert app.statuscode == 1


@pytest.mark.sphinx(
    "lint",
    testroot="lint",
    confoverrides={
        "peninsula_lint_strict": True,
        "suppress_warnings": ["lint.uncited_paragraph", "lint.unlinked_term"],
    },
)
def test_suppress_warnings_turns_a_check_off(app):
    app.build()
    assert report(app) == [
        "lint (strict): 3 findings",
        *FINDINGS[:3],
        "-- glossary terms no page links to: off (lint.unlinked_term in suppress_warnings)",
        *FINDINGS[6:],
        f"-- {PARAGRAPHS_TITLE}: off (lint.uncited_paragraph in suppress_warnings)",
        VERSIONS_NONE,
    ]
    assert app.statuscode == 0


def run_lint(srcdir: Path, outdir: Path, *options: str) -> subprocess.CompletedProcess:
    """The lint as `make check` runs it: strict as every build, its own doctrees."""
    return subprocess.run(
        [BIN / "sphinx-build", "-b", "lint", str(srcdir), str(outdir)]
        + ["-d", str(outdir / ".doctrees"), "-W", "--keep-going", "-n", *options],
        capture_output=True,
        text=True,
        check=False,
        # the test project's conf.py does not put _ext on the path as the corpus's does
        env={**os.environ, "PYTHONPATH": PYTHONPATH},
    )


def test_a_bib_key_off_the_convention_fails_until_suppressed(rootdir, tmp_path):
    srcdir = tmp_path / "lint"
    shutil.copytree(rootdir / "test-lint", srcdir)
    bib = srcdir / "refs.bib"
    lines = bib.read_text(encoding="utf-8").count("\n")
    with bib.open("a", encoding="utf-8") as f:
        f.write("\n@misc{Park2021Launch,\n  title = {Launch},\n  date = {2021},\n}\n")
    result = run_lint(srcdir, tmp_path / "out")
    assert result.returncode == 1
    # peninsula.works.bibfile's warning, at the entry's line; its wording is
    # tests/works/test_bibfile.py's to check, the subtype is read from it
    warnings = [w for w in ANSI.sub("", result.stderr).splitlines() if "WARNING" in w]
    assert len(warnings) == 1
    start = f"{bib}:{lines + 2}: WARNING: key 'Park2021Launch' "
    assert warnings[0].startswith(start), warnings
    tag = re.search(r"\[(bibfile\.\w+)\]$", warnings[0])
    assert tag, warnings
    # the lint still lists what it found, the entry among the uncited works
    out = (tmp_path / "out" / "lint.txt").read_text(encoding="utf-8")
    assert f"refs.bib:{lines + 2}: Park2021Launch is cited by no essay" in out

    # a journal with another convention turns the check off
    result = run_lint(srcdir, tmp_path / "out", "-D", f"suppress_warnings={tag[1]}")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Talks may resume in May, or in March.", []),
        ("Talks resumed in May 2019.", ["a date (May 2019)"]),
        ("Talks resumed on March 3.", ["a date (March 3)"]),
        ("They met in the autumn and again in October.", ["a date (October)"]),
        ("Since the 1990s, nothing has changed.", ["a date (1990)"]),
        ("China accounts for 90% of its trade.", ["a figure (90%)"]),
        ("The island’s shore is Korea’s.", []),
        (
            "He said “never” on June 30, 2019, twice in 2 days.",
            [
                "a quotation (“never”)",
                "a date (June 30, 2019)",
                "a figure (2)",
            ],
        ),
        ('He said "never".', ['a quotation ("never")']),
        (
            "He said “" + "very " * 20 + "long”.",
            ["a quotation (“very very very very very very very very very very very…”)"],
        ),
    ],
)
def test_what_asks_for_a_source(text, found):
    paragraph = nodes.paragraph("", text)
    assert unsourced(paragraph) == found


def test_quotations_of_an_editors_note_are_the_sources():
    paragraph = nodes.paragraph("", "The source writes “twenty five” in 2022.")
    assert unsourced(paragraph, quotes_sourced=True) == ["a date (2022)"]


# -- The real corpus: what `make check` finds today -----------------------------

#: what the lint lists on the corpus; the lead cites or links them, then empties this
CORPUS = [
    "-- refs.bib entries no page cites: none",
    "-- glossary terms no page links to: none",
    "-- chronology events no page links to: none",
    f"-- {PARAGRAPHS_TITLE}: none",
    VERSIONS_NONE,
]


def test_the_corpus_passes_the_lint(tmp_path):
    result = run_lint(REPO, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    listed = (tmp_path / "lint.txt").read_text(encoding="utf-8").splitlines()
    count = sum(1 for line in CORPUS if not line.startswith("-- "))
    assert listed == [f"lint (not strict: findings are warnings): {count} findings", *CORPUS]

    # STRICT=1 fails exactly when an uncited paragraph or an unrecorded version is listed
    result = run_lint(REPO, tmp_path, "-D", "peninsula_lint_strict=1")
    paragraphs = any(line.startswith("articles/") for line in CORPUS)
    assert result.returncode == int(paragraphs), result.stderr


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]])
def test_the_python_code_passes_ruff(command):
    result = subprocess.run(
        [BIN / "ruff", *command], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
