"""Versions of record (peninsula.records.versions, peninsula.records.history, tools/versions.py):
the front matter's History, what readers see of each version, the gates that
keep a published version as it was, and the editor's commands.

Most of it reads one strict build of tests/versioned.py's project (the
``versioned_html`` fixture): ``future-of-diplomacy`` at version 3 (a correction,
then an update), ``broadened-diplomacy`` retracted. The gates break one copy of
that project in several ways at once and build it twice, as `make html` does
(tests/harness.py); the publishing gate is the lint of `make check STRICT=1`.
The browser test looks at the pages and keeps screenshots in _build/screenshots.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from browser import DESKTOP, PHONE, axe_violations, horizontal_overflow, screenshot, serve
from conftest import ANSI
from harness import assert_refused, copy_project, messages, staged_build
from lxml import html as lxml_html
from peninsula.records.frontmatter import Known, parse
from peninsula.records.history import corrections
from peninsula.records.versions import Text, lock_text, read_lock
from versioned import (
    CORRECTION_NOTE,
    ONLY_V1_KEY,
    RETRACTED,
    RETRACTION_NOTE,
    REVISED,
    UPDATE_NOTE,
    fill_note,
    versions,
)

CURRENT = f"articles/{REVISED}.html"
RETRACTED_PAGE = f"articles/{RETRACTED}.html"
TITLE = "The Future of Diplomacy with North Korea"
RETRACTED_TITLE = "Broadened Diplomacy in U.S.–North Korea Relations"
NOTE_FIX = "say what changed and why, in a sentence or two a reader understands"


# -- 1. The History in the front matter: the parser alone ------------------------

#: an essay's front matter up to its ``history:`` field, on lines 1 to 8; the
#: first entry starts on line 9, each entry takes four lines
FRONT = """\
---
title: Talks with {North Korea}
authors: []
date: 2023-02-05
abstract: Two sentences of abstract.
topics: [sanctions]
license: CC-BY-4.0
history:
"""


def entry(version: object, date: str, kind: str, note: str) -> str:
    return f"  - version: {version}\n    date: {date}\n    kind: {kind}\n    note: {note}\n"


def essay_with(*entries: str) -> str:
    return FRONT + "".join(entries) + "---\n\n## A section\n\nText.\n"


CORRECTED = entry(2, "2023-03-01", "correction", "A date was wrong; it is right now.")
EMPTY_NOTE = f"version 2 has no note: {NOTE_FIX} (it is shown in the essay's History)"

HISTORY_MISTAKES = {
    "empty note": (
        essay_with(entry(2, "2023-03-01", "correction", '""  # what changed and why')),
        [(12, EMPTY_NOTE)],
    ),
    "no note at all": (
        essay_with(entry(2, "2023-03-01", "correction", "")),
        [(12, EMPTY_NOTE)],
    ),
    "wrong version number": (
        essay_with(entry(3, "2023-03-01", "correction", "Fixed.")),
        [
            (
                9,
                "this History entry is version 2, not 3: version 1 is the essay as first "
                "published, on its 'date', and each entry is the next version, oldest first",
            )
        ],
    ),
    "second entry numbered as the first": (
        essay_with(CORRECTED, entry(2, "2023-03-02", "update", "Added.")),
        [
            (
                13,
                "this History entry is version 3, not 2: version 1 is the essay as first "
                "published, on its 'date', and each entry is the next version, oldest first",
            )
        ],
    ),
    "date not a day": (
        essay_with(entry(2, "2023-03", "correction", "Fixed.")),
        [
            (
                10,
                "version 2's date '2023-03' is not a day: write YYYY-MM-DD",
            )
        ],
    ),
    "date before the essay's": (
        essay_with(entry(2, "2023-01-31", "correction", "Fixed.")),
        [
            (
                10,
                "version 2 is dated 2023-01-31, before the version it follows (2023-02-05): "
                "versions are listed oldest first",
            )
        ],
    ),
    "date before the previous version's": (
        essay_with(CORRECTED, entry(3, "2023-02-28", "update", "Added.")),
        [
            (
                14,
                "version 3 is dated 2023-02-28, before the version it follows (2023-03-01): "
                "versions are listed oldest first",
            )
        ],
    ),
    "misspelt kind": (
        essay_with(entry(2, "2023-03-01", "corection", "Fixed.")),
        [(11, "unknown kind of version 'corection': did you mean 'correction'?")],
    ),
    "unknown kind": (
        essay_with(entry(2, "2023-03-01", "rewrite", "Fixed.")),
        [
            (
                11,
                "unknown kind of version 'rewrite': write one of correction, update, "
                "revision, retraction",
            )
        ],
    ),
    "a version after a retraction": (
        essay_with(
            entry(2, "2023-03-01", "retraction", "Withdrawn."),
            entry(3, "2023-03-02", "correction", "Fixed."),
        ),
        [
            (
                13,
                "version 3 follows a retraction: a retracted essay has no later version; "
                "remove this entry",
            )
        ],
    ),
    "missing date and note": (
        essay_with("  - version: 2\n    kind: correction\n"),
        [
            (9, "the History entry needs 'date:', the day it was published, YYYY-MM-DD"),
            (
                9,
                "the History entry needs 'note:', what changed and why, in a sentence or two "
                "a reader understands",
            ),
        ],
    ),
    "misspelt field": (
        essay_with(entry(2, "2023-03-01", "correction", "Fixed.").replace("note:", "notes:")),
        [(12, "unknown History field 'notes': did you mean 'note'?")],
    ),
    "an entry that is not fields": (
        essay_with("  - corrected in March\n"),
        [
            (
                9,
                "each History entry holds 'version:', 'date:', 'kind:' and 'note:' lines: "
                "run make revise ESSAY=<slug> to add one",
            )
        ],
    ),
    "history not a list": (
        essay_with("  version 2\n"),
        [
            (
                9,
                "field 'history' must be a list of versions, each '- version: 2' with its "
                "date, kind and note: run make revise ESSAY=<slug> to add one",
            )
        ],
    ),
}


@pytest.mark.parametrize(
    "text,expected", HISTORY_MISTAKES.values(), ids=list(HISTORY_MISTAKES.keys())
)
def test_a_history_mistake_is_refused_at_its_line(text, expected):
    result = parse(text, "articles/talks", Known(None, None))
    assert isinstance(result, list), f"parsed without a problem: {result}"
    assert [(p.line, p.message) for p in result] == expected


def test_a_history_gives_the_versions_in_order():
    text = essay_with(
        CORRECTED,
        entry(3, "2023-03-01", "update", "A paragraph on the talks\n      was added."),
        entry(4, "2023-04-10", "retraction", "Withdrawn."),
    )
    record = parse(text, "articles/talks", Known(None, None))
    assert not isinstance(record, list), record
    got = [(v.number, v.date.iso, v.kind, v.done, v.note, v.line) for v in record.history]
    assert got == [
        (2, "2023-03-01", "correction", "corrected", "A date was wrong; it is right now.", 9),
        # a later version may share its day with the one before it
        (3, "2023-03-01", "update", "updated", "A paragraph on the talks was added.", 13),
        (4, "2023-04-10", "retraction", "retracted", "Withdrawn.", 18),
    ]
    assert (record.version, record.modified.iso, record.retracted) == (4, "2023-04-10", True)
    assert not record.frozen
    frozen = parse(essay_with(CORRECTED), "articles/talks/v2", Known(None, None))
    assert (frozen.version, frozen.frozen, frozen.retracted, frozen.slug) == (
        2,
        True,
        False,
        "talks",
    )
    unversioned = parse(
        FRONT.replace("history:\n", "") + "---\n", "articles/talks", Known(None, None)
    )
    assert (unversioned.version, unversioned.modified.iso, unversioned.history) == (
        1,
        "2023-02-05",
        (),
    )


def test_the_corrections_page_lists_what_changed_substance_newest_first():
    """A revision changes no substance: it is only in the essay's History."""
    first = parse(
        essay_with(CORRECTED, entry(3, "2023-05-01", "revision", "Reworded.")),
        "articles/talks",
        Known(None, None),
    )
    second = parse(
        essay_with(
            entry(2, "2023-04-01", "update", "Added."),
            entry(3, "2023-06-01", "retraction", "Withdrawn."),
        ).replace("Talks with", "Walks with"),
        "articles/walks",
        Known(None, None),
    )
    listed = [(r.slug, v.number, v.kind) for r, v in corrections([first, second])]
    assert listed == [
        ("walks", 3, "retraction"),
        ("walks", 2, "update"),
        ("talks", 2, "correction"),
    ]


# -- 2. What readers see: the versioned project's pages ------------------------------


def tree(html: Path, page: str):
    return lxml_html.parse(str(html / page)).getroot()


def text(element) -> str:
    return " ".join(element.text_content().split())


def c(name: str) -> str:
    """An XPath test: the element has the class *name*."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def find(root, path: str) -> list:
    return root.xpath(path)


def one(root, path: str):
    found = root.xpath(path)
    assert len(found) == 1, f"{len(found)} × {path}"
    return found[0]


def hrefs(element) -> list[str]:
    return [a.get("href") for a in element.iter("a")]


def history_of(root) -> list[tuple[str, str, list[str]]]:
    """The History section: each version's line, its note, its links."""
    section = one(root, f"//section[{c('history')}]")
    assert one(section, "./h2").get("id") == "history"
    out = []
    for item in find(section, f".//ul[{c('history-list')}]/li[{c('history-version')}]"):
        title = one(item, f".//p[{c('history-version-title')}]")
        notes = find(item, f".//p[{c('history-note')}]")
        out.append((text(title), text(notes[0]) if notes else "", hrefs(title)))
    return out


def banner_of(root) -> tuple[str, list[str], list[tuple[str, list[str]]]]:
    banner = one(root, f"//div[{c('version-banner')}]")
    title = one(banner, f".//p[{c('version-banner-title')}]")
    changes = [
        (text(li), hrefs(li)) for li in find(banner, f".//ul[{c('version-banner-changes')}]/li")
    ]
    return text(title), hrefs(title), changes


def after_title(root) -> list[str]:
    """The first class of each element between the page's title and the essay's
    header, the header's included."""
    h1 = one(root, "//article//h1")
    out = []
    for sibling in h1.itersiblings():
        out.append((sibling.get("class") or sibling.tag).split()[0])
        if out[-1] == "essay-header":
            break
    return out


def references_of(root) -> list[str]:
    section = one(root, f"//section[{c('references')}]")
    return [p.get("id") for p in find(section, ".//*[starts-with(@id, 'ref-')]")]


def cited_in_text(root) -> set[str]:
    """The works the essay's text cites (its References and header left out)."""
    found = set()
    for section in find(root, "//article//section//section"):
        if {"references", "history"} & set(section.get("class", "").split()):
            continue
        for a in find(section, f".//span[{c('citation')}]//a[starts-with(@href, '#ref-')]"):
            found.add(a.get("href")[1:])
    return found


def own_sections(root) -> list[str]:
    """The ids of the essay's own sections, without those every essay ends with."""
    ids = [h.get("id") for h in find(root, "//article//section/h2")]
    return [i for i in ids if i not in {"references", "history", "cite-this-essay"}]


CORRECTION_LINE = "Version 2 · Correction · December 1, 2026"
UPDATE_LINE = "Version 3 · Update · December 3, 2026"


def test_the_current_version_says_its_version_under_the_byline(versioned_html):
    root = tree(versioned_html, CURRENT)
    header = one(root, f"//div[{c('essay-header')}]")
    line = one(header, f"./p[{c('essay-version')}]")
    assert text(line) == "Version 3 · updated December 3, 2026"
    assert hrefs(line) == ["#history"]
    parts = [child.get("class").split()[0] for child in header]
    assert parts.index("essay-version") > parts.index("essay-byline")
    # the retracted essay says so; an earlier version has its banner instead
    retracted = one(tree(versioned_html, RETRACTED_PAGE), f"//p[{c('essay-version')}]")
    assert text(retracted) == "Version 2 · retracted December 4, 2026"
    for page in (f"articles/{REVISED}/v1.html", f"articles/{REVISED}/v2.html"):
        assert find(tree(versioned_html, page), f"//p[{c('essay-version')}]") == [], page


def test_the_history_lists_every_version_with_its_note(versioned_html):
    assert history_of(tree(versioned_html, CURRENT)) == [
        ("Version 1 · First published · 2020", "", [f"{REVISED}/v1.html"]),
        (CORRECTION_LINE, CORRECTION_NOTE, [f"{REVISED}/v2.html"]),
        ("Version 3 (this page) · Update · December 3, 2026", UPDATE_NOTE, []),
    ]
    # an earlier version's History is the one it was published with
    assert history_of(tree(versioned_html, f"articles/{REVISED}/v2.html")) == [
        ("Version 1 · First published · 2020", "", ["v1.html"]),
        ("Version 2 (this page) · Correction · December 1, 2026", CORRECTION_NOTE, []),
    ]
    assert history_of(tree(versioned_html, RETRACTED_PAGE)) == [
        ("Version 1 · First published · February 2023", "", [f"{RETRACTED}/v1.html"]),
        ("Version 2 (this page) · Retraction · December 4, 2026", RETRACTION_NOTE, []),
    ]
    # the History comes after the References, before the cite box
    root = tree(versioned_html, CURRENT)
    h2s = [h.get("id") for h in find(root, "//article//section/h2")]
    assert h2s[-3:] == ["references", "history", "cite-this-essay"]


def test_an_earlier_version_opens_with_what_changed_since(versioned_html):
    v1 = tree(versioned_html, f"articles/{REVISED}/v1.html")
    assert after_title(v1) == ["version-banner", "essay-header"]
    assert banner_of(v1) == (
        "You are reading version 1 of 3, published 2020. Read the current version.",
        [f"../{REVISED}.html"],
        [
            (f"{CORRECTION_LINE}: {CORRECTION_NOTE}", ["v2.html"]),
            (f"{UPDATE_LINE}: {UPDATE_NOTE}", [f"../{REVISED}.html"]),
        ],
    )
    assert text(one(v1, f"//p[{c('version-banner-since')}]")) == "What changed since:"
    # only the versions after the one shown
    assert banner_of(tree(versioned_html, f"articles/{REVISED}/v2.html")) == (
        "You are reading version 2 of 3, published December 1, 2026. Read the current version.",
        [f"../{REVISED}.html"],
        [(f"{UPDATE_LINE}: {UPDATE_NOTE}", [f"../{REVISED}.html"])],
    )
    assert banner_of(tree(versioned_html, f"articles/{RETRACTED}/v1.html")) == (
        "You are reading version 1 of 2, published February 2023. Read the current version.",
        [f"../{RETRACTED}.html"],
        [
            (
                f"Version 2 · Retraction · December 4, 2026: {RETRACTION_NOTE}",
                [f"../{RETRACTED}.html"],
            )
        ],
    )
    # the current version has no banner
    assert find(tree(versioned_html, CURRENT), f"//div[{c('version-banner')}]") == []
    assert after_title(tree(versioned_html, CURRENT)) == ["essay-header"]


def test_each_version_lists_the_works_it_cites(versioned_html):
    current = tree(versioned_html, CURRENT)
    v1 = tree(versioned_html, f"articles/{REVISED}/v1.html")
    v2 = tree(versioned_html, f"articles/{REVISED}/v2.html")
    only_v1 = f"ref-{ONLY_V1_KEY}"
    assert only_v1 in references_of(v1)
    assert set(references_of(v1)) - set(references_of(current)) == {only_v1}
    assert set(references_of(current)) <= set(references_of(v1))
    assert references_of(v2) == references_of(current)
    # each list is what its own text cites, and the citation links to its own list
    for root in (current, v1, v2):
        assert cited_in_text(root) | {"ref-future2020diplomacy"} == set(references_of(root))
    closing = [p for p in v1.iter("p") if text(p).startswith("A closing remark")]
    assert [hrefs(p) for p in closing] == [[f"#{only_v1}"]]


def test_a_retracted_essay_keeps_its_text_under_a_notice(versioned_html):
    root = tree(versioned_html, RETRACTED_PAGE)
    assert after_title(root) == ["retraction-notice", "essay-header"]
    notice = one(root, f"//div[{c('retraction-notice')}]")
    assert [(p.get("class"), text(p), hrefs(p)) for p in notice.iter("p")] == [
        ("retraction-notice-title", "Retracted on December 4, 2026", []),
        ("retraction-notice-note", RETRACTION_NOTE, []),
        (
            "retraction-notice-more",
            "The text below is kept as it was published, so that citations of it can be "
            "checked; it is no longer endorsed. See its History.",
            ["#history"],
        ),
    ]
    # its text is still there: the sections of the version it retracts
    v1 = tree(versioned_html, f"articles/{RETRACTED}/v1.html")
    assert len(own_sections(root)) > 4
    assert own_sections(root) == own_sections(v1)
    assert find(tree(versioned_html, CURRENT), f"//div[{c('retraction-notice')}]") == []


def test_the_corrections_page_lists_every_change_newest_first(versioned_html):
    root = tree(versioned_html, "corrections.html")
    items = [
        (
            text(one(li, f"./p[{c('corrections-title')}]")),
            text(one(li, f"./p[{c('corrections-when')}]")),
            hrefs(li),
            text(one(li, f"./p[{c('history-note')}]")),
        )
        for li in find(root, f"//ul[{c('corrections-list')}]/li[{c('corrections-item')}]")
    ]
    assert items == [
        (
            f"Retraction: {RETRACTED_TITLE}",
            "December 4, 2026 · Version 2 of 2",
            [RETRACTED_PAGE, RETRACTED_PAGE],
            RETRACTION_NOTE,
        ),
        (f"Update: {TITLE}", "December 3, 2026 · Version 3 of 3", [CURRENT, CURRENT], UPDATE_NOTE),
        (
            f"Correction: {TITLE}",
            "December 1, 2026 · Version 2 of 3",
            [CURRENT, f"articles/{REVISED}/v2.html"],
            CORRECTION_NOTE,
        ),
    ]


def test_the_lists_of_essays_leave_out_the_retracted_one(versioned_html, corpus_html):
    def cards(html: Path, page: str) -> list[str]:
        return [text(c) for c in find(tree(html, page), f"//*[{c('essay-card-title')}]")]

    # the corpus, unversioned, lists it; the versioned project does not
    assert RETRACTED_TITLE in cards(corpus_html, "index.html")
    assert cards(versioned_html, "index.html") == [TITLE]
    assert RETRACTED_TITLE in cards(corpus_html, "topics/missile-tests.html")
    assert cards(versioned_html, "topics/missile-tests.html") == []
    assert cards(versioned_html, "topics/deterrence.html") == [TITLE]
    assert cards(versioned_html, "authors/pronoy-chatterji.html") == []
    topics = text(one(tree(versioned_html, "topics/index.html"), "//article"))
    assert "Missile tests · no essays yet" in topics and "Deterrence · 1 essay" in topics
    # nor do they list an earlier version
    for page in ("index.html", "topics/deterrence.html"):
        listed = [
            a.get("href") for a in find(tree(versioned_html, page), f"//*[{c('essay-card')}]//a")
        ]
        assert not any("/v1" in h or "/v2" in h for h in listed), listed


def pagefind_pages(html: Path) -> set[str]:
    """The address of every page Pagefind indexed, from its fragments."""
    pages = set()
    for fragment in (html / "pagefind" / "fragment").iterdir():
        raw = gzip.decompress(fragment.read_bytes())
        assert raw.startswith(b"pagefind_dcd")
        pages.add(json.loads(raw[len(b"pagefind_dcd") :])["url"])
    return pages


def test_earlier_versions_and_retracted_essays_are_not_search_results(versioned_html):
    def search_kind(page: str) -> list[str]:
        root = tree(versioned_html, page)
        return [m.get("content") for m in find(root, "//meta[@data-pagefind-meta='kind[content]']")]

    assert search_kind(CURRENT) == ["Essay"]
    assert search_kind("glossary.html") == ["Reference"]
    not_results = [
        f"articles/{REVISED}/v1.html",
        f"articles/{REVISED}/v2.html",
        RETRACTED_PAGE,
        f"articles/{RETRACTED}/v1.html",
        "corrections.html",  # a list of notes, each on its essay's page
    ]
    for page in not_results:
        assert search_kind(page) == [], page
        root = tree(versioned_html, page)
        assert find(root, "//meta[@data-pagefind-filter]") == [], page
    indexed = pagefind_pages(versioned_html)
    assert f"/{CURRENT}" in indexed and "/glossary.html" in indexed
    assert not indexed & {f"/{p}" for p in not_results}, indexed


# -- 3. The gates: every build, then publishing ----------------------------------------


@pytest.fixture(scope="module")
def published_versions(versioned_project, tmp_path_factory) -> Path:
    """The versioned project, built and published once as `make html` does."""
    srcdir = copy_project(versioned_project, tmp_path_factory.mktemp("versions") / "project")
    result = staged_build(srcdir)
    assert result.returncode == 0, result.stderr
    assert messages(result, srcdir) == [], result.stderr
    return srcdir


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    found = [n for n, line in enumerate(lines, start=1) if needle in line]
    assert len(found) == 1, f"{needle!r} is on lines {found} of {path}"
    return found[0]


def replace_once(path: Path, old: str, new: str) -> None:
    source = path.read_text(encoding="utf-8")
    assert source.count(old) == 1, old
    path.write_text(source.replace(old, new), encoding="utf-8")


def bib_without(project: Path, key: str) -> None:
    bib = project / "refs.bib"
    source = bib.read_text(encoding="utf-8")
    start = source.index(f"{{{key},")
    start = source.rindex("@", 0, start)
    end = source.index("\n}\n", start) + 3
    bib.write_text(source[:start] + source[end:], encoding="utf-8")


def test_a_published_version_is_kept_as_it_was(published_versions, tmp_path):
    """Five mistakes in one copy, each at its line, on this build and the next."""
    project = copy_project(published_versions, tmp_path / "project")
    articles = project / "articles"
    revised, retracted = articles / f"{REVISED}.md", articles / f"{RETRACTED}.md"
    v1 = articles / REVISED / "v1.md"
    frozen = f"articles/{REVISED}/v1.md"

    # (a) a changed line of version 1
    changed = line_of(v1, "A closing remark of the first version")
    replace_once(v1, "A closing remark of the first version", "A closing remark, changed")
    # (b) a version never recorded, made by hand from the current text
    shutil.copy(revised, articles / REVISED / "v5.md")
    # (c) the text of an earlier version missing
    (articles / RETRACTED / "v1.md").unlink()
    # (d) a work only version 1 cites, taken out of refs.bib
    cites = line_of(v1, f"`{ONLY_V1_KEY}`")
    bib_without(project, ONLY_V1_KEY)
    # (e) the note of the newest version emptied
    note = line_of(revised, UPDATE_NOTE)
    replace_once(revised, UPDATE_NOTE, '""')

    history = line_of(retracted, "history:")
    assert_refused(
        project,
        [
            f"articles/{RETRACTED}.md:{history}: WARNING: the text of version 1 is missing: "
            f"it is kept in {RETRACTED}/v1.md beside the essay; restore it from git "
            "[versions.history]",
            f"articles/{REVISED}.md:{note}: WARNING: front matter: version 3 has no note: "
            f"{NOTE_FIX} (it is shown in the essay's History) [essays.front_matter]",
            f"{frozen}:{changed}: WARNING: version 1 of '{REVISED}' is frozen: readers cite it "
            "as it was published, and this line differs. Restore it (git checkout -- "
            f"{frozen}), and correct the current version instead: make revise "
            f"ESSAY={REVISED} [versions.frozen]",
            f"{frozen}:{cites}: WARNING: unknown citation key '{ONLY_V1_KEY}': add the work to "
            "refs.bib or correct the key [citations.unknown_key]",
            f"articles/{REVISED}/v5.md:1: WARNING: version 5 of '{REVISED}' was never "
            "recorded, so it is not a version readers saw: earlier versions are made by make "
            f"revise ESSAY={REVISED}, never by hand; delete this file [versions.frozen]",
        ],
        in_any_order=True,
    )


def test_the_current_version_kept_as_an_earlier_one_is_refused(published_versions, tmp_path):
    project = copy_project(published_versions, tmp_path / "project")
    shutil.copy(project / "articles" / f"{REVISED}.md", project / "articles" / REVISED / "v3.md")
    assert_refused(
        project,
        [
            f"articles/{REVISED}/v3.md:1: WARNING: version 3 of '{REVISED}' is its current "
            f"version, not an earlier one: its text is {REVISED}.md; delete this file "
            "[versions.frozen]"
        ],
        builds=1,
    )


LINT_BIN = Path(sys.executable).parent / "sphinx-build"
VERSIONS_TITLE = "-- essays whose text is not their recorded version (make revise, make record)"


def lint(srcdir: Path, outdir: Path) -> tuple[subprocess.CompletedProcess, list[str]]:
    """`make check STRICT=1`'s lint, with its own doctrees; the report's lines."""
    result = subprocess.run(
        [LINT_BIN, "-b", "lint", str(srcdir), str(outdir), "-d", str(outdir / ".doctrees")]
        + ["-W", "--keep-going", "-n", "-D", "peninsula_lint_strict=1"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result, (outdir / "lint.txt").read_text(encoding="utf-8").splitlines()


def versions_found(report: list[str]) -> list[str]:
    """The unrecorded_version check's lines of the report, heading first."""
    start = next(i for i, line in enumerate(report) if line.startswith(VERSIONS_TITLE))
    end = next(
        (i for i in range(start + 1, len(report)) if report[i].startswith(("-- ", "lint failed"))),
        len(report),
    )
    return report[start:end]


def small_essay(project: Path, slug: str) -> Path:
    path = project / "articles" / f"{slug}.md"
    path.write_text(
        f"---\ntitle: The {slug.title()} of the {{Yellow Sea}}\nauthors: []\ndate: 2024-05\n"
        "abstract: A short essay for the tests.\ntopics: [deterrence]\nlicense: CC-BY-4.0\n"
        f"---\n\n({slug}-argument)=\n## The argument\n\n"
        f"The {slug} stand {{cite:p}}`future2020diplomacy`.\n",
        encoding="utf-8",
    )
    return path


def test_publishing_refuses_an_essay_that_is_not_its_recorded_version(versioned_project, tmp_path):
    """A silent change, a version opened and not recorded, a draft: each named at its
    line with the command that fixes it, on this lint and the next."""
    project = tmp_path / "project"
    shutil.copytree(versioned_project, project, ignore=shutil.ignore_patterns("_build"))
    result, report = lint(project, tmp_path / "before")
    assert versions_found(report) == [f"{VERSIONS_TITLE}: none"]

    revised = project / "articles" / f"{REVISED}.md"
    changed = line_of(revised, "have not resumed at the working level")
    replace_once(revised, "have not resumed at the working level", "have not resumed at all")
    opened = small_essay(project, "cormorants")
    assert versions(project, "record", "--essay", "cormorants").returncode == 0
    done = versions(project, "revise", "--essay", "cormorants", "--kind", "revision")
    assert done.returncode == 0, done.stderr
    fill_note(opened, "Reworded.")
    small_essay(project, "lighthouses")

    for attempt in (1, 2):
        result, report = lint(project, tmp_path / "after")
        assert result.returncode == 1, f"lint {attempt} passed:\n{result.stderr}"
        assert "Traceback" not in result.stderr, result.stderr
        assert versions_found(report) == [
            f"{VERSIONS_TITLE}: 3",
            f"articles/cormorants.md:{line_of(opened, 'history:')}: version 2 of 'cormorants' "
            "is not recorded yet: when its text and note are final, run make record "
            "ESSAY=cormorants",
            f"articles/{REVISED}.md:{changed}: '{REVISED}' changed after version 3 was "
            f"published, with no History entry: run make revise ESSAY={REVISED}, which keeps "
            "version 3 as readers saw it and adds an entry for the change; then say what "
            "changed and why",
            "articles/lighthouses.md:1: 'lighthouses' is a draft, never published: when it is "
            "ready, publish it with make record ESSAY=lighthouses",
        ], f"lint {attempt}"
        assert report[-1].startswith("lint failed: "), report[-1]
        assert report[-1].endswith(
            "3 unrecorded versions in strict mode (peninsula_lint_strict)"
        ), report[-1]
        # the console says the same
        status = ANSI.sub("", result.stdout)
        assert all(line in status for line in versions_found(report)[1:]), status


# -- 4. The editor's commands: tools/versions.py ------------------------------------------


@pytest.fixture
def essays(versioned_project, tmp_path) -> Path:
    """The versioned project's essays, their earlier versions and lock: all the
    commands read."""
    project = tmp_path / "project"
    shutil.copytree(versioned_project / "articles", project / "articles")
    return project


def refused(project: Path, *args: str) -> str:
    lock = (project / "articles" / "versions.lock").read_bytes()
    done = versions(project, *args)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout == ""
    assert (project / "articles" / "versions.lock").read_bytes() == lock, "the lock changed"
    return done.stderr


def test_revise_refuses_a_draft(essays):
    small_essay(essays, "lighthouses")
    assert refused(essays, "revise", "--essay", "lighthouses") == (
        "error: articles/lighthouses.md:1: 'lighthouses' is a draft, never published: edit it "
        "freely, and publish it with make record ESSAY=lighthouses\n"
    )
    assert not (essays / "articles" / "lighthouses").exists()


def test_revise_refuses_a_version_already_open(essays):
    revised = essays / "articles" / f"{REVISED}.md"
    done = versions(essays, "revise", "--essay", REVISED, "--date", "2026-12-06")
    assert done.returncode == 0, done.stderr
    entry_line = line_of(revised, "- version: 4")
    note = line_of(revised, 'note: ""')
    assert done.stdout.splitlines() == [
        f"{REVISED}: version 3 kept in articles/{REVISED}/v3.md",
        f"articles/{REVISED}.md:{entry_line}: version 4 opened (correction, 2026-12-06): "
        f"write its note, make the change, then run make record ESSAY={REVISED} to publish it",
    ]
    opened = revised.read_text(encoding="utf-8")
    # before its note is written: the note is what is missing
    assert refused(essays, "revise", "--essay", REVISED) == (
        f"error: articles/{REVISED}.md:{note}: version 4 has no note: {NOTE_FIX} (it is shown "
        "in the essay's History)\nfix the front matter first: make html names every problem\n"
    )
    fill_note(revised, "A sentence was reworded.")
    assert refused(essays, "revise", "--essay", REVISED, "--kind", "update") == (
        f"error: articles/{REVISED}.md:{entry_line}: version 4 is open already: edit the essay "
        f"and its note, then run make record ESSAY={REVISED}\n"
    )
    assert revised.read_text(encoding="utf-8") == opened.replace(
        'note: ""  # what changed and why, in a sentence or two a reader understands',
        "note: A sentence was reworded.",
    )
    assert not (essays / "articles" / REVISED / "v4.md").exists()
    # nor may a retracted essay be revised
    retraction = line_of(essays / "articles" / f"{RETRACTED}.md", "- version: 2")
    assert refused(essays, "revise", "--essay", RETRACTED) == (
        f"error: articles/{RETRACTED}.md:{retraction}: '{RETRACTED}' is retracted: a "
        "retracted essay has no later version\n"
    )


def git(project: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(project), *args],
        capture_output=True,
        text=True,
        check=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "Editor",
            "GIT_AUTHOR_EMAIL": "editor@example.org",
            "GIT_COMMITTER_NAME": "Editor",
            "GIT_COMMITTER_EMAIL": "editor@example.org",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
        },
    )
    return done.stdout


def test_revise_takes_the_recorded_text_from_git_when_the_essay_was_edited(essays):
    revised = essays / "articles" / f"{REVISED}.md"
    published = revised.read_text(encoding="utf-8")
    edited = published.replace("have not resumed at the working level", "have not resumed at all")
    revised.write_text(edited, encoding="utf-8")
    changed = line_of(revised, "have not resumed at all")

    # no git: the recorded text is nowhere, so nothing is done
    assert refused(essays, "revise", "--essay", REVISED) == (
        f"error: articles/{REVISED}.md:{changed}: the essay was changed after version 3 was "
        "published, and git's HEAD does not hold that version either: restore it (git stash), "
        f"run make revise ESSAY={REVISED} again, then make your changes\n"
    )
    assert not (essays / "articles" / REVISED / "v3.md").exists()

    # in git, HEAD holds version 3 as recorded: it is kept, and the edit stays
    git(essays, "init", "-q")
    revised.write_text(published, encoding="utf-8")
    git(essays, "add", "-A")
    git(essays, "commit", "-q", "-m", "published")
    revised.write_text(edited, encoding="utf-8")
    done = versions(essays, "revise", "--essay", REVISED, "--date", "2026-12-06")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"{REVISED}: version 3 is taken from git's HEAD; your edits stay",
        f"{REVISED}: version 3 kept in articles/{REVISED}/v3.md",
        f"articles/{REVISED}.md:{line_of(revised, '- version: 4')}: version 4 opened "
        f"(correction, 2026-12-06): write its note, make the change, then run make record "
        f"ESSAY={REVISED} to publish it",
    ]
    kept = (essays / "articles" / REVISED / "v3.md").read_text(encoding="utf-8")
    assert kept == published
    assert "have not resumed at all" in revised.read_text(encoding="utf-8")
    assert git(essays, "status", "--porcelain").splitlines() == [
        f" M articles/{REVISED}.md",
        f"?? articles/{REVISED}/v3.md",
    ]


def test_record_refuses_a_silent_change_and_a_missing_note(essays):
    revised = essays / "articles" / f"{REVISED}.md"
    published = revised.read_text(encoding="utf-8")
    replace_once(revised, "have not resumed at the working level", "have not resumed at all")
    changed = line_of(revised, "have not resumed at all")
    expected = (
        f"error: articles/{REVISED}.md:{changed}: '{REVISED}' changed after version 3 was "
        f"published, with no History entry: run make revise ESSAY={REVISED} first, then say "
        "what changed and why\n"
    )
    # for this essay, and for all of them: nothing is recorded
    assert refused(essays, "record", "--essay", REVISED) == expected
    assert refused(essays, "record") == expected

    revised.write_text(published, encoding="utf-8")
    assert versions(essays, "revise", "--essay", REVISED, "--date", "2026-12-06").returncode == 0
    replace_once(revised, "have not resumed at the working level", "have not resumed at all")
    note = line_of(revised, 'note: ""')
    assert refused(essays, "record", "--essay", REVISED) == (
        f"error: articles/{REVISED}.md:{note}: version 4 has no note: {NOTE_FIX} (it is shown "
        "in the essay's History)\nfix the front matter first: make html names every problem\n"
    )
    fill_note(revised, "The meeting is no longer called a working-level one.")
    done = versions(essays, "record", "--essay", REVISED)
    assert (done.returncode, done.stdout) == (0, f"{REVISED}: version 4 recorded\n"), done.stderr
    lock = read_lock(essays / "articles" / "versions.lock")
    assert [r["version"] for r in lock[REVISED]] == [1, 2, 3, 4]
    # version 4 is the text now, its History aside; version 3 is the text kept
    assert Text.of(revised.read_text(encoding="utf-8")).matches(lock[REVISED][3])
    assert Text.of(published).matches(lock[REVISED][2])
    kept = (essays / "articles" / REVISED / "v3.md").read_text(encoding="utf-8")
    assert Text.of(kept).matches(lock[REVISED][2])


def test_the_lock_is_stable_text(essays):
    path = essays / "articles" / "versions.lock"
    before = path.read_text(encoding="utf-8")
    done = versions(essays, "record")
    assert (done.returncode, done.stdout.splitlines()) == (
        0,
        [
            f"{RETRACTED}: version 2 is recorded; nothing to do",
            f"{REVISED}: version 3 is recorded; nothing to do",
        ],
    ), done.stderr
    assert path.read_text(encoding="utf-8") == before
    assert lock_text(read_lock(path)) == before
    # one version a line, essays in order, no text of the essays in it
    records = [line for line in before.splitlines() if '{"version": ' in line]
    assert [json.loads(line.strip().rstrip(","))["version"] for line in records] == [1, 2, 1, 2, 3]
    slugs = re.findall(r'^    "([a-z0-9-]+)": \[$', before, re.M)
    assert slugs == [RETRACTED, REVISED]
    assert "North Korea" not in before
    # a new essay recorded is one more line, and the rest is as it was
    small_essay(essays, "lighthouses")
    done = versions(essays, "record", "--essay", "lighthouses")
    assert done.stdout == "lighthouses: version 1 recorded (published)\n", done.stderr
    after = path.read_text(encoding="utf-8").splitlines()
    added = [line for line in after if line not in before.splitlines()]
    assert len(added) == 2 and added[0] == '    "lighthouses": ['
    assert json.loads(added[1].strip())["version"] == 1
    assert len(after) == len(before.splitlines()) + 3  # its name, its version, its ']'


# -- 6. In the browser -------------------------------------------------------------

VERSION_PAGES = {
    "versions-current": CURRENT,
    "versions-earlier": f"articles/{REVISED}/v1.html",
    "versions-retracted": RETRACTED_PAGE,
    "versions-corrections": "corrections.html",
}


def visit(page, address: str) -> None:
    page.goto(address)  # waits for the load event: these pages fetch nothing after it


def test_the_version_pages_are_accessible_on_every_screen(browser, tab, versioned_html):
    """axe-core in light and dark, a phone that never scrolls sideways, and a
    screenshot of each for a person to look at: versions-current.png, its
    -dark and -phone variants, and so on."""
    found: dict[str, object] = {}
    errors: list[str] = []
    dark = browser.new_context(viewport=DESKTOP, color_scheme="dark").new_page()
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    for page in (dark, phone):
        page.on("pageerror", lambda err: errors.append(str(err)))
    with serve(versioned_html) as site:
        for name, address in VERSION_PAGES.items():
            for page, scheme in ((tab, "light"), (dark, "dark")):
                visit(page, f"{site}/{address}")
                # before any scrolling: furo shows its back-to-top button on the way up
                found[f"{name} {scheme}"] = axe_violations(page)
                screenshot(page, name if scheme == "light" else f"{name}-dark")
            visit(phone, f"{site}/{address}")
            found[f"{name} phone overflow"] = horizontal_overflow(phone)
            screenshot(phone, f"{name}-phone")
    dark.context.close()
    phone.context.close()
    assert errors == []
    assert found == {
        **{f"{name} {scheme}": [] for name in VERSION_PAGES for scheme in ("light", "dark")},
        **{f"{name} phone overflow": 0 for name in VERSION_PAGES},
    }
