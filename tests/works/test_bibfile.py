"""refs.bib read and checked by peninsula.works.bibfile: each problem at its line,
with its fix; the key convention can be turned off, and only it. The syntax
errors and the other mistakes an editor makes are the rows of
tests/works/test_bib_gates.py; what a text field may hold, tests/works/test_bib_property.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import warnings_of
from peninsula.works.bibfile import _decode, ascii_words, text_problem

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
        "formats; use one of @article, @book, @booklet, @collection, @conference, @inbook, "
        "@incollection, @inproceedings, @jurisdiction, @legal, @legislation, @manual, "
        "@mastersthesis, @misc, @online, @phdthesis, @proceedings, @report, @techreport, "
        "@thesis, @unpublished [bibfile.field]",
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
    ("2\\textasciicircum{}10", "2^10"),
    ("a \\textbraceleft{}set\\textbraceright{} of", "a {set} of"),
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
        "2\\textasciicircum 10",
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


# -- The fields each entry type needs ------------------------------------------------


def problems_of(tmp_path: Path, text: str) -> list[tuple[int, str]]:
    from peninsula.works.bibfile import read_bibfiles

    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    return [(p.line, p.message) for _, p in read_bibfiles([path], "utf-8-sig").problems]


def test_the_apa_examples_of_every_type_are_sound(tmp_path):
    from test_apa_types import BIB

    assert problems_of(tmp_path, BIB) == []


TYPE_PROBLEMS = [
    (
        "@thesis{kim2019talks,\n  author = {Kim, E.},\n  title = {Talks},\n  date = {2019},\n}\n",
        [
            (
                1,
                "kim2019talks: @thesis needs a type field: add type = {phdthesis} for a doctoral "
                "dissertation, {mathesis} for a master's thesis, or the kind of thesis as the "
                "work names it",
            ),
            (
                1,
                "kim2019talks: @thesis needs a school field: add school = {...}, the university "
                "that granted the degree",
            ),
        ],
    ),
    (
        "@book{kim2019talks,\n  author = {Kim, E.},\n  title = {Talks},\n  date = {2019},\n}\n",
        [
            (
                1,
                "kim2019talks: @book needs a publisher field: add publisher = {...}; a publisher "
                "that is also the author is given too (the style leaves it out)",
            )
        ],
    ),
    (
        "% a report\n@report{kim2019talks,\n  title = {Talks},\n  date = {2019},\n}\n",
        [
            (
                2,
                "kim2019talks: @report needs an institution field: add institution = {...}, the "
                "organization that issued the report",
            )
        ],
    ),
    (
        "@collection{kim2019talks,\n  title = {Talks},\n  publisher = {Ecco},\n  date = {2019},\n}\n",
        [
            (
                1,
                "kim2019talks: @collection needs an editor field: add editor = {...}, the editors "
                "of the book",
            )
        ],
    ),
    (
        "@proceedings{kim2019talks,\n  title = {Talks},\n  date = {2019},\n}\n",
        [
            (
                1,
                "kim2019talks: @proceedings needs a publisher field: add publisher = {...}, or "
                "organization = {...} for the body that issued them",
            )
        ],
    ),
    (
        "@jurisdiction{brown1954board,\n  title = {Brown v. Board},\n"
        "  author = {Warren, E.},\n  date = {1954},\n}\n",
        [
            (
                1,
                "brown1954board: @jurisdiction needs a number field: add number = {...}, the "
                "volume, reporter and first page: 347 U.S. 483",
            ),
            (
                3,
                "brown1954board: a @jurisdiction is named by its title, not by an author: remove "
                "the author field",
            ),
        ],
    ),
    (
        "@legislation{every2015student,\n  title = {Every Student Succeeds Act},\n"
        "  number = {20 U.S.C. § 6301},\n}\n",
        [
            (
                1,
                "every2015student: @legislation needs a date field: add date = {YYYY}, the year "
                "it was decided or enacted",
            )
        ],
    ),
    (
        "@book{kim2019talks,\n  author = {Kim, E.},\n  title = {Talks},\n  publisher = {Ecco},\n"
        "  date = {2019},\n  urldate = {2020-01-02},\n}\n",
        [
            (
                6,
                "kim2019talks: urldate is not printed for a @book, a work that does not change "
                "(APA 9.16): remove it",
            )
        ],
    ),
    (
        "@unpublished{kim2019talks,\n  author = {Kim, E.},\n  title = {Talks},\n"
        "  eventtitle = {Forum},\n  date = {2019},\n  eventdate = {2019-08-11/2019-08-08},\n}\n",
        [
            (
                6,
                "kim2019talks: eventdate '2019-08-11/2019-08-08' ends before it begins: write the "
                "first day first",
            )
        ],
    ),
    (
        "@book{kim2019talks,\n  author = {Kim, E.},\n  title = {Talks},\n  publisher = {Ecco},\n"
        "  date = {2019},\n  origdate = {c. 1900},\n}\n",
        [
            (
                6,
                "kim2019talks: origdate 'c. 1900' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD",
            )
        ],
    ),
    (
        "@article{kim2019talks,\n  author = {Kim, E.},\n  title = {Talks},\n  journal = {J},\n"
        "  year = {2019},\n  month = {Octember},\n}\n",
        [
            (
                6,
                "kim2019talks: month 'Octember' is not a month: write month = oct (or 10), or "
                "give the whole date as date = {YYYY-MM}",
            )
        ],
    ),
    (
        "@article{kim2019talks,\n  author = {Kim, E.},\n  title = {Talks},\n  journal = {J},\n"
        "  date = {2019},\n  pubstate = {submitted},\n}\n",
        [
            (
                6,
                "kim2019talks: pubstate 'submitted' describes a manuscript: make the entry "
                "@unpublished (APA 10.8), or remove pubstate",
            )
        ],
    ),
    (
        "@article{kimndtalks,\n  author = {Kim, E.},\n  title = {Talks},\n  journal = {J},\n"
        "  pubstate = {accepted},\n}\n",
        [
            (
                5,
                "kimndtalks: pubstate 'accepted' is not one the style knows: write inpress for a "
                "work accepted for publication, submitted or inpreparation for a manuscript",
            )
        ],
    ),
]


@pytest.mark.parametrize(
    ("text", "problems"), TYPE_PROBLEMS, ids=[t.split(",")[0] for t, _ in TYPE_PROBLEMS]
)
def test_what_each_type_needs_is_reported_at_its_line(tmp_path, text, problems):
    assert problems_of(tmp_path, text) == problems


def test_a_reread_checks_only_the_entries_that_changed(tmp_path, monkeypatch):
    """The checks of unchanged entries are kept from the read before, problems
    included, so an edited refs.bib costs the check of the edited entry."""
    from peninsula.works import bibfile

    bib = tmp_path / "refs.bib"
    works = [
        "@online{kim2022missile,\n  author = {Kim, E.},\n  title = {Missile},\n  date = {2022},\n}\n",
        "@online{lee2021sea,\n  author = {Lee, J.},\n  title = {Sea},\n  date = {2021-13},\n}\n",
        "@online{park2020line,\n  author = {Park, S.},\n  title = {Line},\n  date = {2020},\n}\n",
    ]
    bib.write_text("\n".join(works))
    first = bibfile.read_bibfiles([bib], "utf-8")
    checked: list[str] = []
    real = bibfile.entry_problems

    def counting(entry, raw):
        checked.append(entry.key)
        return real(entry, raw)

    monkeypatch.setattr(bibfile, "entry_problems", counting)
    bib.write_text("\n".join([works[0].replace("{Missile}", "{Missile launches}"), *works[1:]]))
    second = bibfile.read_bibfiles([bib], "utf-8", first.checks)
    assert checked == ["kim2022missile"]
    # the unchanged faulty entry is still reported, at its line
    assert [(p.line, p.message) for _, p in second.problems] == [
        (p.line, p.message) for _, p in first.problems
    ]
    assert second.problems and second.withheld == first.withheld
