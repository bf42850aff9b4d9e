"""`make latexpdf` after an edit rebuilds only what the edit changed.

The PDFs are built as `make latexpdf` builds them (tools/build.py, strict, in
the staging folder that is kept between builds): after one essay is edited,
only that essay's PDF and the edition are compiled again, the other essay's
PDF is left as it was, and every PDF has the text a clean build gives.
Missing TeX or poppler fail these tests, never skip them.
"""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess

import pytest
from gates import BUILD, REPO, copy_project, staged_build

LATEX_SETTINGS = """
latex_use_xindy = False
latex_additional_files = [{sty!r}]
latex_elements = {{"printindex": "", "preamble": r"\\usepackage{{peninsula}}"}}
"""
ADDED = "A sentence added after the first build, to be found in both PDFs."


def pdf_mtimes(srcdir) -> dict[str, int]:
    """Each PDF the build compiled in its staging folder, with its time of writing."""
    latex = srcdir / "_build" / ".staging" / "latex"
    return {pdf.name: pdf.stat().st_mtime_ns for pdf in sorted(latex.glob("*.pdf"))}


def texts(srcdir) -> dict[str, str]:
    """The text of each published PDF."""
    return {
        pdf.name: subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        for pdf in sorted((srcdir / "_build" / "latex").glob("*.pdf"))
    }


def latexpdf(srcdir) -> None:
    result = staged_build(srcdir, "latexpdf")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "WARNING" not in result.stderr, result.stderr


@pytest.fixture(scope="module")
def edited(rootdir, tmp_path_factory):
    """tests/roots/test-pdfs built, one essay edited, built again: the
    project, and the PDFs' times of writing after each build."""
    if shutil.which("latexmk") is None or shutil.which("pdftotext") is None:
        raise AssertionError("latexmk and pdftotext are needed: run `make test`")
    srcdir = copy_project(rootdir / "test-pdfs", tmp_path_factory.mktemp("pdf-speed") / "project")
    # the project is made to be read as LaTeX; to be compiled, it needs the
    # LaTeX settings of the real one (conf.py): our style, and no index
    with (srcdir / "conf.py").open("a") as conf:
        conf.write(LATEX_SETTINGS.format(sty=str(REPO / "_static" / "latex" / "peninsula.sty")))
    latexpdf(srcdir)
    first = pdf_mtimes(srcdir)
    essay = srcdir / "articles" / "one.md"
    essay.write_text(essay.read_text() + f"\n{ADDED}\n")
    latexpdf(srcdir)
    return srcdir, first, pdf_mtimes(srcdir)


def test_an_edit_recompiles_only_that_essay_and_the_edition(edited):
    srcdir, first, second = edited
    assert sorted(first) == ["collection.pdf", "one.pdf", "two.pdf"]
    rebuilt = sorted(name for name in second if second[name] != first[name])
    assert rebuilt == ["collection.pdf", "one.pdf"]


def test_after_an_edit_the_pdfs_have_the_text_of_a_clean_build(edited, tmp_path):
    srcdir = edited[0]
    clean = tmp_path / "clean"
    shutil.copytree(srcdir, clean, ignore=shutil.ignore_patterns("_build"))
    latexpdf(clean)
    incremental = texts(srcdir)
    assert incremental == texts(clean)
    squeezed = {name: " ".join(text.split()) for name, text in incremental.items()}
    assert ADDED in squeezed["one.pdf"] and ADDED in squeezed["collection.pdf"]
    assert ADDED not in squeezed["two.pdf"]


def test_pdfs_compile_side_by_side_and_write_the_pdf_once(edited):
    """Every document is its own rule of Sphinx's Makefile, run at once (make
    -j), and latexmk writes the PDF once, after the last xelatex pass."""
    srcdir = edited[0]
    latex_environment = runpy.run_path(str(BUILD))["latex_environment"]
    env = latex_environment("latexpdf")
    assert env is not None and latex_environment("html") is None
    assert env["MAKEFLAGS"].startswith(f"-j{len(os.sched_getaffinity(0))} ")
    fdb = (srcdir / "_build" / ".staging" / "latex" / "one.fdb_latexmk").read_text()
    assert '["xdvipdfmx"]' in fdb and '["xelatex"]' in fdb
