"""refs.bib read and checked by peninsula.bibfile: each problem at its line,
with its fix; the key convention can be turned off, and only it. The syntax
errors and the other mistakes an editor makes are the rows of
tests/test_bib_gates.py; what a text field may hold, tests/test_bib_property.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import warnings_of
from peninsula.bibfile import _decode, ascii_words, text_problem

KEY_FIX = (
    "or, for a journal with another convention, add 'bibfile.key' to suppress_warnings "
    "in conf.py [bibfile.key]"
)


def expected(bib: Path) -> list[str]:
    return [
        f"{bib}:6: WARNING: key 'Kim2022Missile2' is not authoryearword: write lowercase "
        "author, year (or 'nd' for no date) and a word of the title, e.g. kim2022missile, "
        + KEY_FIX,
        f"{bib}:9: WARNING: key 'lee2022missile' should begin with the first author's family "
        "name (or, with no author, a word of the title): write 'kim2022missile', " + KEY_FIX,
        f"{bib}:12: WARNING: key 'kim2021missile' has year '2021' but the entry's date gives "
        "'2022': write 'kim2022missile', " + KEY_FIX,
        f"{bib}:15: WARNING: key 'kim2022rocket' should end with a word of the title: write "
        "e.g. 'kim2022missile', " + KEY_FIX,
        f"{bib}:19: WARNING: kim2022launch: date '2022-02-30' is not a calendar date: "
        "February 2022 has 28 days [bibfile.field]",
        f"{bib}:23: WARNING: unsc2017resolution: urldate 'yesterday' is not a date: write "
        "YYYY, YYYY-MM or YYYY-MM-DD [bibfile.field]",
        f"{bib}:25: WARNING: kim2022patent: entry type @patent is not one the APA style "
        "formats; use one of @article, @book, @inbook, @incollection, @inproceedings, "
        "@manual, @mastersthesis, @misc, @online, @phdthesis, @proceedings, @report, "
        "@techreport, @thesis, @unpublished [bibfile.field]",
        f"{bib}:30: WARNING: kim2022dollar: the organization field has \\\\, which would be "
        "printed as written: a field has no line breaks: remove it [bibfile.text]",
    ]


@pytest.mark.sphinx("html", testroot="bibfile")
def test_each_problem_is_reported_at_its_line(app):
    app.build()
    assert warnings_of(app) == expected(Path(app.srcdir) / "refs.bib")


@pytest.mark.sphinx(
    "html", testroot="bibfile", confoverrides={"suppress_warnings": ["bibfile.key"]}
)
def test_the_documented_suppress_warnings_entry_turns_off_only_the_key_check(app):
    app.build()
    every = expected(Path(app.srcdir) / "refs.bib")
    assert warnings_of(app) == [w for w in every if not w.endswith("[bibfile.key]")]
    assert len(every) - len(warnings_of(app)) == 4


def test_problems_are_reported_again_on_a_rebuild(make_app, rootdir, tmp_path):
    srcdir = tmp_path / "bibfile"
    shutil.copytree(rootdir / "test-bibfile", srcdir)

    def build() -> list[str]:
        app = make_app("html", srcdir=srcdir)
        app.build()
        # a second app in one process also warns that Sphinx's nodes are registered again
        return [w for w in warnings_of(app) if "[bibfile." in w]

    first = build()
    # nothing changed, nothing is read again, and a strict build still fails
    assert first == expected(srcdir / "refs.bib")
    assert build() == first


def test_ascii_words():
    assert ascii_words("Ahlander-O'Connor's {Ümlaut}") == ["ahlander", "oconnors", "umlaut"]


# What an editor writes in a text field, and what the reader sees: both forms
# an editor will try either print the character or get a message.
PRINTED = [
    ("AT&T", "AT&T"),
    ("AT\\&T", "AT&T"),
    ("50\\% of", "50% of"),
    ("$5 bills", "$5 bills"),
    ("\\$5 bills", "$5 bills"),
    ("a \\{set\\} of", "a {set} of"),
    ("No. #1", "No. #1"),
    ("No. \\#1", "No. #1"),
    ("snake_case", "snake_case"),
    ("snake\\_case", "snake_case"),
    ("2^10", "2^10"),
    ("a\\textasciitilde{}b", "a~b"),
    ("C:\\textbackslash{}dir", "C:\\dir"),
    ("Caf\\'e {\\\"U}ber", "Café Über"),
    ("Café Über", "Café Über"),
    ("{North Korea}", "North Korea"),
    ("한반도 비핵화", "한반도 비핵화"),
    ("pages 3--5, a---b", "pages 3–5, a—b"),
]


@pytest.mark.parametrize(("written", "shown"), PRINTED)
def test_text_an_editor_writes_is_printed(written, shown):
    assert text_problem("k", "title", written) is None
    assert _decode(written) == shown.replace("\\", "\ue000")


REFUSED = [
    (
        "50% of",
        "k: the title field has a bare %, which starts a LaTeX comment and would hide the "
        "rest of the field: write \\%",
    ),
    (
        "a\\\\b",
        "k: the title field has \\\\, which would be printed as written: a field has no "
        "line breaks: remove it",
    ),
    (
        "\\emph{Nodong}",
        "k: the title field has \\emph, which would be printed as written: the style sets "
        "italics itself: keep the words, in braces if their capitals must stay",
    ),
    (
        "2\\textasciicircum{}10",
        "k: the title field has \\textasciicircum, which would be printed as written: "
        "write ^ itself",
    ),
    (
        "\\foo bar",
        "k: the title field has \\foo, which would be printed as written: write the "
        "character itself, in UTF-8 (é, not \\'e, works too), or \\textbackslash{} for a "
        "backslash",
    ),
    (
        "C:\\",
        "k: the title field has a backslash that starts no LaTeX command: write "
        "\\textbackslash{} for a backslash",
    ),
]


@pytest.mark.parametrize(("written", "message"), REFUSED)
def test_text_the_style_would_print_wrongly_is_refused(written, message):
    assert text_problem("k", "title", written) == message
