"""The claims table covers every citation of the corpus, each with the quote that
supports it (tests/claims.py).

The first tests check the real table against the real corpus; the others check,
on a corpus of three small files written here, that the checker refuses every
kind of incomplete or unverifiable entry, naming the entry and what to fix.
"""

from __future__ import annotations

import copy
import re
import textwrap

import pytest
import yaml
from claims import (
    REPO,
    TABLE,
    corpus_files,
    keys_of,
    load_table,
    main,
    paragraphs,
    problems,
    visible,
)


@pytest.fixture(scope="module")
def table() -> list[dict]:
    return yaml.safe_load(TABLE.read_text(encoding="utf-8"))


def test_every_citation_has_a_checked_claim(table):
    assert problems(table, corpus_files()) == []


def test_every_key_is_a_work_of_refs_bib(table):
    keys = set(
        re.findall(r"^@\w+\{([^,\s]+),", (REPO / "refs.bib").read_text(encoding="utf-8"), re.M)
    )
    assert {k for entry in table for k in keys_of(entry)} <= keys


# -- A corpus of three small files -------------------------------------------

ESSAY = """\
---
title: An essay
---

The missile came down 26 kilometers south of the line, CSIS reports {cite:p}`kim2022missile`.
The source puts it at sixteen miles {cite:p}`source2023essay`.

- A list item about the armistice signed at Panmunjom in 1953 {cite:p}`agreement1953armistice`.
"""

GLOSSARY = """\
```{glossary}
NLL
  The disputed sea border between the two Koreas, drawn after the armistice {cite:p}`reuters2010factbox`.
```
"""

CHRONOLOGY = """\
- date: 2022-11-02
  label: event-launches
  title: Launches
  description: >-
    North Korea fires 25 missiles in a single day {cite:p}`kim2022missile`.
"""

SEED = "On November 2, 2022, North Korea conducted yet another trial run, this time launching twenty five missiles.\n"


def item(key: str, quote: str, address: str = "https://example.org/copy") -> dict:
    return {"key": key, "quote": quote, "where": "paragraph 1", "address": address}


def entry(file: str, claim: str, *support: dict) -> dict:
    return {"file": file, "claim": claim, "says": "what the work says", "support": list(support)}


GOOD = [
    entry(
        "articles/essay.md",
        "The missile came down 26 kilometers south of the line",
        item("kim2022missile", "That same missile landed 26 kilometers (16 miles) south"),
    ),
    entry(
        "articles/essay.md",
        "The source puts it at sixteen miles",
        item("source2023essay", "this time launching twenty five missiles", "seed seed1.txt"),
    ),
    entry(
        "articles/essay.md",
        "A list item about the armistice signed at Panmunjom",
        item("agreement1953armistice", "Done at Panmunjom, Korea"),
    ),
    entry(
        "glossary.md",
        "The disputed sea border between the two Koreas",
        item("reuters2010factbox", "The truce made no direct mention of sea borders."),
    ),
    entry(
        "chronology.yaml",
        "North Korea fires 25 missiles in a single day",
        item("kim2022missile", "the largest number of missiles that North Korea has fired"),
    ),
]


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "essay.md").write_text(ESSAY, encoding="utf-8")
    (tmp_path / "glossary.md").write_text(GLOSSARY, encoding="utf-8")
    (tmp_path / "chronology.yaml").write_text(CHRONOLOGY, encoding="utf-8")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "seed1.txt").write_text(SEED, encoding="utf-8")
    return tmp_path


def check(corpus, table: list[dict]) -> list[str]:
    return problems(table, corpus_files(corpus), corpus, corpus / "seeds")


def changed(n: int, **fields) -> list[dict]:
    """GOOD with entry *n* changed: a field set (None removes it), or support
    item 0's field when the name starts with ``support_``."""
    table = copy.deepcopy(GOOD)
    for name, value in fields.items():
        target, field = (
            (table[n]["support"][0], name.removeprefix("support_"))
            if name.startswith("support_")
            else (table[n], name)
        )
        if value is None:
            del target[field]
        else:
            target[field] = value
    return table


def test_a_complete_table_passes(corpus):
    assert check(corpus, GOOD) == []


@pytest.mark.parametrize("field", ["quote", "where", "address", "key"])
@pytest.mark.parametrize("value", [None, "", "   "], ids=["missing", "empty", "blank"])
def test_a_support_item_without_a_field_is_refused(corpus, field, value):
    found = check(corpus, changed(0, **{f"support_{field}": value}))
    assert any(
        line.startswith("entry 1: support item 1: missing or empty ") and field in line
        for line in found
    ), found


@pytest.mark.parametrize("field", ["support", "says", "claim", "file"])
def test_an_entry_without_a_field_is_refused(corpus, field):
    found = check(corpus, changed(0, **{field: None}))
    assert any(line.startswith(f"entry 1: missing {field}") for line in found), found


def test_an_entry_of_the_old_schema_is_refused(corpus):
    old = {
        "file": "articles/essay.md",
        "claim": "The missile came down 26 kilometers south of the line",
        "keys": ["kim2022missile"],
        "says": "CSIS says so",
        "where": "paragraph 1",
    }
    found = check(corpus, [old, *GOOD[1:]])
    assert found[:2] == [
        "entry 1: unknown field keys, where: an entry has file, claim, says, support; each key, "
        "with its quote, where and address, is an item of support",
        "entry 1: missing support: give every entry file, claim, says, support",
    ]
    # and its citation is not covered
    assert any(line.startswith("articles/essay.md:5: citation of kim2022missile") for line in found)


@pytest.mark.parametrize(
    ("words", "refused"), [(39, False), (40, True), (41, True)], ids=["39", "40", "41"]
)
def test_a_quote_of_40_words_or_more_is_refused(corpus, words, refused):
    quote = " ".join(["word"] * words)
    found = check(corpus, changed(0, support_quote=quote))
    message = (
        f"entry 1: support for kim2022missile: the quote has {words} words: quote fewer than 40, "
        "the words that support the claim"
    )
    assert (message in found) is refused, found


@pytest.mark.parametrize(
    "address",
    [
        "ftp://example.org/copy",
        "www.csis.org/analysis/north-koreas-missile",
        "https://",
        "the CSIS website",
        "seed",
        "seed two words.txt",
        "Chatterji & Gurudatha (2023), the source essay",
    ],
)
def test_an_address_neither_a_url_nor_a_seed_is_refused(corpus, address):
    found = check(corpus, changed(0, support_address=address))
    assert (
        f"entry 1: support for kim2022missile: address {address!r} is neither an http(s) URL "
        "nor 'seed <file name>': give the address of the copy that was read"
    ) in found


@pytest.mark.parametrize("address", ["https://www.csis.org/analysis/x", "http://un.org/p?q=1"])
def test_an_http_address_is_accepted(corpus, address):
    assert check(corpus, changed(0, support_address=address)) == []


def test_a_quote_not_in_its_source_essay_is_refused(corpus):
    found = check(corpus, changed(1, support_quote="launching twenty-five missiles at once"))
    assert found == [
        "entry 2: support for source2023essay: the quote is not in the source essay seed1.txt: "
        "copy its words exactly"
    ]


def test_a_quote_from_a_source_essay_may_differ_in_spacing_and_quotation_marks(corpus):
    (corpus / "seeds" / "seed1.txt").write_text("the North’s “initial test”\nwas", encoding="utf-8")
    table = changed(1, support_quote='the North\'s "initial test" was')
    assert check(corpus, table) == []


def test_a_source_essay_that_is_not_there_is_refused(corpus):
    found = check(corpus, changed(1, support_address="seed seed9.txt"))
    assert found == [
        f"entry 2: support for source2023essay: no source essay 'seed9.txt' in {corpus / 'seeds'}: "
        "give its file name"
    ]


def test_a_key_given_twice_is_refused(corpus):
    table = copy.deepcopy(GOOD)
    table[0]["support"].append(item("kim2022missile", "another quote"))
    assert check(corpus, table) == [
        "entry 1: support for kim2022missile is given twice: give one item per key"
    ]


def test_support_keys_the_paragraph_does_not_cite_are_refused(corpus):
    """The support names the works the paragraph cites for the claim, no other."""
    table = copy.deepcopy(GOOD)
    table[0]["support"].append(item("reuters2010factbox", "a quote"))
    found = check(corpus, table)
    assert found == [
        "entry 1: articles/essay.md: claim 'The missile came down 26 kilometers south of the line'…: "
        "the paragraph at line 5 does not cite reuters2010factbox: the support's keys must be "
        "cited by the paragraph: update the entry"
    ]


def test_a_support_that_is_not_a_list_is_refused(corpus):
    found = check(corpus, changed(0, support=item("kim2022missile", "a quote")))
    assert found[0] == (
        "entry 1: support is not a list of items: give one item per key cited, "
        "each with key, quote, where, address"
    )


def test_an_unknown_support_field_is_refused(corpus):
    found = check(corpus, changed(0, support_page="p. 12"))
    assert found == [
        "entry 1: support item 1: unknown field page: an item has key, quote, where, address"
    ]


def test_a_dropped_entry_is_reported_at_its_paragraph(corpus):
    """The check can fail: without one entry, its citation is reported at its line."""
    for n, dropped in enumerate(GOOD):
        rest = GOOD[:n] + GOOD[n + 1 :]
        found = check(corpus, rest)
        para = next(
            p
            for p in paragraphs(dropped["file"], corpus)
            if " ".join(dropped["claim"].split()) in p.text
        )
        key = keys_of(dropped)[0]
        assert found == [
            f"{dropped['file']}:{para.line}: citation of {key} has no entry in the claims table: "
            f"add the claim, what {key} says, and a support item with its quote"
        ]


def test_a_claim_no_longer_in_its_paragraph_is_reported(corpus):
    table = changed(0, claim="words that no paragraph of the corpus contains at all")
    found = check(corpus, table)
    assert "no paragraph has these words" in found[0]
    assert found[1].startswith("articles/essay.md:5: citation of kim2022missile")


def test_a_claim_under_five_words_is_refused(corpus):
    table = copy.deepcopy(GOOD)
    table[4]["claim"] = "fires 25 missiles"
    assert check(corpus, table) == [
        "entry 5: claim 'fires 25 missiles' is under 5 words: copy enough to find the sentence"
    ]


def test_a_partial_table_is_checked_against_the_files_it_names(corpus, tmp_path, capsys):
    """A writer checks their part: the citations of other files are not asked for."""
    part = tmp_path / "claims-part.yaml"
    part.write_text(yaml.safe_dump([e for e in GOOD if e["file"] == "glossary.md"]))
    assert main([str(part)], corpus, corpus / "seeds") == 0
    assert capsys.readouterr().out == "1 entries, 1 citations in 1 files, 0 problems\n"

    part.write_text(yaml.safe_dump([e for e in GOOD if e["file"] == "articles/essay.md"][:2]))
    assert main([str(part)], corpus, corpus / "seeds") == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "articles/essay.md:8: citation of agreement1953armistice has no entry in the claims table: "
        "add the claim, what agreement1953armistice says, and a support item with its quote",
        "2 entries, 3 citations in 1 files, 1 problems",
    ]


def test_a_table_that_is_not_yaml_is_reported_at_its_line(tmp_path):
    bad = tmp_path / "claims-bad.yaml"
    bad.write_text(
        textwrap.dedent(
            """\
            - file: glossary.md
              claim: >-
                some words of the claim here
              support:
                - key: a2020b
                  where: first bullet point (its last sentence: "The truce")
            """
        )
    )
    table, error = load_table(bad)
    assert table == []
    assert error.startswith(f"{bad}:6: not YAML (")


def test_visible_text_drops_citations_and_keeps_role_text():
    assert visible(
        "The {term}`Demilitarized Zone (DMZ) <DMZ>` is **wide** {cite:p}`a2020b,c2021d`."
    ) == ("The Demilitarized Zone (DMZ) is wide.")
