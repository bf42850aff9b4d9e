"""Publishing only what built (tools/build.py, tools/live.py, the Makefile):
every build target goes through the staging folder, a rebuild publishes only
what changed and keeps the builds incremental, the website carries the PDFs
that are published, and `make livehtml` keeps serving the last good site while
a broken one shows its errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from harness import (
    PYTHONPATH,
    REPO,
    STRICT,
    free_port,
    get,
    make_dry_run,
    messages,
    staged_build,
    tree_digest,
    wait_for,
)

PUBLISHED = re.compile(r"published \S+: (\d+) files written, (\d+) removed")


def test_every_build_target_goes_through_the_staging_folder():
    for target, builders in [
        ("html", ["html"]),
        ("latexpdf", ["latexpdf"]),
        ("epub", ["epub"]),
        # the PDFs and the EPUB first: the website carries them
        ("site", ["latexpdf", "epub", "html"]),
        ("linkcheck", ["linkcheck"]),
    ]:
        commands = make_dry_run(target)
        if target == "site":
            # the publishing pass first: the strict lint, which publishes nothing
            lint = commands.pop(0)
            assert "-b lint" in lint and "-D peninsula_lint_strict=1" in lint, lint
            assert "-W --keep-going -n" in lint
        assert [c.split("tools/build.py --builddir _build ")[1].split()[0] for c in commands] == (
            builders
        ), commands
        assert all("-W --keep-going -n" in c for c in commands)
    live = subprocess.run(["make", "-n", "livehtml"], capture_output=True, text=True, cwd=REPO)
    assert "tools/live.py" in live.stdout and "-W --keep-going -n" in live.stdout


def test_a_rebuild_publishes_only_what_changed(broken_copy):
    published = broken_copy / "_build" / "html"
    # a copied project is read again in full (its paths changed), and the first
    # rebuild after a full one rewrites Sphinx's own searchindex.js (unused: the
    # search is Pagefind's), which drops the glossary's index entries: settle both
    for _ in range(2):
        assert staged_build(broken_copy).returncode == 0
    before = tree_digest(published)
    result = staged_build(broken_copy)
    assert result.returncode == 0, result.stderr
    assert PUBLISHED.search(result.stdout).groups() == ("0", "0"), result.stdout
    assert tree_digest(published) == before
    essay = broken_copy / "articles" / "the-line.md"
    essay.write_text(essay.read_text().replace("runs between", "runs far out between"))
    result = staged_build(broken_copy, "html")
    assert result.returncode == 0, result.stderr
    written = int(PUBLISHED.search(result.stdout).group(1))
    after = tree_digest(published)
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert "articles/the-line.html" in changed
    assert 0 < written == len(changed) < len(after) / 2
    # the staging folder stays, so the next build is incremental
    assert (broken_copy / "_build" / ".staging" / "doctrees" / "environment.pickle").is_file()
    assert not list(published.rglob(".publish-*"))


NOT_STARTED = "nothing changed since the last build, which succeeded: Sphinx was not started"


def settle(project: Path, **env: str) -> subprocess.CompletedProcess:
    """Build until a build is taken as unchanged (a copied project is read
    again in full first); that build's result."""
    for _ in range(3):
        result = staged_build(project, env=env)
        assert result.returncode == 0, result.stderr
        if NOT_STARTED in result.stdout:
            return result
    raise AssertionError(result.stdout + result.stderr)


def pages_of(digest: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in digest.items() if not name.startswith("pagefind/")}


def test_a_build_that_would_change_nothing_does_not_start_sphinx(broken_copy):
    published = broken_copy / "_build" / "html"
    staged = broken_copy / "_build" / ".staging" / "html"
    result = settle(broken_copy)
    assert PUBLISHED.search(result.stdout).groups() == ("0", "0"), result.stdout
    assert "build succeeded" not in result.stdout + result.stderr
    site = tree_digest(published)
    # a published page changed by hand is put back from staging
    page = published / "articles" / "the-line.html"
    page.write_text(page.read_text().replace("</body>", "<p>by hand</p></body>"))
    result = settle(broken_copy)
    assert PUBLISHED.search(result.stdout).groups() == ("1", "0"), result.stdout
    assert tree_digest(published) == site
    # a file Sphinx wrote, changed or gone: Sphinx runs and writes it again
    (staged / "articles" / "the-line.html").unlink()
    result = staged_build(broken_copy)
    assert result.returncode == 0 and NOT_STARTED not in result.stdout, result.stdout
    # the same pages (Pagefind, run again, may write its filters in another order)
    assert pages_of(tree_digest(published)) == pages_of(site)
    settle(broken_copy)
    # an essay edited with its size and date kept is seen by its bytes
    essay = broken_copy / "articles" / "the-line.md"
    stat = essay.stat()
    text = essay.read_text()
    assert "runs between" in text
    essay.write_text(text.replace("runs between", "runs betwixt"))
    os.utime(essay, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert essay.stat().st_size == stat.st_size
    result = staged_build(broken_copy)
    # Sphinx starts, and reads again only an essay whose date changed
    assert result.returncode == 0 and NOT_STARTED not in result.stdout, result.stdout
    os.utime(essay)
    result = staged_build(broken_copy)
    assert result.returncode == 0 and NOT_STARTED not in result.stdout, result.stdout
    assert "runs betwixt" in page.read_text()
    settle(broken_copy)
    # a setting read from the environment: the site's address
    result = staged_build(broken_copy, env={"PENINSULA_BASE_URL": "https://example.org/pp/"})
    assert result.returncode == 0 and NOT_STARTED not in result.stdout, result.stdout
    assert "https://example.org/pp/articles/the-line.html" in page.read_text()
    settle(broken_copy, PENINSULA_BASE_URL="https://example.org/pp/")


def test_what_a_build_is_made_from_includes_the_code_and_no_link(tmp_path, monkeypatch):
    """The digest: the extension's code outside the project counts, a file
    the build writes from the others does not, a symbolic link makes the
    build not comparable (Sphinx runs)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("staged_build", REPO / "tools" / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    code = tmp_path / "code"
    (code / "_ext").mkdir(parents=True)
    (code / "_ext" / "ext.py").write_text("x = 1\n")
    project = tmp_path / "project"
    (project / "articles").mkdir(parents=True)
    (project / "articles" / "a.md").write_text("# A\n")
    monkeypatch.setattr(build, "REPO", code)
    args = build.argparse.Namespace(srcdir=project, builddir=project / "_build")
    first = build.inputs_digest(args, ["html"])
    assert first and build.inputs_digest(args, ["html"]) == first
    (project / "topics").mkdir()
    (project / "topics" / "x.md").write_text("written by a build\n")
    (project / "_build").mkdir()
    (project / "_build" / "page.html").write_text("output\n")
    assert build.inputs_digest(args, ["html"]) == first
    assert build.inputs_digest(args, ["html", "-D", "x=1"]) != first
    (code / "_ext" / "ext.py").write_text("x = 2\n")
    second = build.inputs_digest(args, ["html"])
    assert second != first
    (project / "articles" / "b.md").symlink_to(project / "articles" / "a.md")
    assert build.inputs_digest(args, ["html"]) is None


def test_a_mistake_fails_every_build_until_fixed_and_never_counts_as_unchanged(broken_copy):
    settle(broken_copy)
    essay = broken_copy / "articles" / "the-line.md"
    good = essay.read_text()
    essay.write_text(good.replace("runs between", "runs {cite:p}`no-such-work` between"))
    failed = [staged_build(broken_copy) for _ in range(2)]
    for result in failed:
        assert result.returncode != 0 and NOT_STARTED not in result.stdout
    assert messages(failed[0], broken_copy) == messages(failed[1], broken_copy)
    assert any("no-such-work" in line for line in messages(failed[1], broken_copy))
    essay.write_text(good)
    result = staged_build(broken_copy)
    assert result.returncode == 0 and NOT_STARTED not in result.stdout, result.stderr
    settle(broken_copy)
    # a build that warned, not under -W, is built again: its warning is said again
    essay.write_text(good.replace("runs between", "runs {cite:p}`no-such-work` between"))
    lax = [o for o in STRICT if o != "-W"]
    for _ in range(2):
        result = staged_build(broken_copy, options=lax)
        assert result.returncode == 0 and NOT_STARTED not in result.stdout, result.stdout
        assert any("no-such-work" in line for line in messages(result, broken_copy))


def test_the_website_carries_the_published_pdfs_not_a_failed_builds(broken_copy):
    latex = broken_copy / "_build" / "latex"
    staged = broken_copy / "_build" / ".staging" / "latex"
    latex.mkdir()
    staged.mkdir(parents=True)
    for name in ("peninsula-papers.pdf", "the-line.pdf"):
        (latex / name).write_bytes(b"%PDF published " + name.encode())
        (staged / name).write_bytes(b"%PDF from a failed build")
    result = staged_build(broken_copy)
    assert result.returncode == 0, result.stderr
    pdf = broken_copy / "_build" / "html" / "pdf"
    assert (pdf / "the-line.pdf").read_bytes() == b"%PDF published the-line.pdf"
    assert (pdf / "peninsula-papers.pdf").read_bytes() == b"%PDF published peninsula-papers.pdf"


def test_livehtml_keeps_the_last_good_site_and_shows_the_errors(broken_copy, tmp_path):
    port = free_port()
    output = tmp_path / "live.log"
    env = dict(os.environ, PYTHONPATH=PYTHONPATH, PYTHONUNBUFFERED="1")
    command = [sys.executable, str(REPO / "tools" / "live.py"), "--srcdir", str(broken_copy)]
    command += ["--port", str(port), *STRICT]
    with output.open("wb") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        wait_for(output, f"serving {broken_copy / '_build' / 'html'}", 0)
        site = f"http://127.0.0.1:{port}"
        good = get(f"{site}/articles/the-line.html")
        # the reload script is a file, which the site's policy lets run
        assert b'<script src="/_live/reload.js" defer></script>' in good
        assert b"location.reload" in get(f"{site}/_live/reload.js")
        essay = broken_copy / "articles" / "the-line.md"
        text = essay.read_text()
        mark = len(output.read_text(errors="replace"))
        essay.write_text(text.replace("{cite:p}`kim2022missile`", "{cite:p}`kim2022misile`"))
        seen = wait_for(output, "still serving the last good site", mark)
        assert "unknown citation key 'kim2022misile'" in seen
        assert "Traceback" not in seen
        assert get(f"{site}/articles/the-line.html") == good
        mark = len(output.read_text(errors="replace"))
        essay.write_text(text.replace("runs between", "runs far out between"))
        wait_for(output, "published", mark)
        assert b"runs far out between" in get(f"{site}/articles/the-line.html")
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert messages(staged_build(broken_copy), broken_copy) == []
