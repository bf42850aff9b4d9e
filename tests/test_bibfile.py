"""refs.bib conventions, reported at file:line (peninsula.bibfile)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import warnings_of
from peninsula.bibfile import ascii_words


@pytest.mark.sphinx("html", testroot="bibfile")
def test_each_problem_is_reported_at_its_entry(app):
    app.build()
    bib = Path(app.srcdir) / "refs.bib"
    tail = "[bibfile.convention]"
    assert warnings_of(app) == [
        f"{bib}:6: WARNING: key 'Kim2022Missile2' is not authoryearword: lowercase author, "
        f"year (or 'nd' for no date) and a word of the title, e.g. kim2022missile {tail}",
        f"{bib}:9: WARNING: key 'lee2022missile' should begin with the first author's family "
        f"name (or, with no author, a word of the title), e.g. 'kim2022missile' {tail}",
        f"{bib}:12: WARNING: key 'kim2021missile' has year '2021' but the entry's date gives "
        f"'2022' {tail}",
        f"{bib}:15: WARNING: key 'kim2022rocket' should end with a word of the title {tail}",
        f"{bib}:18: WARNING: kim2022launch: date '2022-02-30' is not a calendar date {tail}",
        f"{bib}:21: WARNING: unsc2017resolution: urldate 'yesterday' is not a date; write "
        f"YYYY, YYYY-MM or YYYY-MM-DD {tail}",
        f"{bib}:25: WARNING: kim2022patent: entry type @patent is not one the APA style "
        "formats; use one of @article, @book, @inbook, @incollection, @inproceedings, "
        "@manual, @mastersthesis, @misc, @online, @phdthesis, @proceedings, @report, "
        f"@techreport, @thesis, @unpublished {tail}",
    ]


def test_problems_are_reported_again_on_a_rebuild(make_app, rootdir, tmp_path):
    srcdir = tmp_path / "bibfile"
    shutil.copytree(rootdir / "test-bibfile", srcdir)

    def build() -> list[str]:
        app = make_app("html", srcdir=srcdir)
        app.build()
        return [w for w in warnings_of(app) if w.endswith("[bibfile.convention]")]

    first = build()
    # nothing changed, nothing is read again, and a strict build still fails
    assert build() == first and len(first) == 7


def test_ascii_words():
    assert ascii_words("Ahlander-O'Connor's {Ümlaut}") == ["ahlander", "oconnors", "umlaut"]
