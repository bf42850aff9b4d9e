"""The benchmark corpus generator (benchmarks/corpus.py).

Why this exists: the benchmark measures the site on a corpus that only this
generator makes, so a change to the front-matter rules, the bib conventions
or the site pages that made the corpus fail to build, or drift from its
specification (2,000 words and 20 citations an essay), would silently stop
the benchmark or change what it measures. A tiny corpus is built here, ours
and the floor, strictly, and its essays are checked against the spec.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CITATION = re.compile(r"\{cite:[pt]\}`[^`]*`")

spec = importlib.util.spec_from_file_location("bench_corpus", REPO / "benchmarks" / "corpus.py")
corpus = importlib.util.module_from_spec(spec)
sys.modules["bench_corpus"] = corpus  # dataclasses look their module up by name
spec.loader.exec_module(corpus)
ENTRIES = corpus.least_entries()  # every work the copied pages cite, and 20 more


def strict_build(src: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-M", "html", str(src), str(out)]
        + ["-W", "--keep-going", "-n", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )


def body_of(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return text.split("\n---\n", 1)[1]


def prose_words(body: str) -> int:
    """Words of the body a reader reads: no labels, headings or citation roles."""
    lines = [
        line for line in CITATION.sub(" ", body).splitlines() if not re.match(r"^\(.*\)=$|^#", line)
    ]
    return len(" ".join(lines).split())


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "_build" not in p.parts
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bench")
    return {
        "ours": corpus.generate(root / "ours", essays=3, entries=ENTRIES, seed=1),
        "floor": corpus.generate(root / "floor", essays=3, entries=ENTRIES, seed=1, floor=True),
    }


@pytest.fixture(scope="module")
def built(generated) -> dict[str, subprocess.CompletedProcess]:
    return {variant: strict_build(src, src / "_build") for variant, src in generated.items()}


@pytest.mark.parametrize("variant", ["ours", "floor"])
def test_builds_strictly(generated, built, variant):
    src, result = generated[variant], built[variant]
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    assert len(list((src / "_build" / "html" / "articles").glob("*.html"))) == 3


def test_ours_is_published_with_versions(generated, built):
    """Every essay recorded in the versions lock, as on the site, and one in
    ten with a second version made by the editor's commands: its History, its
    earlier version's page and its entry on the corrections page are built,
    and every essay and version has its Signposting link set."""
    src = generated["ours"]
    assert built["ours"].returncode == 0, built["ours"].stderr
    versions = corpus.versions_tool()
    lock = versions.load(src)
    essays = sorted((src / "articles").glob("*.md"))
    assert sorted(lock) == [p.stem for p in essays]
    # essay 0 of every ten has a second version; the others one
    revised = [p for p in essays if len(lock[p.stem]) == 2]
    assert len(revised) == 1 and all(len(lock[p.stem]) in (1, 2) for p in essays)
    [path] = revised
    record = versions.parse(path, src)
    assert record.version == 2 and record.history[0].kind in corpus.REVISION_KINDS
    assert record.history[0].note and record.history[0].date > record.date
    earlier = path.with_suffix("") / "v1.md"
    assert versions.Text.of(earlier.read_text(encoding="utf-8")).matches(lock[path.stem][0])
    assert versions.Text.of(path.read_text(encoding="utf-8")).matches(lock[path.stem][1])
    # version 1 and 2 differ by one word of one line of the body
    old = body_of(earlier).splitlines()
    new = body_of(path).splitlines()
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert len(changed) == 1 and len(changed[0][0].split()) == len(changed[0][1].split())
    html = src / "_build" / "html"
    page = html / "articles" / path.stem / "v1.html"
    assert "You are reading version 1 of 2" in page.read_text(encoding="utf-8")
    assert record.history[0].note.split("“")[0] in (html / "corrections.html").read_text(
        encoding="utf-8"
    )
    linksets = {p.name for p in (html / "cite").glob("*.linkset.json")}
    assert linksets == {f"{p.stem}.linkset.json" for p in essays} | {f"{path.stem}-v1.linkset.json"}


def test_essays_follow_the_spec(generated):
    essays = sorted((generated["ours"] / "articles").glob("*.md"))
    assert len(essays) == 3
    for path in essays:
        body = body_of(path)
        assert 1700 <= prose_words(body) <= 2300, path.name
        assert len(CITATION.findall(body)) == 20, path.name
        sections = re.findall(r"^\((.+)\)=\n## ", body, flags=re.M)
        assert 5 <= len(sections) <= 7, path.name
        assert all(label.startswith(path.stem + "-") for label in sections)


def test_floor_has_the_same_essays_without_citations(generated):
    ours = sorted((generated["ours"] / "articles").glob("*.md"))
    floor = sorted((generated["floor"] / "articles").glob("*.md"))
    assert [p.name for p in ours] == [p.name for p in floor]
    for mine, plain in zip(ours, floor, strict=True):
        assert "{cite:" not in plain.read_text(encoding="utf-8")
        # the same prose, give or take the words of the plain-text citations
        assert abs(prose_words(body_of(mine)) - prose_words(body_of(plain))) < 150
    conf = (generated["floor"] / "conf.py").read_text(encoding="utf-8")
    assert 'extensions = ["myst_parser"]' in conf and "peninsula" not in conf
    assert "myst_enable_extensions" not in conf  # myst-parser as it comes
    assert not (generated["floor"] / "articles" / "versions.lock").exists()


def test_refs_bib_holds_every_cited_work(generated):
    bib = (generated["ours"] / "refs.bib").read_text(encoding="utf-8")
    keys = set(corpus.bib_entry_texts(bib))
    assert len(keys) == ENTRIES
    cited = set()
    for page in corpus.CITING_PAGES:
        path = generated["ours"] / page
        if path.is_file():
            cited |= set(corpus.cited_keys(path.read_text(encoding="utf-8")))
    for path in (generated["ours"] / "articles").glob("*.md"):
        cited |= set(corpus.cited_keys(path.read_text(encoding="utf-8")))
    assert cited <= keys


def test_same_seed_same_corpus(tmp_path):
    # fresh trees: a build writes topic and author pages into its source tree
    first = files(corpus.generate(tmp_path / "first", essays=3, entries=ENTRIES, seed=1))
    again = files(corpus.generate(tmp_path / "again", essays=3, entries=ENTRIES, seed=1))
    assert first == again
    other = files(corpus.generate(tmp_path / "other", essays=3, entries=ENTRIES, seed=2))
    assert other["refs.bib"] != again["refs.bib"]
    assert sorted(other) != sorted(again)  # other essays, other slugs


def test_generating_again_replaces_a_corpus_only(tmp_path):
    corpus.generate(tmp_path / "c", essays=3, entries=ENTRIES, seed=1)
    corpus.generate(tmp_path / "c", essays=2, entries=ENTRIES, seed=1)
    assert len(list((tmp_path / "c" / "articles").glob("*.md"))) == 2
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    with pytest.raises(SystemExit):
        corpus.generate(tmp_path / "mine", essays=1, entries=ENTRIES)
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep"


def test_orcid_check_digit():
    # the example iD of ORCID's documentation
    assert corpus.orcid_check("000000021825009") == "7"
    assert corpus.orcid_check("000000021694233") == "X"
