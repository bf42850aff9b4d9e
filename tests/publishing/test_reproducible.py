"""Reproducible and offline builds: two clean builds of the same sources, in
different folders, give the same site byte for byte and PDFs with the same
text (SOURCE_DATE_EPOCH fixes the one date a build may print); and a build
passes with no network at all, in a network namespace of its own."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from harness import BUILD, PYTHONPATH, STRICT, copy_project

#: 2026-01-01T00:00:00Z
EPOCH = "1767225600"
#: Pagefind's metadata file lists the filters in the order of a Rust hash map,
#: seeded at random in every run: the same bytes in another order (and so
#: another content hash in its name and in pagefind-entry.json). Compared
#: below for the same content, not the same order.
PAGEFIND_META = ".pf_meta"
PAGEFIND_ENTRY = "pagefind/pagefind-entry.json"


def build(srcdir: Path, builder: str, *wrapper: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=PYTHONPATH, SOURCE_DATE_EPOCH=EPOCH)
    command = [*wrapper, sys.executable, str(BUILD), builder, "--srcdir", str(srcdir)]
    command += ["--builddir", str(srcdir / "_build"), *STRICT]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=srcdir)


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def two_projects(rootdir, tmp_path_factory) -> list[Path]:
    """The gates project copied twice, at paths of different lengths, so that
    a path written into the output would show."""
    base = tmp_path_factory.mktemp("reproducible")
    return [
        copy_project(rootdir / "test-gates", base / "one"),
        copy_project(rootdir / "test-gates", base / "second-copy"),
    ]


def test_two_clean_builds_give_the_same_site(two_projects):
    for srcdir in two_projects:
        result = build(srcdir, "html")
        assert result.returncode == 0, result.stderr
    one, two = (files(p / "_build" / "html") for p in two_projects)
    assert [n for n in one if n.endswith(PAGEFIND_META)] and len(one) > 50
    # every page, feed.xml, sitemap.xml, robots.txt, _headers, the cite files,
    # the search catalogue and every chunk of the index
    names = lambda tree: sorted(  # noqa: E731 - a one-line key, read where it is used
        n for n in tree if not n.endswith(PAGEFIND_META) and n != PAGEFIND_ENTRY
    )
    assert names(one) == names(two)
    differ = [n for n in names(one) if one[n] != two[n]]
    assert differ == []
    assert all(name in one for name in ("feed.xml", "sitemap.xml", "pagefind/essays.json"))
    # Pagefind's metadata: the same bytes, each in its random order
    metas = [
        sorted(gzip.decompress(tree[n]))
        for tree in (one, two)
        for n in tree
        if n.endswith(".pf_meta")
    ]
    assert len(metas) == 2 and metas[0] == metas[1]


def test_two_clean_builds_give_pdfs_with_the_same_text(two_projects):
    if shutil.which("pdftotext") is None or shutil.which("latexmk") is None:
        raise AssertionError("pdftotext and latexmk are needed: run `make test`")
    texts = []
    for srcdir in two_projects:
        result = build(srcdir, "latexpdf")
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr
        pdfs = sorted((srcdir / "_build" / "latex").glob("*.pdf"))
        assert len(pdfs) >= 2  # the edition and the essay
        texts.append(
            {
                pdf.name: subprocess.run(
                    ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True
                ).stdout
                for pdf in pdfs
            }
        )
    assert texts[0] == texts[1]
    assert all(text.strip() for text in texts[0].values())


def test_the_build_needs_no_network(rootdir, tmp_path):
    """Built in a network namespace of its own (unshare -rn): no interface but
    a loopback that is down, so any fetch fails at once."""
    unshare = shutil.which("unshare")
    if unshare is None:
        raise AssertionError("unshare (util-linux) is needed to cut the network off")
    probe = subprocess.run(
        [
            unshare,
            "-rn",
            sys.executable,
            "-c",
            "import socket; socket.create_connection(('192.0.2.1', 80), timeout=3)",
        ],
        capture_output=True,
        text=True,
    )
    if "Operation not permitted" in probe.stderr and "unshare" in probe.stderr:
        raise AssertionError(f"this machine refuses a network namespace: {probe.stderr.strip()}")
    # the namespace has no way out
    assert probe.returncode != 0 and "Network is unreachable" in probe.stderr, probe.stderr
    srcdir = copy_project(rootdir / "test-gates", tmp_path / "offline")
    result = build(srcdir, "html", unshare, "-rn")
    assert result.returncode == 0, result.stderr
    assert (srcdir / "_build" / "html" / "pagefind" / "pagefind-entry.json").stat().st_size > 0
