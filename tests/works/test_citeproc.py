"""Our APA 7 style (peninsula.works.apa) against citeproc-js with the APA 7 CSL style,
on tests/data/apa-corpus.bib (tests/citeproc/: the converter, the renderer and
the comparison).

Every difference must be listed, with the APA rule behind it, in
tests/data/apa-differences.yaml; a listed difference that is gone fails too.
The agreement rate is written to _build/citeproc-agreement.json for the README.
Node and the npm packages (`make test`: npm ci) are needed: without them these
tests fail, they are never skipped.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from citeproc import csl, report
from peninsula.works.bibfile import read_bibfiles
from pybtex.database import parse_string

REPO = Path(__file__).resolve().parents[2]
AGREEMENT = REPO / "_build" / "citeproc-agreement.json"
MIN_ENTRIES = 60
#: the BibTeX and BibLaTeX types the corpus must hold, each at least once
TYPES = {
    "article",
    "book",
    "inbook",
    "incollection",
    "inproceedings",
    "proceedings",
    "report",
    "techreport",
    "phdthesis",
    "mastersthesis",
    "thesis",
    "online",
    "misc",
    "unpublished",
    "manual",
    "jurisdiction",
    "legislation",
    "legal",
}


@pytest.fixture(scope="module")
def corpus():
    return report.load_corpus()


@pytest.fixture(scope="module")
def result():
    return report.run()


# -- The corpus -------------------------------------------------------------------------


def test_the_corpus_holds_every_type(corpus):
    kinds = Counter(entry.type.lower() for entry in corpus.entries.values())
    assert len(corpus.entries) >= MIN_ENTRIES
    assert TYPES - set(kinds) == set()


def _count(entry, role: str) -> int:
    if entry.persons.get(role):
        return len(entry.persons[role])
    return len(entry.fields.get(role, "").split(" and ")) if entry.fields.get(role) else 0


@pytest.mark.parametrize(
    "what,holds",
    [
        ("an edition", lambda e: "edition" in e.fields),
        ("a translator", lambda e: "translator" in e.fields),
        ("a volume", lambda e: "volume" in e.fields and e.type.lower() == "book"),
        ("volumes", lambda e: "volumes" in e.fields),
        ("a series", lambda e: "series" in e.fields),
        (
            "a report number",
            lambda e: e.type.lower() in ("report", "techreport") and "number" in e.fields,
        ),
        ("a DOI", lambda e: "doi" in e.fields),
        ("a URL", lambda e: "url" in e.fields),
        ("a retrieval date", lambda e: "urldate" in e.fields),
        ("a group author with an abbreviation", lambda e: "shortauthor" in e.fields),
        ("no date", lambda e: "date" not in e.fields and "year" not in e.fields),
        ("one author", lambda e: _count(e, "author") == 1),
        ("two authors", lambda e: _count(e, "author") == 2),
        ("three to five authors", lambda e: 3 <= _count(e, "author") <= 5),
        ("twenty authors", lambda e: _count(e, "author") == 20),
        ("twenty-one authors", lambda e: _count(e, "author") == 21),
        ("more than twenty-one authors", lambda e: _count(e, "author") > 21),
        ("editors and no author", lambda e: _count(e, "editor") and not _count(e, "author")),
        ("no author and no editor", lambda e: not _count(e, "author") and not _count(e, "editor")),
        (
            "a published thesis",
            lambda e: "thesis" in e.type.lower() and ("url" in e.fields or "publisher" in e.fields),
        ),
        (
            "an unpublished thesis",
            lambda e: (
                "thesis" in e.type.lower()
                and not {"publisher", "howpublished", "url", "doi"} & set(e.fields)
            ),
        ),
        (
            "a United Nations document",
            lambda e: (
                "United Nations" in e.fields.get("author", "") + str(e.persons.get("author", ""))
            ),
        ),
    ],
)
def test_the_corpus_holds(corpus, what, holds):
    assert any(holds(entry) for entry in corpus.entries.values()), f"no entry with {what}"


def test_the_corpus_has_works_by_one_author_in_one_year(corpus):
    """2021a and 2021b, n.d.-a and n.d.-b (APA 9.47)."""
    seen = Counter()
    for entry in corpus.entries.values():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        who = tuple(str(p) for p in people)
        seen[who, entry.fields.get("date", "nd")[:4]] += 1
    repeated = {year for (who, year), n in seen.items() if who and n > 1}
    assert "nd" in repeated and any(year.isdigit() for year in repeated), repeated


def test_the_corpus_follows_the_bib_rules():
    """Keys, dates, fields and text as refs.bib's (peninsula.works.bibfile), and every
    entry one the style formats."""
    read = read_bibfiles([report.CORPUS], "utf-8")
    assert [f"line {p.line}: {p.message}" for _, p in read.problems] == []


# -- The comparison -----------------------------------------------------------------------


def test_every_difference_is_listed_with_its_rule(result):
    failures = result.verdict.failures
    assert failures == [], f"{len(failures)} problems:\n\n" + "\n\n".join(failures)


def test_the_agreement_rate_is_recorded(result):
    rates = result.rates
    AGREEMENT.parent.mkdir(exist_ok=True)
    AGREEMENT.write_text(
        json.dumps(
            {
                "style": result.style,
                "corpus": str(report.CORPUS.relative_to(REPO)),
                **rates,
                "differences": len(result.differences),
                "listed": len(result.verdict.justified),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    assert rates["entries"] == len(result.keys) >= MIN_ENTRIES
    assert all(0 <= rates[a]["identical"] <= rates["entries"] for a in (*report.ASPECTS, "all"))
    assert result.style["title"] == "APA Style 7th edition"


def test_both_sides_format_every_entry(result):
    assert set(result.ours.entries) == set(result.citeproc.entries) == set(result.keys)
    assert sorted(result.ours.order) == sorted(result.citeproc.order) == sorted(result.keys)


# -- Controls: the comparison can fail -------------------------------------------------


def test_a_wrong_string_is_reported(result):
    """A reference citeproc agrees with, made wrong in one character, is an
    unlisted difference, shown with both strings."""
    key = next(k for k in result.keys if not any(d.key == k for d in result.differences))
    right = result.ours.entries[key]
    wrong = replace(right, reference=right.reference.replace(").", "),", 1))
    assert wrong.reference != right.reference
    broken = replace(result.ours, entries={**result.ours.entries, key: wrong})
    differences = report.compare(broken, result.citeproc, result.keys)
    verdict = report.judge([d for d in differences if d not in result.differences], [])
    assert [(d.key, d.aspect) for d in verdict.unlisted] == [(key, "reference")]
    message = verdict.failures[0]
    assert report.normalise(wrong.reference) in message
    assert report.normalise(result.citeproc.entries[key].reference) in message


def test_a_wrong_italic_is_reported(result):
    key = next(k for k in result.keys if "<em>" in result.ours.entries[k].reference_html)
    right = result.ours.entries[key]
    wrong = replace(
        right, reference_html=right.reference_html.replace("<em>", "", 1).replace("</em>", "", 1)
    )
    broken = replace(result.ours, entries={**result.ours.entries, key: wrong})
    found = {(d.key, d.aspect) for d in report.compare(broken, result.citeproc, [key])}
    assert (key, "italics") in found


def test_typography_alone_is_no_difference():
    assert report.normalise("Kim, E. (2022).  “Missile”\u00a0tests, 65–85") == report.normalise(
        'Kim, E. (2022). "Missile" tests, 65-85'
    )
    assert report.normalise("Kim, E. (2022)") != report.normalise("Kim, E. (2021)")


def test_listed_differences_that_changed_or_went_are_reported():
    diff = report.Difference("kim2022missile", "reference", "ours text", "their text")
    exact = report.Listed("kim2022missile", "reference", "ours text", "their text", "APA 9.29")
    other = replace(exact, ours="an older ours text")
    gone = report.Listed("chang2015revisiting", "citation", "a", "b", "APA 8.17")
    no_rule = replace(exact, rule=" ")
    assert report.judge([diff], [exact]).failures == []
    assert report.judge([diff], [other]).changed == [(diff, other)]
    assert report.judge([diff], [exact, gone]).stale == [gone]
    assert report.judge([diff], [no_rule]).no_rule == [no_rule]
    assert report.judge([diff], []).unlisted == [diff]


def test_the_differences_file_is_read(tmp_path):
    listed = tmp_path / "differences.yaml"
    listed.write_text(
        "- key: kim2022missile\n  field_or_aspect: reference\n  ours: “a”\n"
        "  citeproc: b\n  rule: APA 9.16\n",
        encoding="utf-8",
    )
    assert report.load_listed(listed) == [
        report.Listed("kim2022missile", "reference", '"a"', "b", "APA 9.16")
    ]
    assert report.load_listed(tmp_path / "missing.yaml") == []


def test_without_node_the_comparison_fails(monkeypatch):
    monkeypatch.setattr(report.shutil, "which", lambda name: None)
    with pytest.raises(report.RunnerMissing, match="node is not installed"):
        report.check_runner()


# -- The converter ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title,stored",
    [
        (
            "The Psychology of Prejudice: From Attitudes",
            "The psychology of prejudice: From attitudes",
        ),
        (
            "{North Korea's} Missile Crossed the {Northern Limit Line}",
            "North Korea's missile crossed the Northern Limit Line",
        ),
        ("The {China}--{North Korea} Strategic Rift", "The China–North Korea strategic rift"),
        ("Ratio 3:1 Holds", "Ratio 3:1 holds"),
    ],
)
def test_titles_take_bibtex_sentence_case(title, stored):
    assert csl.decode(csl.bibtex_sentence_case(title)) == stored


def test_fields_map_to_csl():
    entry = parse_string(
        r"""@phdthesis{hollander2017resistance,
          author = {van den Berg, Pieter and King, Jr., Martin Luther and {World Health Organization}},
          translator = {Weaver, Helen},
          title = {Resistance}, number = {10289373}, school = {University of Wisconsin--Madison},
          publisher = {ProQuest Dissertations and Theses Global}, date = {2017-03},
          urldate = {2023-02-03}, doi = {10.5555/x_y}, pages = {1--9},
        }""",
        "bibtex",
    ).entries["hollander2017resistance"]
    item = csl.to_csl(entry)
    assert item["type"] == "thesis" and item["genre"] == "Doctoral dissertation"
    assert item["author"] == [
        {"family": "Berg", "given": "Pieter", "non-dropping-particle": "van den"},
        {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
        {"literal": "World Health Organization"},
    ]
    assert item["translator"] == [{"family": "Weaver", "given": "Helen"}]
    assert item["publisher"] == "University of Wisconsin–Madison"
    assert item["archive"] == "ProQuest Dissertations and Theses Global"
    assert item["issued"] == {"date-parts": [[2017, 3]]}
    assert item["accessed"] == {"date-parts": [[2023, 2, 3]]}
    assert (item["number"], item["DOI"], item["page"]) == ("10289373", "10.5555/x_y", "1–9")
