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
