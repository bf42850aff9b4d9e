"""`make latexpdf` after an edit rebuilds only what the edit changed, and fast.

The PDFs are built as `make latexpdf` builds them (tools/build.py, strict, in
the staging folder that is kept between builds), with the LaTeX settings of
conf.py: after one essay is edited, only that essay's PDF and the edition are
compiled again, the other essay's PDF is left as it was, and every PDF has the
text a clean build gives. Sphinx writes the .tex of an edited essay, not of
the others (peninsula.pages.pdfs), unless a setting changed or the build that set
out to write it stopped first. The essays are compiled with the format the
Makefile dumps from the preamble they share, and a PDF made with it is the PDF
made without it, byte for byte. Missing TeX or poppler fail these tests,
never skip them.
"""

from __future__ import annotations

import json
import os
import re
import runpy
import shutil
import subprocess

import pytest
from conftest import ANSI
from harness import BUILD, REPO, copy_project, staged_build

ADDED = "A sentence added after the first build, to be found in both PDFs."
#: a date for both compilations compared byte for byte (2026-01-01)
EPOCH = "1767225600"


def latex_settings() -> str:
    """The LaTeX settings of conf.py, as lines of a conf.py: our style, fonts,
    Makefile and format, and no index. The test project is made to be read
    as LaTeX; to be compiled as the real one is, it needs them."""
    conf = runpy.run_path(str(REPO / "conf.py"))
    files = [str(REPO / name) for name in conf["latex_additional_files"]]
    return (
        f"\nlatex_use_xindy = {conf['latex_use_xindy']!r}\n"
        f"latex_additional_files = {files!r}\n"
        f"latex_elements = {conf['latex_elements']!r}\n"
    )


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
    with (srcdir / "conf.py").open("a") as conf:
        conf.write(latex_settings())
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
    """Every document is its own rule of the Makefile, run at once (make -j),
    the longest first, and latexmk writes the PDF once, after the last
    xelatex pass."""
    srcdir = edited[0]
    latex_environment = runpy.run_path(str(BUILD))["latex_environment"]
    env = latex_environment("latexpdf")
    assert env is not None and latex_environment("html") is None
    assert env["MAKEFLAGS"].startswith(f"-j{len(os.sched_getaffinity(0))} ")
    latex = srcdir / "_build" / ".staging" / "latex"
    fdb = (latex / "one.fdb_latexmk").read_text()
    assert '["xdvipdfmx"]' in fdb and '["xelatex"]' in fdb
    asked = "asked: ; @echo $(ALLDOCS) && echo $$texmf_casefold_search"
    order, casefold = subprocess.run(
        ["make", "--no-print-directory", "-s", "--eval", asked, "asked"],
        cwd=latex,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert order.split()[0] == "collection"  # the edition, the longest
    # kpathsea's case-insensitive search, which lists the folder at each miss, is off
    assert casefold == "0"


def test_the_essays_are_compiled_with_the_format_of_their_shared_preamble(edited):
    latex = edited[0] / "_build" / ".staging" / "latex"
    shared = (latex / "peninsula-essay.ltx").read_text()
    assert shared.endswith("\\usepackage{peninsula}\n\\endofdump\n")
    assert (latex / "peninsula-essay.fmt").stat().st_size > 1_000_000
    for essay in ("one", "two"):
        assert (latex / f"{essay}.tex").read_text().startswith(shared)
        log = (latex / f"{essay}.log").read_text(errors="replace")
        assert "(preloaded format=peninsula-essay 1970.1.1)" in log.splitlines()[0], essay
        assert "Missing character" not in log
    # the edition opens with another class: Sphinx's preamble, read as it is
    assert "preloaded format=xelatex" in (latex / "collection.log").read_text().splitlines()[0]
    # no font was loaded while the format was made (XeTeX cannot dump one)
    made = (latex / "peninsula-essay.log").read_text(errors="replace")
    assert "Beginning to dump on file peninsula-essay.fmt" in made
    assert not re.search(r"^\\font.*=\[", made, flags=re.M)
    assert not re.search(r"^! ", made, flags=re.M)


def test_an_essay_made_with_the_format_is_the_essay_made_without_it(edited, tmp_path):
    """Byte for byte, once both are dated alike: the stand-ins the format is
    dumped with leave every length, font and link of the PDF as it was."""
    folder = tmp_path / "latex"
    shutil.copytree(edited[0] / "_build" / ".staging" / "latex", folder)
    made = {}
    for name, options in (("with", "-fmt=peninsula-essay"), ("without", "")):
        for stale in folder.glob("one.*"):
            if stale.suffix != ".tex":
                stale.unlink()
        env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, LATEXOPTS=options)
        env["texmf_casefold_search"] = "0"
        result = subprocess.run(
            ["latexmk", "-pdfxe", "-dvi-", "-ps-", "-silent", "one.tex"],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout[-2000:]
        first_line = (folder / "one.log").read_text().splitlines()[0]
        assert ("format=peninsula-essay" in first_line) == bool(options), first_line
        made[name] = (folder / "one.pdf").read_bytes()
    assert made["with"] == made["without"]


def processed(app) -> list[str]:
    """The .tex files a LaTeX build wrote, as Sphinx reports them."""
    return sorted(re.findall(r"processing (\S+\.tex)\.\.\.", ANSI.sub("", app.status.getvalue())))


def test_sphinx_writes_the_tex_of_an_edited_essay_not_of_the_others(make_app, rootdir, tmp_path):
    srcdir = copy_project(rootdir / "test-pdfs", tmp_path / "project")

    def latex(**overrides):
        return make_app("latex", srcdir=srcdir, confoverrides=overrides)

    app = latex()
    app.build()
    assert processed(app) == ["collection.tex", "one.tex", "two.tex"]
    essay = srcdir / "articles" / "one.md"
    essay.write_text(essay.read_text() + f"\n{ADDED}\n")
    app = latex()
    app.build()
    assert processed(app) == ["collection.tex", "one.tex"]
    assert ADDED in (app.outdir / "one.tex").read_text()
    # nothing changed: the edition alone, as Sphinx writes it on every build
    app = latex()
    app.build()
    assert processed(app) == ["collection.tex"]
    # a setting changed: every essay, whose .tex may show it
    app = latex(latex_show_urls="footnote")
    app.build()
    assert processed(app) == ["collection.tex", "one.tex", "two.tex"]
    # a build that stopped before it wrote an essay's .tex: the next one does
    written = app.outdir / "peninsula-essays.json"
    note = json.loads(written.read_text())
    assert note["unwritten"] == []
    written.write_text(json.dumps(note | {"unwritten": ["articles/two"]}))
    app = latex(latex_show_urls="footnote")
    app.build()
    assert processed(app) == ["collection.tex", "two.tex"]
    # and an essay whose .tex is not there
    (app.outdir / "one.tex").unlink()
    app = latex(latex_show_urls="footnote")
    app.build()
    assert processed(app) == ["collection.tex", "one.tex"]
