"""The claims table covers every citation of the corpus (tests/claims.py)."""

from __future__ import annotations

import re

import pytest
import yaml
from claims import REPO, TABLE, corpus_files, paragraphs, problems, visible


@pytest.fixture(scope="module")
def table() -> list[dict]:
    return yaml.safe_load(TABLE.read_text(encoding="utf-8"))


def test_every_citation_has_a_checked_claim(table):
    assert problems(table, corpus_files()) == []


def test_every_key_is_a_work_of_refs_bib(table):
    keys = set(
        re.findall(r"^@\w+\{([^,\s]+),", (REPO / "refs.bib").read_text(encoding="utf-8"), re.M)
    )
    assert {k for entry in table for k in entry["keys"]} <= keys


def test_a_dropped_entry_is_reported_at_its_paragraph(table):
    """The check can fail: without one entry, its citation is reported at its line."""
    entry = next(e for e in table if e["file"].startswith("articles/"))
    rest = [e for e in table if e is not entry]
    claim = " ".join(entry["claim"].split())
    para = next(
        p for p in paragraphs(entry["file"]) if claim in p.text and set(entry["keys"]) <= p.keys
    )
    # another entry may cover the same key in the same paragraph; then nothing is missing
    if any(
        e["file"] == entry["file"]
        and set(e["keys"]) & set(entry["keys"])
        and " ".join(e["claim"].split()) in para.text
        for e in rest
    ):
        rest = [
            e
            for e in rest
            if not (e["file"] == entry["file"] and " ".join(e["claim"].split()) in para.text)
        ]
    found = problems(rest, corpus_files())
    assert any(line.startswith(f"{entry['file']}:{para.line}: citation of ") for line in found), (
        found
    )


def test_a_claim_no_longer_in_its_paragraph_is_reported(table):
    entry = dict(table[0], claim="words that no paragraph of the corpus contains at all")
    found = problems([entry, *table[1:]], corpus_files())
    assert any("no paragraph has these words" in line for line in found), found


def test_visible_text_drops_citations_and_keeps_role_text():
    assert visible(
        "The {term}`Demilitarized Zone (DMZ) <DMZ>` is **wide** {cite:p}`a2020b,c2021d`."
    ) == ("The Demilitarized Zone (DMZ) is wide.")
