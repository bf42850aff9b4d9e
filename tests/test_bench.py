"""The benchmark (benchmarks/bench.py, `make bench`).

Why this exists: the benchmark's figures are only worth reading if it
measures what its table says: every scenario built on both sides, ratios
taken as ours over the floor, an edit that makes Sphinx read exactly one
essay again, a no-op that reads nothing, a refs.bib edit that reads again the
essays citing the work, and corpora restored after each run. A tiny run
(3 essays) checks all of that from the JSON, the table and the build logs.
No time is asserted: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

spec = importlib.util.spec_from_file_location("bench", REPO / "benchmarks" / "bench.py")
bench = importlib.util.module_from_spec(spec)
sys.modules["bench"] = bench  # dataclasses look their module up by name
spec.loader.exec_module(bench)
ENTRIES = bench.corpus.least_entries()  # every work the site pages cite, and 20 more

ESSAYS = 3
UPDATED = re.compile(r"updating environment: .*?(\d+) added, (\d+) changed, (\d+) removed")


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("bench")
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench.py")]
        + ["--essays", str(ESSAYS), "--entries", str(ENTRIES), "--repeat", "1"]
        + ["--workdir", str(root / "work"), "--json", str(root / "bench.json")]
        + ["--markdown", str(root / "bench.md")],
        capture_output=True,
        text=True,
        check=False,
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


def test_every_scenario_on_both_sides(ran):
    data = ran["json"]
    assert data["parameters"]["essays"] == ESSAYS
    done = {(b["side"], b["scenario"]) for b in data["builds"]}
    assert done == {("ours", s) for s in bench.SCENARIOS} | {
        ("floor", s) for s in bench.FLOOR_SCENARIOS
    }
    for build in data["builds"]:
        assert build["seconds"] > 0 and build["max_rss_kib"] > 0, build
    for side, scenarios in (("ours", bench.SCENARIOS), ("floor", bench.FLOOR_SCENARIOS)):
        medians = data["medians"][side]
        assert set(medians) == {*scenarios, "rss_kib"}
        assert all(value > 0 for value in medians.values()), medians


def test_ratios_are_ours_over_the_floor(ran):
    data = ran["json"]
    ours, floor = data["medians"]["ours"], data["medians"]["floor"]
    rows = {row["id"]: row for row in data["rows"]}
    assert list(rows) == ["clean", "noop", "essay", "bib", "rss"]
    expected = {
        "clean": (ours["clean"], floor["clean"]),
        "noop": (ours["noop"], floor["noop"]),
        "essay": (ours["essay"], floor["essay"]),
        # the floor has no bibliography: a refs.bib edit is held to its one-essay edit
        "bib": (ours["bib"], floor["essay"]),
        "rss": (ours["rss_kib"] / 1024, floor["rss_kib"] / 1024),
    }
    for name, (mine, theirs) in expected.items():
        row = rows[name]
        assert (row["ours"], row["floor"]) == pytest.approx((mine, theirs)), name
        assert row["ratio"] == pytest.approx(mine / theirs), name
        assert row["pass"] == (row["ratio"] <= row["goal"]), name
    assert [rows[n]["goal"] for n in expected] == [1.0, 1.5, 1.5, 2.0, 1.5]


def test_markdown_table_has_the_goal_rows(ran):
    table = ran["markdown"]
    assert ran["stdout"] == table
    assert "| measure | ours | floor | ratio | goal | |" in table
    for row in ran["json"]["rows"]:
        line = next(line for line in table.splitlines() if line.startswith(f"| {row['measure']} |"))
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert cells[3] == f"{row['ratio']:.2f}×"
        assert cells[4] == row["goal_text"]
        assert cells[5] == ("PASS" if row["pass"] else "MISS")
    for measure in ("clean build", "no-op rebuild", "one essay edited", "peak RSS"):
        assert f"| {measure} |" in table
    assert "| one refs.bib entry edited (floor: one essay edited) |" in table


def test_builds_do_what_the_scenarios_say(ran):
    """Each build's log: a clean build reads every page, a no-op none, an
    essay edit one essay, a refs.bib edit the essays citing the work."""
    builds = {(b["side"], b["scenario"]): b for b in ran["json"]["builds"]}
    for side in ("ours", "floor"):
        added, changed, _ = updated(builds[side, "clean"]["log"])
        assert added > ESSAYS and changed == 0
        assert updated(builds[side, "noop"]["log"]) == (0, 0, 0)
        assert updated(builds[side, "essay"]["log"]) == (0, 1, 0)
    assert builds["ours", "essay"]["edited"] == builds["floor", "essay"]["edited"]
    bib = builds["ours", "bib"]
    added, changed, removed = updated(bib["log"])
    assert (added, removed) == (0, 0)
    assert changed >= bib["edited"]["cited_by"] >= 1
    for side in ("ours", "floor"):
        log = Path(builds[side, "clean"]["log"]).read_text(encoding="utf-8")
        assert "WARNING" not in log and "build succeeded" in log


def test_corpora_are_restored(ran, tmp_path):
    """After the runs, the essays and refs.bib are as generated: each run
    starts alike. (The files copied from the repository are left out: they
    may be edited while the benchmark runs.)"""
    work = ran["root"] / "work"
    for floor in (False, True):
        fresh = bench.corpus.generate(tmp_path / str(floor), ESSAYS, ENTRIES, floor=floor)
        kept = work / f"{'floor' if floor else 'ours'}-{ESSAYS}"
        generated = sorted(fresh.glob("articles/*.md")) + sorted(fresh.glob("refs.bib"))
        assert len(generated) == ESSAYS + (not floor)
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


def test_growth_and_pdf_rows():
    """Without building: growth is ours at N2 over ours at N; the PDF and
    search rows hold ours against a time or a size, with no ratio."""

    def build(side, scenario, essays, seconds):
        return bench.Build(side, scenario, 0, essays, seconds, 1024, "")

    builds = [
        build("ours", "clean", 2, 10.0),
        build("ours", "noop", 2, 1.0),
        build("ours", "essay", 2, 2.0),
        build("ours", "bib", 2, 3.0),
        build("floor", "clean", 2, 8.0),
        build("floor", "noop", 2, 1.0),
        build("floor", "essay", 2, 1.0),
        build("ours", "clean", 4, 25.0),
        build("floor", "clean", 4, 16.0),
        build("ours", "pdf_clean", 2, 100.0),
        build("ours", "pdf_essay", 2, 50.0),
    ]
    args = argparse.Namespace(
        essays=2, entries=40, repeat=1, growth=4, jobs=None, seed=0, pdf=True, search=True
    )
    searched = [{"query": "q=a", "results_shown": 1, "requests": 5, "bytes": 250_000}]
    result = bench.report(args, builds, searched, bench.datetime.datetime.now(), (0.0, 0.0, 0.0))
    rows = {row["id"]: row for row in result["rows"]}
    assert (rows["growth"]["ours"], rows["growth"]["floor"]) == (2.5, 2.0)
    assert rows["growth"]["ratio"] is None and rows["growth"]["pass"] is False
    assert rows["growth"]["measure"] == "growth, clean at N=4 over N=2"
    assert (rows["pdf_clean"]["ours"], rows["pdf_clean"]["pass"]) == (100.0, True)
    assert (rows["pdf_essay"]["ours"], rows["pdf_essay"]["pass"]) == (50.0, False)
    assert (rows["search"]["ours"], rows["search"]["pass"]) == (250.0, True)
    assert rows["bib"]["ratio"] == 3.0
    table = bench.markdown(result)
    assert "| growth, clean at N=4 over N=2 | 2.50× | 2.00× | — | ≤ 2.2× | MISS |" in table
    assert "| `q=a` | 1 | 5 | 250.0 |" in table
