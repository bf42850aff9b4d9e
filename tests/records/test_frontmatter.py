"""Front matter: the parser on documents alone (peninsula.records.frontmatter), the
checks of conf.py's topics and licences, and the bad-input rows of an essay's front
matter through the gates' harness (tests/harness.py). Its dates are tests/core/test_dates.py's."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest
from harness import assert_refused
from peninsula.core.dates import Date
from peninsula.records.essays import licenses_problems, topics_problems
from peninsula.records.frontmatter import (
    Author,
    Essay,
    Image,
    Known,
    Problem,
    author_names,
    orcid_ok,
    parse,
)

GOOD = """\
---
title: Talks with {North Korea}
subtitle: A view from {Seoul}
authors:
  - name: Pronoy Chatterji
    affiliation: Example University
    orcid: 0000-0002-1825-0097
  - name: Naman Gurudatha
date: 2023-02-05
abstract: >-
  Two sentences
  of abstract.
topics: [sanctions, deterrence]
source: chatterji2023broadened
license: CC-BY-4.0
image:
  file: map.png
  alt: A map
  credit: The editors, CC BY 4.0
---

## A section

Text.
"""
KNOWN = Known(
    topics={"sanctions": "Sanctions", "deterrence": "Deterrence"},
    licenses={"CC-BY-4.0": ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")},
    bib_keys={"chatterji2023broadened", "kim2022missile"},
)


@pytest.fixture
def folder(tmp_path) -> Path:
    """The essay's folder, with its picture."""
    (tmp_path / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return tmp_path


def problems_of(text: str, folder: Path | None = None, known: Known = KNOWN) -> list[tuple]:
    result = parse(text, "articles/talks", known, folder)
    assert isinstance(result, list), f"parsed without a problem: {result}"
    return [(p.line, p.message) for p in result]


def broken(*edits: tuple[str, str]) -> str:
    text = GOOD
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return text


# -- The record ---------------------------------------------------------------------


def test_a_good_essay_gives_its_whole_typed_record(folder):
    assert parse(GOOD, "articles/talks", KNOWN, folder) == Essay(
        docname="articles/talks",
        title="Talks with North Korea",
        title_bibtex="Talks with {North Korea}",
        subtitle="A view from Seoul",
        subtitle_bibtex="A view from {Seoul}",
        date=Date(2023, 2, 5),
        abstract="Two sentences of abstract.",
        license="CC-BY-4.0",
        authors=(
            Author("Pronoy Chatterji", "Example University", "0000-0002-1825-0097"),
            Author("Naman Gurudatha"),
        ),
        topics=("sanctions", "deterrence"),
        source="chatterji2023broadened",
        image=Image("articles/map.png", "A map", "The editors, CC BY 4.0"),
    )


def test_the_record_is_frozen(folder):
    record = parse(GOOD, "articles/talks", KNOWN, folder)
    assert isinstance(record, Essay)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.title = "Another"  # type: ignore[misc]
    assert isinstance(record.authors, tuple) and isinstance(record.topics, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.authors[0].name = "Someone"  # type: ignore[misc]
    assert record.slug == "talks"
    assert record.byline == "Pronoy Chatterji and Naman Gurudatha"
    assert record.date_text == "February 5, 2023"


def test_an_unsigned_essay_without_optional_fields():
    text = broken(
        ("subtitle: A view from {Seoul}\n", ""),
        (GOOD[GOOD.index("authors:") : GOOD.index("date:")], "authors: []\n"),
        ("source: chatterji2023broadened\n", ""),
        (GOOD[GOOD.index("image:") : GOOD.index("---\n\n")], ""),
        ("date: 2023-02-05", "date: 2020"),
    )
    record = parse(text, "articles/talks", KNOWN)
    assert isinstance(record, Essay)
    assert (record.authors, record.subtitle, record.source, record.image) == ((), "", "", None)
    assert (record.byline, record.date, record.date_text) == ("Unsigned", Date(2020), "2020")


def test_what_is_not_known_is_not_checked():
    unchecked = Known(topics=None, licenses=None, bib_keys=None)
    text = broken(
        ("[sanctions, deterrence]", "[anything]"),
        ("license: CC-BY-4.0", "license: MIT"),
        ("source: chatterji2023broadened", "source: nokey2020x"),
    )
    record = parse(text, "articles/talks", unchecked)
    assert isinstance(record, Essay)
    assert (record.topics, record.license, record.source) == (("anything",), "MIT", "nokey2020x")


# -- One validator per field ------------------------------------------------------------


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        # the block
        pytest.param(
            [(GOOD, "# Talks\n\nText.\n")],
            [
                (
                    1,
                    "an essay starts with YAML front matter between '---' lines: "
                    "copy templates/essay.md",
                )
            ],
            id="no-front-matter",
        ),
        pytest.param(
            [("---\n\n## A section", "\n## A section")],
            [
                (
                    1,
                    "front matter opened with '---' is never closed: end it with a line "
                    "holding only '---'",
                )
            ],
            id="never-closed",
        ),
        pytest.param(
            [("title: Talks with {North Korea}", "title: [unclosed")],
            [
                (
                    3,
                    "front matter is not valid YAML (while parsing a flow sequence started at "
                    "line 2): expected ',' or ']', but got ':'",
                )
            ],
            id="not-yaml",
        ),
        pytest.param(
            [(GOOD[4 : GOOD.index("---\n\n")], "- just\n- a list\n")],
            [(2, "front matter must be 'field: value' lines")],
            id="not-a-mapping",
        ),
        # the fields
        pytest.param(
            [("abstract:", "abstrct:")],
            [(10, "unknown field 'abstrct': did you mean 'abstract'?")],
            id="unknown-field-close",
        ),
        pytest.param(
            [("source: chatterji2023broadened", "publisher: Us")],
            [
                (
                    14,
                    "unknown field 'publisher': the fields are title, subtitle, authors, date, "
                    "abstract, topics, source, license, image, history",
                )
            ],
            id="unknown-field-far",
        ),
        pytest.param(
            [("license: CC-BY-4.0\n", "")],
            [
                (
                    1,
                    "required field 'license' is missing: add 'license:' to the front matter "
                    "(see templates/essay.md)",
                )
            ],
            id="missing-field",
        ),
        pytest.param(
            [("source: chatterji2023broadened\n", "source: chatterji2023broadened\ndate: 2024\n")],
            [(15, "field 'date' is given twice (also line 9)")],
            id="field-twice",
        ),
        # title and subtitle
        pytest.param(
            [("title: Talks with {North Korea}", "title:")],
            [(2, "field 'title' must be non-empty text")],
            id="title-empty",
        ),
        pytest.param(
            [("title: Talks with {North Korea}", "title: [Talks, Korea]")],
            [(2, "field 'title' must be text, not a list")],
            id="title-list",
        ),
        pytest.param(
            [("title: Talks with {North Korea}", "title: Talks with *North Korea*")],
            [
                (
                    2,
                    "field 'title' must be plain text, without Markdown or HTML characters such "
                    "as * _ ` [ ] < > #",
                )
            ],
            id="title-markup",
        ),
        pytest.param(
            [("title: Talks with {North Korea}", "title: Talks with {North Korea")],
            [
                (
                    2,
                    "field 'title' has unbalanced braces: braces mark words that keep their "
                    "capitals, as in 'Talks with {North Korea}'",
                )
            ],
            id="title-braces",
        ),
        pytest.param(
            [("title: Talks with {North Korea}", "title: |\n  Talks\n  with Korea")],
            [(2, "field 'title' must fit on one line")],
            id="title-two-lines",
        ),
        pytest.param(
            [("subtitle: A view from {Seoul}", "subtitle: A view from }Seoul{")],
            [
                (
                    3,
                    "field 'subtitle' has unbalanced braces: braces mark words that keep their "
                    "capitals, as in 'A view from {Seoul}'",
                )
            ],
            id="subtitle-braces",
        ),
        # authors
        pytest.param(
            [(GOOD[GOOD.index("authors:") : GOOD.index("date:")], "authors: Pronoy Chatterji\n")],
            [
                (
                    4,
                    "field 'authors' must be a list of '- name: ...' items, or [] for an "
                    "unsigned essay",
                )
            ],
            id="authors-text",
        ),
        pytest.param(
            [("  - name: Naman Gurudatha", "  - Naman Gurudatha")],
            [(8, "each author needs a 'name': write '- name: Pronoy Chatterji'")],
            id="author-not-a-mapping",
        ),
        pytest.param(
            [("  - name: Naman Gurudatha", "  - nom: Naman Gurudatha")],
            [(8, "unknown author field 'nom': did you mean 'name'?")],
            id="author-name-misspelt",
        ),
        pytest.param(
            [("    affiliation: Example University", "    afiliation: Example University")],
            [(6, "unknown author field 'afiliation': did you mean 'affiliation'?")],
            id="author-field-misspelt",
        ),
        pytest.param(
            [("  - name: Naman Gurudatha", "  - affiliation: Somewhere")],
            [(8, "each author needs a 'name': write '- name: Pronoy Chatterji'")],
            id="author-without-name",
        ),
        pytest.param(
            [("  - name: Naman Gurudatha", "  - name: ''")],
            [(8, "an author's 'name' must be non-empty text")],
            id="author-name-empty",
        ),
        pytest.param(
            [("0000-0002-1825-0097", "0000-0002-1825-0098")],
            [
                (
                    7,
                    "ORCID '0000-0002-1825-0098' of Pronoy Chatterji is not valid (format "
                    "0000-0002-1825-0097, last character a checksum): copy it from orcid.org",
                )
            ],
            id="orcid-checksum",
        ),
        # date
        pytest.param(
            [("date: 2023-02-05", "date: 2023-02-30")],
            [(9, "field 'date': '2023-02-30' is not a date: February 2023 has 28 days")],
            id="date-impossible-day",
        ),
        pytest.param(
            [("date: 2023-02-05", "date: 2024-02-30")],
            [(9, "field 'date': '2024-02-30' is not a date: February 2024 has 29 days")],
            id="date-leap-year",
        ),
        pytest.param(
            [("date: 2023-02-05", "date: 2023-13")],
            [(9, "field 'date': '2023-13' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")],
            id="date-month-13",
        ),
        pytest.param(
            [("date: 2023-02-05", "date: Feb 2023")],
            [(9, "field 'date': 'Feb 2023' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")],
            id="date-words",
        ),
        pytest.param(
            [("date: 2023-02-05", "date:")],
            [(9, "field 'date' must be a date: write YYYY, YYYY-MM or YYYY-MM-DD")],
            id="date-empty",
        ),
        # abstract
        pytest.param(
            [("abstract: >-\n  Two sentences\n  of abstract.", "abstract: ~")],
            [(10, "field 'abstract' must be non-empty text")],
            id="abstract-null",
        ),
        # topics
        pytest.param(
            [("[sanctions, deterrence]", "sanctions")],
            [(13, "field 'topics' must be a list, not text: write [sanctions]")],
            id="topics-text",
        ),
        pytest.param(
            [("[sanctions, deterrence]", "[]")],
            [(13, "field 'topics' must be a list such as [deterrence, sanctions]")],
            id="topics-empty",
        ),
        pytest.param(
            [("[sanctions, deterrence]", "[sanction, deterrence]")],
            [
                (
                    13,
                    "unknown topic 'sanction': did you mean 'sanctions'? The topics are "
                    "deterrence, sanctions (peninsula_topics in conf.py)",
                )
            ],
            id="topic-close",
        ),
        pytest.param(
            [("[sanctions, deterrence]", "\n  - sanctions\n  - diplomacy")],
            [
                (
                    15,
                    "unknown topic 'diplomacy': choose from deterrence, sanctions "
                    "(peninsula_topics in conf.py)",
                )
            ],
            id="topic-far-on-its-own-line",
        ),
        pytest.param(
            [("[sanctions, deterrence]", "[sanctions, sanctions]")],
            [(13, "topic 'sanctions' is listed twice: remove one")],
            id="topic-twice",
        ),
        # source
        pytest.param(
            [("source: chatterji2023broadened", "source: chatterji2023broad")],
            [
                (
                    14,
                    "field 'source': 'chatterji2023broad' is not a key of refs.bib: "
                    "did you mean 'chatterji2023broadened'?",
                )
            ],
            id="source-close",
        ),
        pytest.param(
            [("source: chatterji2023broadened", "source: nokey2020x")],
            [
                (
                    14,
                    "field 'source': 'nokey2020x' is not a key of refs.bib: add the original "
                    "publication there and give its key",
                )
            ],
            id="source-far",
        ),
        # license
        pytest.param(
            [("license: CC-BY-4.0", "license: CC-BY-4")],
            [
                (
                    15,
                    "unknown license 'CC-BY-4': did you mean 'CC-BY-4.0'? The licenses are "
                    "CC-BY-4.0 (peninsula_licenses in conf.py)",
                )
            ],
            id="license-close",
        ),
        pytest.param(
            [("license: CC-BY-4.0", "license: MIT")],
            [(15, "unknown license 'MIT': choose from CC-BY-4.0 (peninsula_licenses in conf.py)")],
            id="license-far",
        ),
        # image
        pytest.param(
            [(GOOD[GOOD.index("image:") : GOOD.index("---\n\n")], "image: map.png\n")],
            [
                (
                    16,
                    "field 'image' must hold 'file:', 'alt:' and 'credit:' lines, indented "
                    "under it",
                )
            ],
            id="image-text",
        ),
        pytest.param(
            [("  alt: A map\n", "")],
            [(16, "image needs 'alt:' — what the picture shows, for readers who cannot see it")],
            id="image-without-alt",
        ),
        pytest.param(
            [("  credit:", "  credits:")],
            [(19, "unknown image field 'credits': did you mean 'credit'?")],
            id="image-field-misspelt",
        ),
        pytest.param(
            [("file: map.png", "file: map.pdf")],
            [(17, "image file 'map.pdf' is not a picture: use .png, .jpg, .jpeg")],
            id="image-not-a-picture",
        ),
        pytest.param(
            [("file: map.png", "file: missing.png")],
            [
                (
                    17,
                    "image file 'missing.png' is not there: put it beside the essay "
                    "(expected at articles/missing.png)",
                )
            ],
            id="image-missing",
        ),
        pytest.param(
            [("file: map.png", "file: ../map.png")],
            [
                (
                    17,
                    "image file '../map.png' is not there: put it beside the essay "
                    "(expected at map.png)",
                )
            ],
            id="image-outside",
        ),
        # what is not text, and YAML that no value should be built from
        pytest.param(
            [("abstract: >-\n  Two sentences\n  of abstract.", 'abstract: "Two\n  of \\a text."')],
            [
                (
                    11,
                    "field 'abstract' holds the control character U+0007, which is not text: delete it",
                )
            ],
            id="control-character-escaped-on-a-later-line",
        ),
        pytest.param(
            [("- name: Naman Gurudatha", '- name: "Naman \\e[2J Gurudatha"')],
            [
                (
                    8,
                    "an author's 'name' holds the control character U+001B, which is not "
                    "text: delete it",
                )
            ],
            id="terminal-escape-in-a-name",
        ),
        pytest.param(
            [("license: CC-BY-4.0", 'license: CC-BY-4.0\n"\\e[2J": x')],
            [
                (
                    16,
                    "unknown field '\\x1b[2J': the fields are title, subtitle, authors, date, "
                    "abstract, topics, source, license, image, history",
                )
            ],
            id="terminal-escape-in-a-field-name-is-shown-escaped",
        ),
        pytest.param(
            [("title: Talks with {North Korea}", "title: Talks\x07")],
            [(2, "front matter holds the control character U+0007, which is not text: delete it")],
            id="control-character-written-as-itself",
        ),
        pytest.param(
            [("subtitle: A view from {Seoul}", 'subtitle: "A view \\uFFFE"')],
            [(3, "field 'subtitle' holds the non-character U+FFFE, which is not text: delete it")],
            id="non-character",
        ),
        pytest.param(
            [("affiliation: Example University", 'affiliation: "Example \\ud800"')],
            [
                (
                    6,
                    "an author's 'affiliation' holds the lone surrogate U+D800, which is not "
                    "text: delete it",
                )
            ],
            id="lone-surrogate",
        ),
        pytest.param(
            [("title: Talks with {North Korea}", 'title: "Talks\\Lwith"')],
            [(2, "field 'title' must fit on one line")],
            id="line-separator-in-a-title",
        ),
        pytest.param(
            [
                ("title: Talks with", "title: &k Talks with"),
                ("source: chatterji2023broadened", "source: *k"),
            ],
            [
                (
                    14,
                    "front matter uses the YAML alias '*k': write the value out where it is "
                    "needed; front matter takes no aliases",
                )
            ],
            id="alias",
        ),
        pytest.param(
            [("topics: [sanctions, deterrence]", "topics: " + "[" * 17 + "]" * 17)],
            [
                (
                    13,
                    "front matter is nested more than 16 levels deep: write 'field: value' "
                    "lines as templates/essay.md does",
                )
            ],
            id="nested-too-deep",
        ),
        pytest.param(
            [("- name: Naman Gurudatha", "- name: Pronoy Chatterji")],
            [(8, "author 'Pronoy Chatterji' is listed twice (also line 5): remove one")],
            id="author-twice",
        ),
        pytest.param(
            [("- name: Naman Gurudatha", "- name: pronoy-chatterji")],
            [
                (
                    8,
                    "author 'pronoy-chatterji' would share the page authors/pronoy-chatterji "
                    "with 'Pronoy Chatterji' (line 5): write one person's name the same way "
                    "everywhere, and two people's names so that they differ in more than "
                    "accents, case or punctuation",
                )
            ],
            id="two-names-one-page",
        ),
        pytest.param(
            [("- name: Naman Gurudatha", '- name: "..."')],
            [
                (
                    8,
                    "an author's 'name' '...' has no letter or digit to name the author's "
                    "page with: write the name as the author signs it",
                )
            ],
            id="name-without-letters",
        ),
    ],
)
def test_each_mistake_gives_one_message_at_its_line(folder, edits, expected):
    assert problems_of(broken(*edits), folder) == expected


def test_text_is_one_line_of_single_spaces(folder):
    record = parse(
        broken(("title: Talks with {North Korea}", 'title: "Talks  with\\t{North Korea}"')),
        "articles/talks",
        KNOWN,
        folder,
    )
    assert isinstance(record, Essay)
    assert (record.title, record.title_bibtex) == (
        "Talks with North Korea",
        "Talks with {North Korea}",
    )
    assert record.abstract == "Two sentences of abstract."


def test_every_mistake_of_a_file_is_reported_at_once(folder):
    text = broken(
        ("0000-0002-1825-0097", "0000-0002-1825-0098"),
        ("date: 2023-02-05", "date: 2023-02-30"),
        ("[sanctions, deterrence]", "[sanctions, diplomacy]"),
        ("  alt: A map\n", ""),
        ("license:", "licence:"),
    )
    assert [line for line, _ in problems_of(text, folder)] == [7, 9, 13, 15, 16]


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (
            lambda folder: (folder / "map.png").symlink_to(folder.parent / "secret.png"),
            "it leads outside the essay's folder through a symlink",
        ),
        (
            lambda folder: (folder / "map.png").write_text("a password\n"),
            "the file is not a PNG picture",
        ),
    ],
    ids=["symlink-outside", "not-a-png"],
)
def test_the_picture_is_a_picture_in_the_essays_folder(tmp_path, make, why):
    folder = tmp_path / "articles"
    folder.mkdir()
    (tmp_path / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\nsecret")
    make(folder)
    assert problems_of(GOOD, folder) == [
        (
            17,
            f"image file 'map.png' is refused: {why}: save it as PNG or JPEG in the "
            "essay's folder and give its name",
        )
    ]


def test_the_picture_is_not_looked_for_without_a_folder():
    record = parse(broken(("file: map.png", "file: missing.png")), "articles/talks", KNOWN)
    assert isinstance(record, Essay) and record.image is not None
    assert record.image.file == "articles/missing.png"


@pytest.mark.parametrize(
    ("orcid", "ok"),
    [
        ("0000-0002-1825-0097", True),
        ("0000-0001-5109-3700", True),
        ("0000-0002-1694-233X", True),
        ("0000-0002-1825-0098", False),
        ("0000-0002-1825-009", False),
        ("0000000218250097", False),
    ],
)
def test_orcid_checksum(orcid, ok):
    assert orcid_ok(orcid) is ok


# -- Reading the authors for the browse pages ------------------------------------------


def test_author_names_are_read_from_any_file_without_failing():
    assert author_names(GOOD) == [("Pronoy Chatterji", 5), ("Naman Gurudatha", 8)]
    # YAML would fail to build this date; the names are read all the same
    assert author_names(GOOD.replace("2023-02-05", "2023-02-30")) == [
        ("Pronoy Chatterji", 5),
        ("Naman Gurudatha", 8),
    ]
    # a name the parser refuses has no page
    assert author_names(GOOD.replace("Naman Gurudatha", '"Naman\\aGurudatha"')) == [
        ("Pronoy Chatterji", 5)
    ]
    for text in (
        "",
        "---",
        "---\n- a\n---\n",
        "---\nauthors: {name: x}\n---\n",
        "---\nauthors: [[1], 2, {name: [x]}]\n---\n",
        "---\nauthors: !!python/object:os.system [ls]\n---\n",
        # nested deeper than libyaml's recursion, or Python's, can go
        "---\n" + "[" * 4000 + "\n---\n",
        "---\n" + "- " * 100_000 + "\n---\n",
        "---\nauthors: [&a {name: A}, *a, *b]\n---\n",
        "---\n\x00\x07\n---\n",
    ):
        assert author_names(text) == []
        result = parse(text, "articles/talks", KNOWN)
        assert isinstance(result, list) and all(isinstance(p, Problem) for p in result)
    rng = random.Random(2023)
    characters = list("-:[]{}!&*|>'\"#\n @0xé\t\\")
    for _ in range(1500):
        chars = list(GOOD)
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(chars))
            chars[at : at + rng.randint(0, 3)] = rng.choice(characters)
        text = "".join(chars)
        names = author_names(text)
        assert all(isinstance(name, str) and name and line > 1 for name, line in names)
        # and the parser turns the same text into a record or problems, never an exception
        result = parse(text, "articles/talks", KNOWN)
        assert isinstance(result, Essay) or all(isinstance(p, Problem) for p in result)


# -- conf.py's topics and licences ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"sanctions": "Sanctions", "missile-tests": "Missile tests"}, []),
        (
            ["sanctions"],
            [
                "peninsula_topics is a list, not a dict: give each topic's slug and label, "
                "as in {'sanctions': 'Sanctions'}"
            ],
        ),
        (
            {"sanctions": 3},
            [
                "peninsula_topics: the label of 'sanctions' is 3, not text: give each topic "
                "its label, as in {'sanctions': 'Sanctions'}"
            ],
        ),
        (
            {"Missile tests": "Missile tests"},
            [
                "peninsula_topics: topic 'Missile tests' is not a slug: write lowercase words "
                "joined by hyphens, as in 'missile-tests'"
            ],
        ),
    ],
)
def test_topics_setting(value, expected):
    assert topics_problems(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"CC-BY-4.0": ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")}, []),
        (
            "CC-BY-4.0",
            [
                "peninsula_licenses is text, not a dict: give each licence's identifier, name "
                "and address, as in {'CC-BY-4.0': ('Creative Commons Attribution 4.0 "
                "International', 'https://creativecommons.org/licenses/by/4.0/')}"
            ],
        ),
        (
            {"CC-BY-4.0": "Creative Commons"},
            [
                "peninsula_licenses: 'CC-BY-4.0' is 'Creative Commons': give the licence's name "
                "and address, as in ('Creative Commons Attribution 4.0 International', "
                "'https://creativecommons.org/licenses/by/4.0/')"
            ],
        ),
    ],
)
def test_licenses_setting(value, expected):
    assert licenses_problems(value) == expected


# -- Bad-input rows (tests/harness.py) ----------------------------------------------------------

ESSAY = "articles/the-line.md"
TOPICS = (
    "alliances, china, denuclearization, deterrence, inter-korean-relations, military-posture, "
    "missile-tests, northern-limit-line, sanctions, summit-diplomacy"
)


def front_matter_warning(line: int, message: str) -> str:
    return f"{ESSAY}:{line}: WARNING: front matter: {message} [essays.front_matter]"


def break_essay(project: Path, *edits: tuple[str, str]) -> None:
    essay = project / ESSAY
    text = essay.read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    essay.write_text(text)


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        pytest.param(
            [("date: 2023-02", "date: 2023-02-30")],
            [
                front_matter_warning(
                    6, "field 'date': '2023-02-30' is not a date: February 2023 has 28 days"
                )
            ],
            id="impossible-date",
        ),
        pytest.param(
            [("topics: [northern-limit-line]", "topics: [northern-limit]")],
            [
                front_matter_warning(
                    8,
                    "unknown topic 'northern-limit': did you mean 'northern-limit-line'? "
                    f"The topics are {TOPICS} (peninsula_topics in conf.py)",
                )
            ],
            id="unknown-topic",
        ),
        pytest.param(
            [("0000-0002-1825-0097", "0000-0002-1825-0098")],
            [
                front_matter_warning(
                    5,
                    "ORCID '0000-0002-1825-0098' of Ada Keeper is not valid (format "
                    "0000-0002-1825-0097, last character a checksum): copy it from orcid.org",
                )
            ],
            id="bad-orcid-at-its-line",
        ),
        pytest.param(
            [("topics: [northern-limit-line]", "topics: northern-limit-line")],
            [
                front_matter_warning(
                    8, "field 'topics' must be a list, not text: write [northern-limit-line]"
                )
            ],
            id="text-for-a-list",
        ),
        pytest.param(
            [("abstract:", "abstrct:")],
            [front_matter_warning(7, "unknown field 'abstrct': did you mean 'abstract'?")],
            id="unknown-field",
        ),
        pytest.param(
            [
                ("0000-0002-1825-0097", "0000-0002-1825-0098"),
                ("date: 2023-02", "date: 2023-02-30"),
                ("abstract:", "abstrct:"),
            ],
            [
                front_matter_warning(
                    5,
                    "ORCID '0000-0002-1825-0098' of Ada Keeper is not valid (format "
                    "0000-0002-1825-0097, last character a checksum): copy it from orcid.org",
                ),
                front_matter_warning(
                    6, "field 'date': '2023-02-30' is not a date: February 2023 has 28 days"
                ),
                front_matter_warning(7, "unknown field 'abstrct': did you mean 'abstract'?"),
            ],
            id="three-mistakes-one-build",
        ),
    ],
)
def test_a_front_matter_mistake_is_refused(broken_copy, edits, expected):
    break_essay(broken_copy, *edits)
    assert_refused(broken_copy, expected)


def test_a_wrong_topics_setting_is_refused_at_its_line_of_conf_py(broken_copy):
    # the project's conf.py runs the repository's; a setting made in it is
    # reported at its own line
    conf = broken_copy / "conf.py"
    text = conf.read_text().rstrip("\n") + "\n"
    line = text.count("\n") + 1
    conf.write_text(text + 'peninsula_topics = {**peninsula_topics, "northern-limit-line": 1}\n')
    assert_refused(
        broken_copy,
        [
            f"conf.py:{line}: WARNING: peninsula_topics: the label of 'northern-limit-line' "
            "is 1, not text: give each topic its label, as in {'sanctions': 'Sanctions'} "
            "[essays.config]"
        ],
    )
