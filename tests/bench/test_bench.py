"""The benchmark (benchmarks/bench.py, `make bench`).

Why this exists: the benchmark's figures are only worth reading if it
measures what its table says: ours built as the editor builds it (`make html`
and `make latexpdf`, with the Makefile's SPHINXOPTS: strict, on every core),
the floor as plainly as Sphinx builds (`sphinx-build -b html`, no options),
every row of the goals measured and held to its goal, ratios taken as ours
over the floor, an edit that makes Sphinx read exactly one essay again, a
no-op that reads nothing, a refs.bib edit that reads again the essays citing
the work, and corpora restored after each run. A tiny run (3 essays, every
row) checks all of that from the JSON, the table and the build logs. No time
is asserted: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import runpy
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

spec = importlib.util.spec_from_file_location("bench", REPO / "benchmarks" / "bench.py")
bench = importlib.util.module_from_spec(spec)
sys.modules["bench"] = bench  # dataclasses look their module up by name
spec.loader.exec_module(bench)
ENTRIES = bench.corpus.least_entries()  # every work the site pages cite, and 20 more

ESSAYS, GROWTH, LARGE = 3, 4, 5
UPDATED = re.compile(r"updating environment: .*?(\d+) added, (\d+) changed, (\d+) removed")
#: every row of the goals, in the order of the table
ROWS = ["clean", "noop", "essay", "bib", "pdf_clean", "pdf_essay", "rss", "growth", "search"]
ROWS += ["linear"]
GOALS = [0.8, 1.2, 1.3, 2.0, 180.0, 30.0, 1.2, 2.1, 300.0, LARGE / ESSAYS]


def makefile_sphinxopts() -> list[str]:
    """SPHINXOPTS as the Makefile sets them, read here on its own."""
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    return shlex.split(re.search(r"^SPHINXOPTS\s*\?=(.*)$", text, flags=re.M)[1])


def without_sphinxopts() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "SPHINXOPTS"}


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("bench")
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench.py")]
        + ["--essays", str(ESSAYS), "--entries", str(ENTRIES), "--repeat", "1"]
        + ["--growth", str(GROWTH), "--large", str(LARGE), "--pdf", "--search"]
        + ["--workdir", str(root / "work"), "--json", str(root / "bench.json")]
        + ["--markdown", str(root / "bench.md")],
        capture_output=True,
        text=True,
        check=False,
        env=without_sphinxopts(),
    )
    assert result.returncode == 0, result.stderr
    return {
        "root": root,
        "stdout": result.stdout,
        "json": json.loads((root / "bench.json").read_text(encoding="utf-8")),
        "markdown": (root / "bench.md").read_text(encoding="utf-8"),
    }


def updated(log: str) -> tuple[int, int, int]:
    """(added, changed, removed) documents of a build, from its log."""
    match = UPDATED.search(Path(log).read_text(encoding="utf-8"))
    assert match, log
    return tuple(int(n) for n in match.groups())


def builds_of(data: dict, side: str, scenario: str, essays: int = ESSAYS) -> list[dict]:
    return [
        b
        for b in data["builds"]
        if (b["side"], b["scenario"], b["essays"]) == (side, scenario, essays)
    ]


def test_ours_is_built_as_make_builds_it(ran):
    """`make html` and `make latexpdf`, with the Makefile's SPHINXOPTS: strict,
    nitpicky, on every core."""
    options = makefile_sphinxopts()
    assert {"-W", "--keep-going", "-n"} <= set(options)
    assert options[options.index("-j") + 1] == "auto"
    data = ran["json"]
    assert data["parameters"]["sphinxopts"] == options
    build = str(REPO / "tools" / "build.py")
    ours = [b for b in data["builds"] if b["side"] == "ours"]
    assert {b["scenario"] for b in ours} == {*bench.SCENARIOS, "memory", "pdf_clean", "pdf_essay"}
    for b in ours:
        src = str(ran["root"] / "work" / f"ours-{b['essays']}")
        html = [sys.executable, build, "html", "--srcdir", src, "--builddir", src + "/_build"]
        if b["scenario"].startswith("pdf_"):
            latexpdf = [sys.executable, build, "latexpdf", *html[3:]]
            assert b["commands"] == [
                [str(REPO / "tools" / "system-deps.sh"), "pdf"],
                latexpdf + options,
            ]
        else:
            assert b["commands"] == [html + options], b["scenario"]
    assert data["method"]["ours_html"] == (
        "make html: python tools/build.py html --srcdir SRC --builddir BUILDDIR "
        + shlex.join(options)
    )


def test_floor_is_plain_sphinx(ran):
    """`sphinx-build -b html SRC OUT` with no option, myst-parser and furo only;
    it may warn, it must succeed."""
    data = ran["json"]
    floor = [b for b in data["builds"] if b["side"] == "floor"]
    assert {b["scenario"] for b in floor} == {*bench.FLOOR_SCENARIOS, "memory"}
    for b in floor:
        src = ran["root"] / "work" / f"floor-{b['essays']}"
        [command] = b["commands"]
        assert Path(command[0]).name == "sphinx-build"
        assert command[1:] == ["-b", "html", str(src), str(src / "_build" / "html")]
        assert "build succeeded" in Path(b["log"]).read_text(encoding="utf-8")
    assert data["method"]["floor"] == "sphinx-build -b html SRC BUILDDIR/html"
    conf = runpy.run_path(str(ran["root"] / "work" / f"floor-{ESSAYS}" / "conf.py"))
    settings = {k: v for k, v in conf.items() if not k.startswith("__")}
    assert settings == {
        "project": "Peninsula Papers",
        "extensions": ["myst_parser"],
        "html_theme": "furo",
        "exclude_patterns": ["_build"],
    }


def test_make_bench_measures_every_row_with_make_htmls_options():
    """`make bench` with no arguments: every row, and the SPHINXOPTS of make html."""
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "bench"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env=without_sphinxopts(),
    )
    line = done.stdout[done.stdout.index("benchmarks/bench.py") :].replace("\\\n", " ")
    args = shlex.split(line.splitlines()[0])
    assert args[args.index("--essays") + 1] == "200"
    assert args[args.index("--entries") + 1] == "2000"
    assert args[args.index("--growth") + 1] == "400"
    assert args[args.index("--large") + 1] == "1000"
    assert "--pdf" in args and "--search" in args
    assert f"--sphinxopts={shlex.join(makefile_sphinxopts())}" in args
    # and so does the script run bare
    bare = bench.build_parser().parse_args([])
    assert (bare.essays, bare.entries, bare.repeat) == (200, 2000, 3)
    assert (bare.growth, bare.large, bare.pdf, bare.search) == (400, 1000, True, True)


def test_sphinxopts_come_from_the_makefile_or_the_environment(monkeypatch):
    monkeypatch.delenv("SPHINXOPTS", raising=False)
    assert shlex.split(bench.makefile_sphinxopts()) == makefile_sphinxopts()
    monkeypatch.setenv("SPHINXOPTS", "-W -j 2")
    assert bench.makefile_sphinxopts() == "-W -j 2"


def test_every_row_on_both_sides(ran):
    data = ran["json"]
    p = data["parameters"]
    assert (p["essays"], p["growth"], p["large"], p["pdf"], p["search"]) == (
        ESSAYS,
        GROWTH,
        LARGE,
        True,
        True,
    )
    for build in data["builds"]:
        assert build["seconds"] > 0 and build["max_rss_kib"] > 0, build
    for side in ("ours", "floor"):
        [memory] = builds_of(data, side, "memory")
        assert memory["tree_pss_kib"] > 0, side
        medians = data["medians"][side]
        assert all(value > 0 for value in medians.values()), medians
    assert len(builds_of(data, "ours", "clean", LARGE)) == 1  # N3 is built once
    assert not builds_of(data, "floor", "clean", LARGE)
    for side in ("ours", "floor"):
        assert len(builds_of(data, side, "clean", GROWTH)) == 1
    assert {q["essays"] for q in data["search"]} == {LARGE}
    assert len(data["search"]) == 5


def test_rows_are_the_goals(ran):
    data = ran["json"]
    ours, floor = data["medians"]["ours"], data["medians"]["floor"]
    rows = {row["id"]: row for row in data["rows"]}
    assert list(rows) == ROWS
    assert [row["goal"] for row in data["rows"]] == pytest.approx(GOALS)
    expected = {
        "clean": (ours["clean"], floor["clean"]),
        "noop": (ours["noop"], floor["noop"]),
        "essay": (ours["essay"], floor["essay"]),
        # the floor has no bibliography: a refs.bib edit is held to its one-essay edit
        "bib": (ours["bib"], floor["essay"]),
        "rss": (ours["peak_kib"] / 1024, floor["peak_kib"] / 1024),
    }
    for name, (mine, theirs) in expected.items():
        row = rows[name]
        assert (row["ours"], row["floor"]) == pytest.approx((mine, theirs)), name
        assert row["ratio"] == pytest.approx(mine / theirs), name
        assert row["pass"] == (row["ratio"] <= row["goal"]), name
    # the memory of a side: its sampled clean build, never less than its largest process
    for side in ("ours", "floor"):
        [memory] = builds_of(data, side, "memory")
        peak = max(memory["tree_pss_kib"], memory["max_rss_kib"])
        assert data["medians"][side]["peak_kib"] == peak
    values = {
        "pdf_clean": ours["pdf_clean"],
        "pdf_essay": ours["pdf_essay"],
        "growth": ours[f"clean_{GROWTH}"] / ours["clean"],
        "search": max(q["bytes"] for q in data["search"]) / 1000,
        "linear": ours[f"clean_{LARGE}"] / ours["clean"],
    }
    for name, value in values.items():
        row = rows[name]
        assert row["ours"] == pytest.approx(value) and row["ratio"] is None, name
        assert row["pass"] == (value <= row["goal"]), name
    assert rows["growth"]["floor"] == pytest.approx(floor[f"clean_{GROWTH}"] / floor["clean"])


def test_markdown_table_has_every_row(ran):
    table = ran["markdown"]
    assert ran["stdout"] == table
    assert "| measure | ours | floor | ratio | goal | |" in table
    lines = [line for line in table.splitlines() if line.startswith("| ")]
    for row in ran["json"]["rows"]:
        line = next(line for line in lines if line.startswith(f"| {row['measure']} |"))
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert cells[3] == ("—" if row["ratio"] is None else f"{row['ratio']:.2f}×")
        assert cells[4] == row["goal_text"]
        assert cells[5] == ("PASS" if row["pass"] else "MISS")
    for measure in (
        "clean build",
        "no-op rebuild",
        "one essay edited",
        "one refs.bib entry edited (floor: one essay edited)",
        f"`make latexpdf`, clean, {ESSAYS} essays + edition",
        "`make latexpdf`, one essay edited",
        "peak RSS of the clean build",
        f"growth, clean at N={GROWTH} over N={ESSAYS}",
        f"search: bytes of the largest query at N={LARGE}",
        f"linearity, clean at N={LARGE} over N={ESSAYS}",
    ):
        assert f"| {measure} |" in table
    env = ran["json"]["environment"]
    assert f"load average {env['load_average_before'][0]:.2f} before" in table
    assert f"{env['load_average_after'][0]:.2f} after" in table
    assert "| `q=diplomacy` |" in table


def test_builds_do_what_the_scenarios_say(ran):
    """Each build's log: a clean build reads every page, a no-op none, an
    essay edit one essay, a refs.bib edit the essays citing the work."""
    data = ran["json"]
    builds = {(b["side"], b["scenario"]): b for b in data["builds"] if b["essays"] == ESSAYS}
    for side in ("ours", "floor"):
        for scenario in ("clean", "memory"):
            added, changed, _ = updated(builds[side, scenario]["log"])
            assert added > ESSAYS and changed == 0
        assert updated(builds[side, "essay"]["log"]) == (0, 1, 0)
    # a no-op: Sphinx reads nothing; ours does not start it (tools/build.py)
    assert updated(builds["floor", "noop"]["log"]) == (0, 0, 0)
    noop = Path(builds["ours", "noop"]["log"]).read_text(encoding="utf-8")
    assert "nothing changed since the last build, which succeeded: Sphinx was not started" in noop
    assert "published " in noop and ": 0 files written, 0 removed" in noop
    assert builds["ours", "essay"]["edited"] == builds["floor", "essay"]["edited"]
    bib = builds["ours", "bib"]
    added, changed, removed = updated(bib["log"])
    assert (added, removed) == (0, 0)
    assert changed >= bib["edited"]["cited_by"] >= 1
    for scenario in ("clean", "bib"):
        log = Path(builds["ours", scenario]["log"]).read_text(encoding="utf-8")
        assert "WARNING" not in log and "build succeeded" in log
    # the PDFs: everything read, then the one essay edited
    assert (
        updated(builds["ours", "pdf_clean"]["log"])[0] == updated(builds["ours", "clean"]["log"])[0]
    )
    assert updated(builds["ours", "pdf_essay"]["log"]) == (0, 1, 0)
    ours = ran["root"] / "work" / f"ours-{ESSAYS}"
    pdfs = {p.name for p in (ours / "_build" / "latex").glob("*.pdf")}
    # each essay's PDF and the edition
    assert {f"{p.stem}.pdf" for p in (ours / "articles").glob("*.md")} < pdfs
    assert "peninsula-papers.pdf" in pdfs
    # ours, as the site is: earlier versions built, and Signposting
    html = ran["root"] / "work" / f"ours-{LARGE}" / "_build" / "html"
    assert list(html.glob("articles/*/v1.html"))
    assert len(list(html.glob("cite/*.linkset.json"))) > LARGE


def test_corpora_are_restored(ran, tmp_path):
    """After the runs, the essays, their versions and refs.bib are as
    generated: each run starts alike. (The files copied from the repository
    are left out: they may be edited while the benchmark runs.)"""
    work = ran["root"] / "work"
    for floor in (False, True):
        fresh = bench.corpus.generate(tmp_path / str(floor), ESSAYS, ENTRIES, floor=floor)
        kept = work / f"{'floor' if floor else 'ours'}-{ESSAYS}"
        generated = sorted(p for p in fresh.glob("articles/**/*") if p.is_file())
        generated += sorted(fresh.glob("refs.bib"))
        # ours: the essays, the lock, one earlier version, refs.bib
        assert len(generated) == ESSAYS + (0 if floor else 3)
        for path in generated:
            assert (kept / path.relative_to(fresh)).read_bytes() == path.read_bytes(), path


def test_edits_change_one_sentence_alike():
    ours = "---\ntitle: T\n---\n\n{cite:t}`kim2019talks{p. 3}` argues that talks resume.\n"
    floor = "---\ntitle: T\n---\n\n# T\n\nKim (2019, p. 3) argues that talks resume.\n"
    assert bench.edit_sentence(ours, "notably").endswith(" notably argues that talks resume.\n")
    assert bench.edit_sentence(floor, "notably").endswith(" notably argues that talks resume.\n")
    bib = "@book{kim2019talks,\n  title     = {Talks in {Korea}},\n  publisher = {P},\n}\n"
    assert "title     = {Talks in {Korea} Revisited}," in bench.edit_title(
        bib, "kim2019talks", "Revisited"
    )
    with pytest.raises(ValueError):
        bench.edit_title(bib, "lee2020talks", "Revisited")


def test_rows_held_to_their_goals():
    """Without building: a ratio against its goal, a value against its own;
    growth is ours at N2 over ours at N, linearity ours at N3 over N against N3/N."""

    def build(side, scenario, essays, seconds, rss=1024, pss=None):
        return bench.Build(side, scenario, 0, essays, seconds, rss, "", tree_pss_kib=pss)

    builds = [
        build("ours", "clean", 2, 10.0),
        build("ours", "noop", 2, 1.0),
        build("ours", "essay", 2, 2.0),
        build("ours", "bib", 2, 3.0),
        build("ours", "memory", 2, 99.0, rss=1024, pss=3072),
        build("floor", "clean", 2, 8.0),
        build("floor", "noop", 2, 1.0),
        build("floor", "essay", 2, 1.0),
        build("floor", "memory", 2, 99.0, rss=2048, pss=1024),
        build("ours", "clean", 4, 25.0),
        build("floor", "clean", 4, 16.0),
        build("ours", "pdf_clean", 2, 100.0),
        build("ours", "pdf_essay", 2, 50.0),
        build("ours", "clean", 10, 49.0),
    ]
    args = argparse.Namespace(
        essays=2,
        entries=40,
        repeat=1,
        growth=4,
        large=10,
        seed=0,
        pdf=True,
        search=True,
        sphinxopts="-W -j auto",
    )
    searched = [{"query": "q=a", "results_shown": 1, "requests": 5, "bytes": 250_000, "essays": 10}]
    result = bench.report(args, builds, searched, bench.datetime.datetime.now(), (0.0, 0.0, 0.0))
    rows = {row["id"]: row for row in result["rows"]}
    assert list(rows) == ROWS
    assert (rows["clean"]["ratio"], rows["clean"]["pass"]) == (1.25, False)
    assert rows["bib"]["ratio"] == 3.0
    # the summed PSS (3 MiB) for ours, the largest process (2 MiB) for the floor
    assert (rows["rss"]["ours"], rows["rss"]["floor"], rows["rss"]["pass"]) == (3.0, 2.0, False)
    assert (rows["growth"]["ours"], rows["growth"]["floor"]) == (2.5, 2.0)
    assert rows["growth"]["ratio"] is None and rows["growth"]["pass"] is False
    assert rows["growth"]["measure"] == "growth, clean at N=4 over N=2"
    assert (rows["pdf_clean"]["ours"], rows["pdf_clean"]["pass"]) == (100.0, True)
    assert (rows["pdf_essay"]["ours"], rows["pdf_essay"]["pass"]) == (50.0, False)
    assert (rows["search"]["ours"], rows["search"]["pass"]) == (250.0, True)
    assert rows["search"]["measure"] == "search: bytes of the largest query at N=10"
    assert (rows["linear"]["ours"], rows["linear"]["goal"]) == (4.9, 5.0)
    assert rows["linear"]["pass"] is True
    table = bench.markdown(result)
    assert "| growth, clean at N=4 over N=2 | 2.50× | 2.00× | — | ≤ 2.1× | MISS |" in table
    assert "| linearity, clean at N=10 over N=2 | 4.90× | — | — | ≤ 5× (linear) | PASS |" in table
    assert "| `q=a` | 1 | 5 | 250.0 |" in table
    assert result["method"]["floor"] == "sphinx-build -b html SRC BUILDDIR/html"
