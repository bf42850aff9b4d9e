"""The sidebar tree rendered once per folder (peninsula.theme.navigation) writes the
same pages, byte for byte, as furo computing it for every page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import warnings_of
from peninsula.theme.navigation import mark_current

TREE = (
    '<p class="caption"><span class="caption-text">Essays</span></p>\n<ul>\n'
    '<li class="toctree-l1"><a class="reference internal" href="a.html">A</a></li>\n'
    '<li class="toctree-l1"><a class="reference internal" href="b.html">B</a></li>\n'
    '</ul>\n<p class="caption"><span class="caption-text">Reference</span></p>\n<ul>\n'
    '<li class="toctree-l1"><a class="reference internal" href="../g.html">G</a></li>\n</ul>'
)


def test_the_current_page_is_marked_as_sphinx_and_furo_mark_it():
    assert mark_current(TREE, "b.html") == TREE.replace(
        '<ul>\n<li class="toctree-l1"><a class="reference internal" href="a.html">',
        '<ul class="current">\n<li class="toctree-l1"><a class="reference internal" href="a.html">',
    ).replace(
        '<li class="toctree-l1"><a class="reference internal" href="b.html">',
        '<li class="toctree-l1 current current-page"><a class="current reference internal" href="#">',
    )
    # a page in no toctree: nothing is current
    assert mark_current(TREE, "topics/x.html") == TREE
    # what the plain rules do not cover is left to furo
    assert (
        mark_current(TREE.replace('"toctree-l1"', '"toctree-l1 has-children"', 1), "a.html") is None
    )
    assert mark_current(TREE + TREE, "a.html") is None


def build_both(make_app, srcdir: Path, tmp_path: Path) -> tuple[Path, Path]:
    outdirs = []
    for fast in (True, False):
        builddir = tmp_path / f"build-{fast}"
        app = make_app(
            "html",
            srcdir=srcdir,
            builddir=builddir,
            confoverrides={"peninsula_fast_navigation": fast},
            freshenv=True,
        )
        app.build()
        # a second app in one test registers the same nodes again, and says so
        again = "WARNING: while setting up extension"
        assert [w for w in warnings_of(app) if not w.startswith(again)] == []
        # the fast path was taken: one tree per folder (root, articles, topics, authors)
        cache = getattr(app.builder, "peninsula_navigation", None)
        assert (cache is not None and len(cache.toctrees) >= 4) == fast
        outdirs.append(Path(app.outdir))
    return outdirs[0], outdirs[1]


def assert_same_pages(fast: Path, slow: Path) -> int:
    pages = sorted(p.relative_to(slow) for p in slow.rglob("*.html"))
    assert pages == sorted(p.relative_to(fast) for p in fast.rglob("*.html"))
    for page in pages:
        assert (fast / page).read_bytes() == (slow / page).read_bytes(), page
    return len(pages)


@pytest.mark.parametrize("nested", [False, True], ids=["flat tree", "nested tree"])
def test_every_page_is_the_same_as_furos_own(make_app, rootdir, tmp_path, nested):
    srcdir = tmp_path / "site"
    shutil.copytree(rootdir / "test-gates", srcdir)
    # a second essay, so that one page of the folder is current and another not
    essay = next((srcdir / "articles").glob("*.md"))
    (srcdir / "articles" / "another-line.md").write_text(
        essay.read_text()
        .replace("title: ", "title: Another ", 1)
        .replace("(the-line-", "(another-line-")
    )
    if nested:  # an entry with children of its own: furo's checkboxes, its own path
        glossary = srcdir / "glossary.md"
        glossary.write_text(glossary.read_text() + "\n```{toctree}\n:hidden:\n\nterms\n```\n")
        (srcdir / "terms.md").write_text("# Terms\n\nMore terms.\n")
    fast, slow = build_both(make_app, srcdir, tmp_path)
    assert assert_same_pages(fast, slow) > 10
    marked = (fast / "articles" / "another-line.html").read_text()
    assert 'current current-page"><a class="current reference internal" href="#">' in marked
    assert ("has-children" in marked) == nested
