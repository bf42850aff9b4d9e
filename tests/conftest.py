"""Fixtures: Sphinx's own for the tiny projects in roots/, and one strict
build of the real corpus (HTML, PDF) per test session."""

from __future__ import annotations

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# the source essays (seeds/) and their checker (tools/seed_overlap.py) live
# beside the repository, or where PENINSULA_SHARED says
SHARED = Path(os.environ.get("PENINSULA_SHARED") or REPO.parent / "shared")
sys.path.insert(0, str(REPO / "_ext"))
# the settings the test roots share (roots/journal.py)
sys.path.insert(0, str(REPO / "tests" / "roots"))

pytest_plugins = ("sphinx.testing.fixtures",)

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return Path(__file__).parent / "roots"


def warnings_of(app) -> list[str]:
    """The warnings of a test build, one per line, colours stripped."""
    text = ANSI.sub("", app.warning.getvalue())
    return [line for line in text.splitlines() if line.strip()]


def strict_build(builder: str, outdir: Path, srcdir: Path = REPO) -> subprocess.CompletedProcess:
    """Build as `make` does: -W --keep-going -n."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-M",
            builder,
            str(srcdir),
            str(outdir),
            "-W",
            "--keep-going",
            "-n",
            "-q",
        ],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="session")
def corpus_html(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    result = strict_build("html", out)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    return out / "html"


@pytest.fixture(scope="session")
def corpus_latex(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus-pdf")
    result = strict_build("latexpdf", out)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return out / "latex"


@pytest.fixture(scope="session")
def conf() -> dict:
    """The settings of the real corpus, as conf.py gives them."""
    return runpy.run_path(str(REPO / "conf.py"))


# -- The browser (see browser.py) ----------------------------------------------
# Per test module, not per session: a module that builds with Sphinx's parallel
# workers forks the test process, and a fork taken while Chromium's driver and
# the server threads run can deadlock in the child.


@pytest.fixture(scope="module")
def site(corpus_html):
    """The corpus, served on 127.0.0.1."""
    from browser import serve

    with serve(corpus_html) as address:
        yield address


@pytest.fixture(scope="module")
def browser():
    from browser import launch
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()


@pytest.fixture
def tab(browser):
    """A fresh desktop tab; the test fails on any uncaught script error."""
    from browser import DESKTOP

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    yield page
    context.close()
    assert errors == []


@pytest.fixture(scope="module")
def hosted(corpus_html, conf):
    """The corpus served as its host serves it: under the path of its base URL
    (``/en/latest/``), a missing address answered with 404.html. The address of
    the site's root, ending with a slash."""
    from urllib.parse import urlsplit

    from browser import hosted_handler, serve

    prefix = urlsplit(conf["html_baseurl"]).path
    with serve(corpus_html, hosted_handler(prefix)) as address:
        yield address + prefix


# -- The editorial gates (see harness.py) -------------------------------------------


@pytest.fixture(scope="session")
def published_root(tmp_path_factory, rootdir) -> Path:
    """tests/roots/test-gates, built and published once as `make html` does."""
    from harness import copy_project, staged_build

    srcdir = copy_project(rootdir / "test-gates", tmp_path_factory.mktemp("gates") / "project")
    result = staged_build(srcdir)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return srcdir


@pytest.fixture
def broken_copy(published_root, tmp_path) -> Path:
    """A copy of the gates project and of its build (staging and published), for
    one test to break; its builds are incremental, as an editor's are."""
    from harness import copy_project

    return copy_project(published_root, tmp_path / "project")


# -- Versions (see versioned.py) ------------------------------------------------------


@pytest.fixture(scope="session")
def versioned_project(tmp_path_factory) -> Path:
    """The corpus with an essay revised twice and one retracted, made with
    `make revise` and `make record`'s tool."""
    from versioned import make_versioned

    return make_versioned(tmp_path_factory.mktemp("versioned") / "project")


@pytest.fixture(scope="session")
def versioned_html(versioned_project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("versioned-build")
    result = strict_build("html", out, versioned_project)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    return out / "html"
