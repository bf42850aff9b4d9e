"""Publishing all at once (tools/build.py): a build killed at any moment leaves
the published site exactly as it was (or, once switched, exactly the new one),
never a mix; the next build finds out that the staging folder was left half
done, builds everything again and publishes what a clean build publishes; a
mistake stays a failure through a kill; a full disk leaves the old site and a
clear message; what a stopped publication leaves is removed; and the site is
served through the link it is published as.

The builds are real builds of the gates project (tests/roots/test-gates), killed
with SIGKILL, tools/build.py and Sphinx together, at a named moment: a few lines
added to the copy's conf.py kill Sphinx on one of its events, and a wrapper
around tools/build.py kills it during its publication. The full disk is a
small tmpfs holding the build folder (root needed), filled at such a moment:
as Sphinx starts writing pages, once it is done, or half way through
publishing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from harness import (
    BUILD,
    PYTHONPATH,
    STRICT,
    copy_project,
    free_port,
    get,
    messages,
    staged_build,
    tree_digest,
)
from test_incremental import WRITTEN_BY_BUILD, comparable

#: fills the disk that holds the file FILL, with that file
FILL_DISK = """
import os


def fill_disk(*args):
    with open(os.environ["FILL"], "wb", buffering=0) as filler:
        for size in (1 << 20, 1 << 12):
            try:
                while filler.write(bytes(size)):
                    pass
            except OSError:
                pass
"""
#: added to the conf.py of the projects built here: STOP_AT names the moment of
#: Sphinx's work at which the whole build is killed; FILL_AT, the moment at
#: which the disk is filled (with the file FILL), and FREE_AT, the moment at
#: which that file is removed again
STOPPABLE = (
    FILL_DISK
    + """

def setup(app):
    import signal

    moments = {
        "reading": ("doctree-read", 1, 500),
        # the environment was saved just before this event
        "pickled": ("env-check-consistency", 1, 500),
        # no page written yet
        "first page": ("html-page-context", 1, 500),
        # one page written, the others not
        "writing": ("html-page-context", 2, 500),
        # every page written; the search index and the warnings ledger not
        "finishing": ("build-finished", 1, 0),
        # Sphinx done: after every other handler of build-finished
        "done": ("build-finished", 1, 999),
    }

    def at(moment, action):
        event, nth, priority = moments[moment]
        calls = []

        def run(*args):
            calls.append(args)
            if len(calls) == nth:
                action()

        app.connect(event, run, priority=priority)

    if os.environ.get("STOP_AT") in moments:
        at(os.environ["STOP_AT"], lambda: os.killpg(0, signal.SIGKILL))
    if os.environ.get("FILL_AT") in moments:
        at(os.environ["FILL_AT"], fill_disk)
    if os.environ.get("FREE_AT") in moments:
        at(os.environ["FREE_AT"], lambda: os.unlink(os.environ["FILL"]))
"""
)
#: runs tools/build.py (its path, then its arguments), killed during its
#: publication at the moment STOP_AT names, or with the disk filled at the
#: moment FILL_AT names
PUBLISHING = (
    FILL_DISK
    + """
import runpy, shutil, signal, sys

def kill(*args, **kwargs):
    os.killpg(0, signal.SIGKILL)

def then(function, action):
    def run(*args, **kwargs):
        result = function(*args, **kwargs)
        action()
        return result
    return run

at = os.environ.get("STOP_AT")
if at == "copying":  # the new tree half made: its first changed file copied
    shutil.copy2 = then(shutil.copy2, kill)
elif at == "switching":  # the new tree and the link to it made, not renamed
    os.replace = kill
elif at == "switched":  # renamed: the old tree not yet removed
    os.replace = then(os.replace, kill)
if os.environ.get("FILL_AT") == "copying":  # full once the first changed file is copied
    copy = shutil.copy2
    shutil.copy2 = then(copy, lambda: os.path.exists(os.environ["FILL"]) or fill_disk())
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""
)
#: where each moment is: those before the switch leave the old site
BEFORE_SWITCH = ["reading", "pickled", "writing", "finishing", "copying", "switching"]
IN_SPHINX = ["reading", "pickled", "writing", "finishing"]
TITLE = "title: The Line at Sea\n"
NEW_TITLE = "title: The Line at Sea, Redrawn\n"
RESTARTED = "was stopped before it ended: building everything again"


def build(srcdir: Path, stop_at: str = "", **env: str) -> subprocess.CompletedProcess:
    """Build *srcdir* as `make html` does, killed at *stop_at* if named; in a
    session of its own, so that a kill takes the build's processes only."""
    env = dict(os.environ, PYTHONPATH=PYTHONPATH, STOP_AT=stop_at, **env)
    command = [sys.executable, "-c", PUBLISHING, str(BUILD), "html", "--srcdir", str(srcdir)]
    command += ["--builddir", str(srcdir / "_build"), *STRICT]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=env,
        cwd=srcdir,
        start_new_session=True,
        timeout=600,
    )


def retitle(srcdir: Path) -> None:
    essay = srcdir / "articles" / "the-line.md"
    assert TITLE in essay.read_text()
    essay.write_text(essay.read_text().replace(TITLE, NEW_TITLE))


def sites(srcdir: Path) -> list[str]:
    """The trees in sites/, and anything else the build folder holds that a
    publication makes beside the published folder."""
    builddir = srcdir / "_build"
    temporary = [p.name for p in builddir.iterdir() if p.name.startswith(".publish-")]
    return sorted(os.listdir(builddir / "sites")) + temporary


def assert_published_once(srcdir: Path) -> None:
    """The published folder links to the one tree in sites/, which holds what
    staging holds, and nothing is left beside it."""
    published = srcdir / "_build" / "html"
    assert published.is_symlink()
    assert sites(srcdir) == [Path(os.readlink(published)).name]
    assert tree_digest(published) == tree_digest(srcdir / "_build" / ".staging" / "html")


@pytest.fixture(scope="module")
def stoppable_root(published_root, tmp_path_factory) -> Path:
    """The gates project, built and published, whose builds can be stopped."""
    srcdir = copy_project(published_root, tmp_path_factory.mktemp("stoppable") / "project")
    with (srcdir / "conf.py").open("a") as conf:
        conf.write(STOPPABLE)
    result = build(srcdir)
    assert result.returncode == 0, result.stderr
    return srcdir


@pytest.fixture
def project(stoppable_root, tmp_path) -> Path:
    """A copy of the stoppable project, built once where it is: its next build
    is incremental, as an editor's is (a copy is read again in full)."""
    srcdir = copy_project(stoppable_root, tmp_path / "project")
    result = build(srcdir)
    assert result.returncode == 0, result.stderr
    return srcdir


@pytest.fixture(scope="module")
def retitled_clean(stoppable_root, tmp_path_factory) -> dict[str, bytes]:
    """What a clean build of the retitled project publishes, as compared."""
    srcdir = Path(
        shutil.copytree(
            stoppable_root,
            tmp_path_factory.mktemp("clean") / "project",
            ignore=shutil.ignore_patterns(*WRITTEN_BY_BUILD, "_generated"),
        )
    )
    retitle(srcdir)
    result = build(srcdir)
    assert result.returncode == 0, result.stderr
    return comparable(srcdir / "_build" / "html")


@pytest.mark.parametrize("moment", [*BEFORE_SWITCH, "switched"])
def test_a_killed_build_leaves_one_whole_site_and_the_next_is_clean(
    project, retitled_clean, moment
):
    published = project / "_build" / "html"
    before = tree_digest(published)
    retitle(project)
    result = build(project, moment)
    assert result.returncode == -signal.SIGKILL, f"not killed at {moment}:\n{result.stderr}"
    if moment in BEFORE_SWITCH:
        assert tree_digest(published) == before
    else:
        assert comparable(published) == retitled_clean
    assert not [p for p in published.rglob("*") if p.name.startswith(".publish-")]
    result = build(project)
    assert result.returncode == 0, result.stderr
    # Sphinx's staging is built again when Sphinx was stopped, never else
    assert (RESTARTED in result.stderr) == (moment in IN_SPHINX), result.stderr
    assert comparable(published) == retitled_clean
    assert "The Line at Sea, Redrawn" in (published / "articles" / "the-line.html").read_text()
    assert_published_once(project)


@pytest.mark.parametrize("moment", ["pickled", "writing", "finishing"])
def test_a_mistake_fails_every_build_after_a_kill(project, stoppable_root, tmp_path, moment):
    def mistake(srcdir: Path) -> None:
        essay = srcdir / "articles" / "the-line.md"
        text = essay.read_text()
        assert "{cite:p}`kim2022missile`" in text
        essay.write_text(text.replace("{cite:p}`kim2022missile`", "{cite:p}`kim2022misile`"))

    reference = copy_project(stoppable_root, tmp_path / "reference")
    mistake(reference)
    expected = messages(staged_build(reference), reference)
    assert any("unknown citation key 'kim2022misile'" in m for m in expected), expected
    published = project / "_build" / "html"
    before = tree_digest(published)
    mistake(project)
    assert build(project, moment).returncode == -signal.SIGKILL
    for attempt in range(2):
        result = staged_build(project)
        assert result.returncode != 0, f"build {attempt + 1} passed:\n{result.stderr}"
        assert messages(result, project) == expected, result.stderr
        assert tree_digest(published) == before


#: the size of the disks the full-disk tests fill: the project's build folder
#: takes a fifth of it
DISK = "16m"


@contextmanager
def small_disk_at(folder: Path):
    """A tmpfs of DISK mounted at *folder*, new and empty (root needed: the
    test fails, never skips, where it cannot mount)."""
    if os.geteuid() != 0:
        pytest.fail("filling a disk needs a tmpfs of its own: run this test as root (CI does)")
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK}", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def sources_of(project: Path, target: Path) -> Path:
    """A copy of *project* without its build folder."""
    return Path(
        shutil.copytree(project, target, symlinks=True, ignore=shutil.ignore_patterns("_build"))
    )


#: an essay's page grows by more than the blocks it had: written again on a
#: full disk, it cannot be
GROWN = "\n" + "The line was redrawn, and redrawn again. " * 300 + "\n"


def grow(srcdir: Path) -> None:
    retitle(srcdir)
    with (srcdir / "articles" / "the-line.md").open("a") as essay:
        essay.write(GROWN)


@pytest.fixture
def small_disk(stoppable_root, tmp_path):
    """The stoppable project with its build folder on a small tmpfs, built there."""
    srcdir = sources_of(stoppable_root, tmp_path / "project")
    with small_disk_at(srcdir / "_build"):
        result = build(srcdir)
        assert result.returncode == 0, result.stderr
        yield srcdir


@pytest.fixture(scope="module")
def grown_clean(stoppable_root, tmp_path_factory) -> dict[str, bytes]:
    """What a clean build of the grown project publishes, as compared, built
    on a tmpfs too: Pagefind numbers the pages in the order the file system
    lists them, which tmpfs and ext4 differ in."""
    srcdir = Path(
        shutil.copytree(
            stoppable_root,
            tmp_path_factory.mktemp("grown-clean") / "project",
            ignore=shutil.ignore_patterns(*WRITTEN_BY_BUILD, "_generated"),
        )
    )
    grow(srcdir)
    with small_disk_at(srcdir / "_build"):
        result = build(srcdir)
        assert result.returncode == 0, result.stderr
        return comparable(srcdir / "_build" / "html")


#: when the disk fills: FILL_AT, and FREE_AT when it is freed before the build ends
FULL = {
    # Sphinx writes its first page on a full disk, and fails
    "writing": {"FILL_AT": "first page"},
    # ... and the disk is freed while Sphinx finishes: a page not written is
    # only a warning to it
    "writing, freed": {"FILL_AT": "first page", "FREE_AT": "finishing"},
    # Sphinx done: publishing cannot start
    "publishing": {"FILL_AT": "done"},
    # publishing half done: the new tree has its first changed file
    "copying": {"FILL_AT": "copying"},
}


@pytest.mark.parametrize("moment", list(FULL))
def test_a_full_disk_leaves_the_old_site_and_says_so(small_disk, grown_clean, moment):
    published = small_disk / "_build" / "html"
    filler = small_disk / "_build" / "filler"
    before = tree_digest(published)
    grow(small_disk)
    result = build(small_disk, FILL=str(filler), **FULL[moment])
    assert result.returncode > 0, result.stderr
    assert filler.exists() == ("FREE_AT" not in FULL[moment])
    if moment.startswith("writing"):
        # the page that grew could not be written
        assert "error writing file" in result.stderr and "the-line.html" in result.stderr
    # the build's last line says what happened and what to do; nothing else
    # tells the editor to do anything else
    line = result.stderr.strip().splitlines()[-1]
    assert line == (
        f"no space left on the disk of {small_disk / '_build'}: nothing was published, "
        f"{published} is as it was; free some space there and build again"
    )
    assert "reinstall" not in result.stderr
    assert tree_digest(published) == before
    assert sites(small_disk) == [Path(os.readlink(published)).name]
    filler.unlink(missing_ok=True)
    result = build(small_disk)
    assert result.returncode == 0, result.stderr
    # Sphinx's staging is built again when the disk filled while Sphinx worked
    assert (RESTARTED in result.stderr) == moment.startswith("writing"), result.stderr
    assert comparable(published) == grown_clean
    assert_published_once(small_disk)


def test_what_a_stopped_publication_left_is_removed(project):
    builddir = project / "_build"
    partial = builddir / "sites" / "html-0badc0de"
    (partial / "articles").mkdir(parents=True)
    (partial / "articles" / "the-line.html").write_text("half a page")
    os.symlink("sites/html-0badc0de", builddir / ".publish-html-0badc0de")
    before = tree_digest(builddir / "html")
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert not partial.exists()
    assert not os.path.lexists(builddir / ".publish-html-0badc0de")
    assert tree_digest(builddir / "html") == before
    assert_published_once(project)


def test_a_plain_published_folder_becomes_a_link(project):
    """A folder published file by file, as builds did before, with what an
    interrupted one of them left."""
    published = project / "_build" / "html"
    tree = published.resolve()
    published.unlink()
    shutil.copytree(tree, published)
    shutil.rmtree(tree)
    (published / "articles" / ".publish-x1y2z3").write_text("a page half copied")
    retitle(project)
    result = build(project)
    assert result.returncode == 0, result.stderr
    assert_published_once(project)
    assert "The Line at Sea, Redrawn" in (published / "articles" / "the-line.html").read_text()


def test_a_rebuild_links_what_did_not_change_and_never_to_staging(project):
    published = project / "_build" / "html"
    staged = project / "_build" / ".staging" / "html"
    before = tree_digest(published)
    inodes = {name: (published / name).stat().st_ino for name in before}
    retitle(project)
    result = build(project)
    assert result.returncode == 0, result.stderr
    after = tree_digest(published)
    kept = [name for name in after if before.get(name) == after[name]]
    changed = [name for name in after if before.get(name) != after[name]]
    assert "articles/the-line.html" in changed and len(kept) > len(changed)
    # the files that did not change are the very files readers had
    assert [n for n in kept if (published / n).stat().st_ino != inodes[n]] == []
    assert [n for n in changed if (published / n).stat().st_ino == inodes.get(n)] == []
    staging_inodes = {p.stat().st_ino for p in staged.rglob("*") if p.is_file()}
    assert [n for n in after if (published / n).stat().st_ino in staging_inodes] == []


def test_the_site_is_served_through_its_link(project):
    published = project / "_build" / "html"
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
        + ["--directory", str(published)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        page = f"http://127.0.0.1:{port}/articles/the-line.html"
        assert get(page) == (published / "articles" / "the-line.html").read_bytes()
        assert b"The Line at Sea, Redrawn" not in get(page)
        retitle(project)
        result = build(project)
        assert result.returncode == 0, result.stderr
        assert b"The Line at Sea, Redrawn" in get(page)
        assert b"The Line at Sea, Redrawn" in get(f"http://127.0.0.1:{port}/")
    finally:
        server.terminate()
        server.wait(timeout=10)
